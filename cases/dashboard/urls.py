from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("resultater/", views.results, name="results"),
    path("konsulenter.csv", views.consultants_csv, name="consultants_csv"),
    path("resultater.csv", views.results_csv, name="results_csv"),
    path("omfordel/", views.reassign, name="reassign"),
]
