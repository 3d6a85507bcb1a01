from django.urls import path

from . import views

app_name = "absence"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("indlaes/", views.upload, name="upload"),
    path("indlaes/<int:pk>/", views.import_detail, name="import_detail"),
    path("advis/<int:pk>/", views.alert_detail, name="alert"),
    path("advis/<int:pk>/opret-sag/", views.alert_open_case, name="alert_open_case"),
]
