from django.urls import path

from . import views

app_name = "fasttrack"

urlpatterns = [
    path("fast-track/", views.referral_form, name="form"),
    path("fast-track/kvittering/<str:token>/", views.receipt, name="receipt"),
    path("fast-track/status/<str:token>/", views.status, name="status"),
    path("fast-track/status/<str:token>/anmodning.txt", views.referral_document, {"kind": "txt"}, name="text"),
    path("fast-track/status/<str:token>/anmodning.pdf", views.referral_document, {"kind": "pdf"}, name="pdf"),
    path("fast-track/medarbejder/<str:token>/", views.employee, name="employee"),
    path("sager/fast-track/", views.triage_list, name="triage"),
    path("sager/fast-track/<int:pk>/", views.triage_detail, name="triage_detail"),
    path("sager/fast-track/<int:pk>/accepter/", views.triage_accept, name="triage_accept"),
    path("sager/fast-track/<int:pk>/afvis/", views.triage_reject, name="triage_reject"),
]
