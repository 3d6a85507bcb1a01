from django.urls import path

from . import views

# Included by roundtable/urls.py (namespace "roundtable").
urlpatterns = [
    path("book/<str:token>/", views.booking, name="booking"),
    path("book/<str:token>/<int:pk>/aflys/", views.booking_cancel, name="booking_cancel"),
    path("book/<str:token>/<int:pk>/flyt/", views.booking_move, name="booking_move"),
    path("kalender/", views.calendar, name="calendar"),
]
