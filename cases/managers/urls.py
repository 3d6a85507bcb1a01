from django.urls import path

from . import views

app_name = "managers"

urlpatterns = [
    path("for-ledere/", views.guide, name="guide"),
    path("for-ledere/sygefravaerssamtale/", views.absence_conversation, name="absence_conversation"),
    path("for-ledere/kontaktnotat/", views.contact_note, name="contact_note"),
]
