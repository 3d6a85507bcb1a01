from django.urls import path

from . import views

app_name = "phone"

urlpatterns = [
    path("", views.calls, name="calls"),
    path("vagtplan/", views.roster, name="roster"),
    path("vagtplan/saet/", views.roster_set, name="roster_set"),
    path("vagtplan/planlaeg/", views.roster_plan, name="roster_plan"),
    path("vagtplan/bytte/", views.swap_request, name="swap_request"),
    path("vagtplan/bytte/<int:pk>/", views.swap_answer, name="swap_answer"),
    path("opkald/<int:pk>/sag/", views.call_case, name="call_case"),
    path("opkald/<int:pk>/overdrag/", views.call_hand_over, name="call_hand_over"),
]
