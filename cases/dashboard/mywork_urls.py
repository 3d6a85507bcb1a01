from django.urls import path

from . import views

app_name = "mywork"

urlpatterns = [
    path("", views.home, name="home"),
    path("mit-arbejde/", views.my_work, name="index"),
    path("mit-arbejde/morgenmail/", views.digest_toggle, name="digest_toggle"),
    path("mit-arbejde/huskelapp/<int:pk>/udfoert/", views.followup_done, name="followup_done"),
]
