from django.urls import path

from . import views

app_name = "channel"

urlpatterns = [
    path("borger/<slug:kind>/<str:token>/", views.document, name="document"),
    path("borger/<slug:kind>/<str:token>/hent/", views.document_download, name="download"),
    path("sager/<str:reference>/kontakt/", views.contact, name="contact"),
    path("sager/<str:reference>/kontakt/bekraeft/", views.contact_verify, name="verify"),
    path("sager/<str:reference>/kontakt/<int:pk>/tilbagekald/", views.contact_withdraw, name="withdraw"),
    path("sager/<str:reference>/kontakt/kode/", views.code_hand_over, name="hand_over"),
]
