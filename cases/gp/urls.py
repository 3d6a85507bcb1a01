from django.urls import path

from . import views

app_name = "gp"

urlpatterns = [
    path("laeger/", views.practices, name="practices"),
    path("laeger/<int:pk>/", views.practice, name="practice"),
    path("laeger/<int:pk>/kontakt/", views.contact_add, name="contact_add"),
    path("laeger/<int:pk>/moede/nyt/", views.meeting_new, name="meeting_new"),
    path("laeger/moede/<int:pk>/", views.meeting_detail, name="meeting"),
    path("sager/<str:reference>/laege/", views.request_new, name="request_new"),
    path("sager/<str:reference>/laege/<int:pk>/svar/", views.request_answer, name="request_answer"),
]
