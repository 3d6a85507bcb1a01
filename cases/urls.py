from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("eksport.csv", views.case_export, name="export"),
    path("ny/", views.case_create, name="create"),
    path("indsigt/", views.access_insight, name="access_insight"),
    path("notifikationer/", views.notification_list, name="notifications"),
    path("notifikationer/laest/", views.notifications_read_all, name="notifications_read_all"),
    path("notifikationer/<int:pk>/", views.notification_open, name="notification_open"),
    path("arbejdsgivere/opslag/", views.employer_lookup, name="employer_lookup"),
    path("arbejdsgivere/<int:pk>/", views.employer_edit, name="employer_edit"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/rediger/", views.case_edit, name="edit"),
    path("<str:reference>/cpr/", views.case_reveal_cpr, name="reveal_cpr"),
    path("<str:reference>/screening/", views.case_screen, name="screen"),
    path("<str:reference>/tildel/", views.case_reassign, name="reassign"),
    path("<str:reference>/luk/", views.case_close, name="close"),
    path("<str:reference>/genaabn/", views.case_reopen, name="reopen"),
    path("<str:reference>/eftervaern/", views.aftercare_plan, name="aftercare_plan"),
    path("<str:reference>/eftervaern/<int:pk>/", views.aftercare_check_in, name="aftercare_check_in"),
    path("<str:reference>/tilbagefald/", views.relapse_open, name="relapse"),
    path("<str:reference>/journal/", views.journal_add, name="journal_add"),
    path("<str:reference>/huskelapp/", views.followup_add, name="followup_add"),
    path("<str:reference>/oplysningsskema/", views.information_form_sent, name="information_form_sent"),
    path("<str:reference>/frister/<int:pk>/<slug:action>/", views.deadline_action, name="deadline_action"),
]
