from django.urls import path

from . import campaign_views, screening_views, views
from .selfbooking.urls import urlpatterns as selfbooking_urls

app_name = "roundtable"

M = "sager/<str:reference>/moeder/<int:pk>/"

urlpatterns = [
    path("sager/<str:reference>/moeder/ny/", views.meeting_create, name="create"),
    path(M, views.meeting_detail, name="detail"),
    path(M + "flyt/", views.meeting_move, name="move"),
    path(M + "aflys/", views.meeting_cancel, name="cancel"),
    path(M + "afholdt/", views.meeting_hold, name="hold"),
    path(M + "trappemodel/", views.placements_save, name="placements"),
    path(M + "plan/", views.plan_save, name="plan"),
    path(M + "aftaler/", views.agreement_add, name="agreement_add"),
    path(M + "aftaler/<int:agreement_pk>/udfoert/", views.agreement_done, name="agreement_done"),
    path(M + "aftaler/<int:agreement_pk>/fjern/", views.agreement_remove, name="agreement_remove"),
    path(M + "notater/", views.specialist_note_add, name="specialist_note"),
    path(M + "tilbud/", views.offer_decide, name="offer_decide"),
    path(M + "tilbud/<int:offer_pk>/startet/", views.offer_started, name="offer_started"),
    path(M + "tilbud/<int:offer_pk>/fjern/", views.offer_withdraw, name="offer_withdraw"),
    path(M + "konsulentnotat/", views.consultant_note_save, name="consultant_note"),
    path(M + "opstartssamtale/", views.start_answers, name="start_answers"),
    path(M + "opfoelgning/", views.follow_up_book, name="follow_up"),
    path(M + "referat/afslut/", views.minutes_finalise, name="finalise"),
    path(M + "referat/ret/", views.minutes_correct, name="correct"),
    path(M + "referat/<int:number>/<str:variant>.pdf", views.minutes_pdf, name="pdf"),
    path(M + "referat/<int:number>/borgerlink/", views.minutes_letter, name="minutes_letter"),
    path("moede/svar/<str:token>/", views.participant_answer, name="answer"),
    # Helsingør: care conversations for a whole workplace.
    path("omsorgssamtaler/", campaign_views.campaign_list, name="campaigns"),
    path("omsorgssamtaler/<int:pk>/", campaign_views.campaign_detail, name="campaign"),
    path("omsorgssamtaler/<int:pk>/planlaegning/", campaign_views.campaign_planning, name="campaign_planning"),
    path("omsorgssamtaler/<int:pk>/personer/", campaign_views.campaign_invitee_add, name="campaign_invitee_add"),
    path("omsorgssamtaler/<int:pk>/inviter/", campaign_views.campaign_invite_all, name="campaign_invite_all"),
    path("omsorgssamtaler/<int:pk>/fra-fravaersdata/", campaign_views.campaign_from_absence,
         name="campaign_from_absence"),
    path("informationsmoede/", screening_views.screening, name="screening"),
    path("informationsmoede/marker/", screening_views.screening_mark, name="screening_mark"),
    path("informationsmoede/book/", screening_views.screening_book, name="screening_book"),
    *selfbooking_urls,
]
