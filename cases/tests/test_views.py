"""The case file in the browser's shoes: access per role, bad input, query counts, logging."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases import deadlines
from cases.models import AccessLog, Case, Deadline, Notification
from cases.notifications import notify
from cases.roles import Role
from cases.tests.factories import make_case, make_team, make_user

pytestmark = pytest.mark.django_db


def danish(message: str) -> str:
    """The Danish text of a msgid; fails when it has no translation (the UI must speak Danish)."""
    with translation.override("da"):
        text = str(translation.gettext(message))
    assert text != message, f"no Danish translation for {message!r}"
    return text


@pytest.fixture
def world():
    nord, syd = make_team("Nord"), make_team("Syd")
    mette = make_user("mette", team=nord)
    anders = make_user("anders", team=syd)
    lead = make_user("birgitte", role=Role.TEAM_LEAD, team=nord, lead=True)
    admin = make_user("admin1", role=Role.ADMIN)
    case_nord = make_case(team=nord, consultant=mette)
    case_syd = make_case(team=syd, consultant=anders, name="Åse Ærø")
    return {"nord": nord, "syd": syd, "mette": mette, "anders": anders, "lead": lead, "admin": admin,
            "case_nord": case_nord, "case_syd": case_syd}


def detail(case):
    return reverse("cases:detail", args=[case.reference])


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(detail(world["case_nord"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who, visible, hidden", [
    ("mette", "case_nord", "case_syd"),
    ("anders", "case_syd", "case_nord"),
    ("lead", "case_nord", "case_syd"),
])
def test_other_teams_case_is_404_also_when_the_url_is_guessed(client, world, who, visible, hidden):
    client.force_login(world[who])
    assert client.get(detail(world[visible])).status_code == 200
    assert client.get(detail(world[hidden])).status_code == 404
    assert client.post(reverse("cases:journal_add", args=[world[hidden].reference]), {"text": "x"}).status_code == 404
    listing = client.get(reverse("cases:list")).content.decode()
    assert world[visible].reference in listing
    assert world[hidden].reference not in listing
    export = client.get(reverse("cases:export")).content.decode("utf-8-sig")
    assert world[visible].reference in export and world[hidden].reference not in export


def test_admin_sees_every_team(client, world):
    client.force_login(world["admin"])
    assert client.get(detail(world["case_nord"])).status_code == 200
    assert client.get(detail(world["case_syd"])).status_code == 200


def test_every_read_of_a_case_is_logged_and_cpr_is_masked(client, world):
    case = world["case_nord"]
    client.force_login(world["mette"])
    page = client.get(detail(case)).content.decode()
    cpr = case.employee.cpr
    assert cpr not in page and f"{cpr[:6]}-{cpr[6:]}" not in page
    assert AccessLog.objects.filter(user=world["mette"], case=case, action=AccessLog.Action.VIEW).count() == 1
    revealed = client.post(reverse("cases:reveal_cpr", args=[case.reference]), {"cpr-purpose": "identity"}).content.decode()
    assert f"{cpr[:6]}-{cpr[6:]}" in revealed
    assert AccessLog.objects.filter(case=case, action=AccessLog.Action.REVEAL_CPR).exists()


def test_case_list_query_count_is_the_same_for_10_and_200_cases(client, world, django_assert_max_num_queries):
    client.force_login(world["lead"])
    for _ in range(8):  # 10 cases in Nord with the fixture's one (+1 in Syd)
        make_case(team=world["nord"], consultant=world["mette"])
    make_case(team=world["nord"], consultant=None)
    with django_assert_max_num_queries(15) as ten:
        client.get(reverse("cases:list"), {"sort": "name"})
    baseline = len(ten.captured_queries)
    for _ in range(190):
        make_case(team=world["nord"], consultant=world["mette"])
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("cases:list"), {"sort": "name"})
    assert response.content.decode().count("FH-") >= 25  # a full page
    with django_assert_max_num_queries(baseline):
        client.get(reverse("cases:export"))


def test_create_form_refuses_bad_input_in_danish_and_keeps_it(client, world):
    client.force_login(world["mette"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(reverse("cases:create"), {
        "cpr": "3213701234", "employee_name": "Jørgen Ærø", "cvr": "13585627", "employer_name": "Nordlys",
        "team": world["nord"].pk, "consultant": world["mette"].pk, "source": "phone_call",
        "first_contact_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "first_absence_day": tomorrow,
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert danish("The date cannot be in the future.") in page
    assert "Jørgen Ærø" in page and "13585627" in page
    assert Case.objects.count() == 2  # the fixture's two; nothing saved


def test_case_page_query_count_does_not_grow_with_deadlines_and_journal(client, world, django_assert_max_num_queries):
    case = world["case_nord"]
    client.force_login(world["mette"])
    with django_assert_max_num_queries(40) as few:
        client.get(detail(case))
    baseline = len(few.captured_queries)
    for i in range(10):
        client.post(reverse("cases:journal_add", args=[case.reference]),
                    {"kind": "note", "text": f"Note {i}", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
        deadlines.deadline_open(case=case, kind="agreement_item", start=timezone.now(), actor=world["mette"],
                                title=f"Aftale {i}", due_at=timezone.now() + timedelta(days=3 + i))
    with django_assert_max_num_queries(baseline):
        client.get(detail(case))


def test_case_page_shows_deadlines_with_derivation_and_time_left(client, world):
    client.force_login(world["mette"])
    page = client.get(detail(world["case_nord"])).content.decode()
    first = world["case_nord"].deadlines.get(kind="first_meeting")
    assert first.derivation[:20] in page
    assert f'id="deadline-{first.pk}"' in page
    assert timezone.localtime(first.due_at).strftime("%d/%m/%Y %H:%M") in page


def test_pause_without_reason_is_refused_in_danish_and_changes_nothing(client, world):
    case = world["case_nord"]
    first = case.deadlines.get(kind="first_meeting")
    client.force_login(world["mette"])
    url = reverse("cases:deadline_action", args=[case.reference, first.pk, "pause"])
    response = client.post(url, {f"d{first.pk}-reason": ""})
    assert response.status_code == 400
    assert danish("Give a reason for the pause.") in response.content.decode()
    first.refresh_from_db()
    assert first.state == Deadline.State.OPEN


def test_pause_then_resume_adds_the_paused_time(client, world, time_machine):
    case = world["case_nord"]
    first = case.deadlines.get(kind="first_meeting")
    client.force_login(world["mette"])
    # On a working day: a working-hours clock paused over a weekend gets no weekend added (see
    # test_clock_state_machine), but five hours paused on a Monday are five hours more.
    calendar = deadlines.work_calendar()
    day = calendar.next_working_day(timezone.localdate() + timedelta(days=1))
    time_machine.move_to(timezone.make_aware(datetime.combine(day, time(10, 0))), tick=False)
    client.force_login(world["mette"])
    response = client.post(reverse("cases:deadline_action", args=[case.reference, first.pk, "pause"]),
                           {f"d{first.pk}-reason": "Venter på lægens udtalelse"})
    assert response.status_code == 302 and Deadline.objects.get(pk=first.pk).state == Deadline.State.PAUSED
    time_machine.shift(timedelta(hours=5))
    client.force_login(world["mette"])  # the idle session expired meanwhile
    assert client.post(reverse("cases:deadline_action", args=[case.reference, first.pk, "resume"])).status_code == 302
    resumed = Deadline.objects.get(pk=first.pk)
    assert resumed.state == Deadline.State.OPEN
    assert resumed.due_at - first.due_at == timedelta(hours=5)
    kinds = list(case.events.values_list("kind", flat=True))
    assert "deadline_paused" in kinds and "deadline_resumed" in kinds


def test_extension_into_the_past_is_refused_and_keeps_the_input(client, world):
    case = world["case_nord"]
    first = case.deadlines.get(kind="first_meeting")
    client.force_login(world["mette"])
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("cases:deadline_action", args=[case.reference, first.pk, "extend"]),
                           {f"d{first.pk}-new_due_at": past, f"d{first.pk}-reason": "Arbejdsgiver syg"})
    page = response.content.decode()
    assert response.status_code == 400
    assert danish("The new due time must lie in the future.") in page
    assert "Arbejdsgiver syg" in page
    assert Deadline.objects.get(pk=first.pk).due_at == first.due_at


def test_extension_moves_due_time_and_is_on_the_timeline(client, world):
    case = world["case_nord"]
    first = case.deadlines.get(kind="first_meeting")
    client.force_login(world["mette"])
    later = timezone.localtime(first.due_at + timedelta(days=2)).replace(second=0, microsecond=0)
    client.post(reverse("cases:deadline_action", args=[case.reference, first.pk, "extend"]),
                {f"d{first.pk}-new_due_at": later.strftime("%Y-%m-%dT%H:%M"), f"d{first.pk}-reason": "Ferie"})
    assert Deadline.objects.get(pk=first.pk).due_at == later
    assert case.events.filter(kind="deadline_extended").exists()


def test_information_form_clock_and_recording_it_met(client, world):
    case = world["case_nord"]
    client.force_login(world["mette"])
    sent = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=1)
    client.post(reverse("cases:information_form_sent", args=[case.reference]), {"sent_at": sent.strftime("%Y-%m-%dT%H:%M")})
    form_clock = case.deadlines.get(kind="information_form")
    assert form_clock.state == Deadline.State.OPEN
    assert timezone.localtime(form_clock.due_at).date() >= (sent + timedelta(days=8)).date()
    double = client.post(reverse("cases:information_form_sent", args=[case.reference]), {"sent_at": sent.strftime("%Y-%m-%dT%H:%M")})
    assert double.status_code == 302 and case.deadlines.filter(kind="information_form").count() == 1  # idempotent
    other = (sent - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    again = client.post(reverse("cases:information_form_sent", args=[case.reference]), {"sent_at": other})
    assert again.status_code == 400
    assert danish("An information form is already waiting for an answer.") in again.content.decode()
    client.post(reverse("cases:deadline_action", args=[case.reference, form_clock.pk, "met"]),
                {f"d{form_clock.pk}-at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), f"d{form_clock.pk}-note": "Modtaget"})
    form_clock.refresh_from_db()
    assert form_clock.state == Deadline.State.MET and form_clock.met_by == "Modtaget"


def test_first_meeting_cannot_be_recorded_met_by_hand(world):
    first = world["case_nord"].deadlines.get(kind="first_meeting")
    with pytest.raises(ValidationError):
        deadlines.deadline_record_met(deadline=first, actor=world["mette"], at=timezone.now())


def test_bell_counts_unread_and_opening_marks_read(client, world):
    mette = world["mette"]
    case = world["case_nord"]
    for i in range(3):
        notify(recipient=mette, kind="test", title=f"Besked {i}", body="Tekst", url=detail(case), case=case,
               dedup_key=f"test:{i}", email=False)
    client.force_login(mette)
    page = client.get(reverse("cases:notifications")).content.decode()
    assert 'data-unread="3"' in page
    first = Notification.objects.filter(recipient=mette).first()
    response = client.get(reverse("cases:notification_open", args=[first.pk]))
    assert response["Location"] == detail(case)
    assert 'data-unread="2"' in client.get(reverse("cases:notifications")).content.decode()
    client.post(reverse("cases:notifications_read_all"))
    assert "data-unread" not in client.get(reverse("cases:notifications")).content.decode()


def test_someone_elses_notification_is_404(client, world):
    notify(recipient=world["mette"], kind="test", title="Privat", body="", dedup_key="p", email=False)
    client.force_login(world["anders"])
    assert client.get(reverse("cases:notification_open", args=[Notification.objects.get().pk])).status_code == 404


def test_editing_a_case_saves_the_health_note_and_records_the_change(client, world):
    """The edit form's instance is the case itself: is_valid() writes the new values into it before the
    service compares, so the service must compare with the stored row (found by the browser journey)."""
    case = world["case_nord"]
    client.force_login(world["mette"])
    response = client.post(reverse("cases:edit", args=[case.reference]), {
        "source": case.source, "first_contact_at": timezone.localtime(case.first_contact_at).strftime("%Y-%m-%dT%H:%M"),
        "first_absence_day": "", "functional_limitations": "", "health_note": "Diskusprolaps"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.health_note == "Diskusprolaps"
    assert case.events.filter(kind="case_edited").exists()


def test_closing_cancels_open_deadlines(client, world):
    case = world["case_nord"]
    client.force_login(world["mette"])
    client.post(reverse("cases:close", args=[case.reference]),
                {"outcome": Case.Outcome.RETAINED, "closed_on": timezone.localdate().isoformat()})
    assert not case.deadlines.unfinished().exists()
    assert case.deadlines.filter(state=Deadline.State.CANCELLED).exists()


def test_close_without_outcome_is_refused_in_danish(client, world):
    case = world["case_nord"]
    client.force_login(world["mette"])
    response = client.post(reverse("cases:close", args=[case.reference]), {"outcome": "", "closed_on": ""})
    assert response.status_code == 400
    assert danish("Choose the outcome of the case.") in response.content.decode()
    case.refresh_from_db()
    assert case.is_open


def test_admin_refuses_a_policy_with_zero_length(client, world):
    world["admin"].is_staff = True
    world["admin"].is_superuser = True
    world["admin"].save()
    client.force_login(world["admin"])
    from cases.models import DeadlinePolicy

    policy = DeadlinePolicy.objects.get(kind="follow_up")
    url = reverse("admin:cases_deadlinepolicy_change", args=[policy.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"amount": 0, "warn_before": "2 00:00:00", "escalate_after": "1 00:00:00"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert policy.amount == DeadlinePolicy.objects.get(pk=policy.pk).amount


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in ("ok", "down")
