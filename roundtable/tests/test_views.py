from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog
from cases.tests.factories import make_team, make_user
from roundtable import services
from roundtable.models import Meeting, Participant
from roundtable.tests.factories import SENTINEL_HEALTH, fill_goals, make_meeting, setup_case, step

pytestmark = pytest.mark.django_db


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _schedule_post(**overrides):
    data = {
        "kind": "roundtable", "starts_at": _local(timezone.now() + timedelta(days=2)), "duration_minutes": "60",
        "place_kind": "workplace", "place": "Skolen ved Øresund", "online_link": "",
        "p-TOTAL_FORMS": "3", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "1000",
        "p-0-role": "employee", "p-0-name": "Søren Østergård", "p-0-email": "soren@post.example",
        "p-1-role": "employer", "p-1-name": "Lone Madsen", "p-1-email": "lone@skolen.example",
        "p-2-role": "union", "p-2-name": "Tillids Repræsentant", "p-2-email": "",
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_login_and_other_teams_get_404(client):
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    url = reverse("roundtable:detail", args=[case.reference, meeting.pk])
    assert client.get(url).status_code == 302
    client.force_login(make_user(team=make_team()))
    assert client.get(url).status_code == 404
    assert client.get(reverse("roundtable:create", args=[case.reference])).status_code == 404
    assert client.post(reverse("roundtable:hold", args=[case.reference, meeting.pk])).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.INVITED


def test_team_lead_of_the_team_can_open_the_meeting_page_and_the_read_is_logged(client):
    team, user, case = setup_case(health_note=SENTINEL_HEALTH)
    meeting = make_meeting(case=case, actor=user)
    lead = make_user(team=team, lead=True, role="team_lead")
    client.force_login(lead)
    response = client.get(reverse("roundtable:detail", args=[case.reference, meeting.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.filter(user=lead, case=case, action=AccessLog.Action.VIEW).exists()


def test_schedule_form_books_and_bad_input_keeps_what_was_typed(client):
    _team, user, case = setup_case()
    client.force_login(user)
    url = reverse("roundtable:create", args=[case.reference])
    form = client.get(url)
    assert form.status_code == 200 and "Søren Østergård" in form.content.decode()  # participants suggested
    past = _schedule_post(starts_at=_local(timezone.now() - timedelta(days=1)), place="Lokale 7 på 2. sal")
    response = client.post(url, past)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mødet kan ikke lægges i fortiden." in body and "Lokale 7 på 2. sal" in body and "Lone Madsen" in body
    assert not Meeting.objects.exists()
    response = client.post(url, _schedule_post())
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/moeder/{meeting.pk}/")
    assert meeting.participants.count() == 3


def test_goal_forms_refuse_bad_input_and_show_markup_as_text(client):
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    client.force_login(user)
    base = [case.reference, meeting.pk]
    response = client.post(reverse("roundtable:placements", args=base), {"goal1-employee": "99999", "goal1-agreed": ""})
    assert response.status_code == 400 and "Det trin findes ikke på trappemodellen." in response.content.decode()
    response = client.post(reverse("roundtable:agreement_add", args=base), {"goal3-who": "", "goal3-what": "Noget"})
    assert response.status_code == 400 and "Skriv, hvem der gør det." in response.content.decode()
    assert 'value="Noget"' in response.content.decode()
    script = "<script>alert('x')</script>"
    response = client.post(reverse("roundtable:plan", args=base), {
        "goal2-plan_text": script, "weeks-TOTAL_FORMS": "1", "weeks-INITIAL_FORMS": "0", "weeks-0-week": "1",
        "weeks-0-hours": "10", "weeks-0-tasks": "Lette opgaver"})
    assert response.status_code == 302
    page = client.get(reverse("roundtable:detail", args=base)).content.decode()
    assert script not in page and "&lt;script&gt;" in page


def test_finalise_with_goals_empty_is_refused_with_a_danish_message(client):
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    services.meeting_hold(meeting=meeting, actor=user)
    client.force_login(user)
    response = client.post(reverse("roundtable:finalise", args=[case.reference, meeting.pk]), follow=True)
    assert "Mål 2: skriv planen for tilbagevenden." in response.content.decode()
    assert not meeting.versions.exists()


def test_participant_answers_from_the_link_without_an_account(client):
    _team, user, case = setup_case(health_note=SENTINEL_HEALTH)
    meeting = make_meeting(case=case, actor=user)
    participant = meeting.participants.get(role=Participant.Role.EMPLOYER)
    url = reverse("roundtable:answer", args=[services.answer_token(participant)])
    page = client.get(url)
    assert page.status_code == 200
    assert SENTINEL_HEALTH not in page.content.decode()
    response = client.post(url, {"answer": "not_coming", "comment": ""})
    assert response.status_code == 400
    response = client.post(url, {"answer": "other_time", "comment": "Kun tirsdag formiddag"})
    assert response.status_code == 200 and "Tak, dit svar er registreret." in response.content.decode()
    assert client.get(reverse("roundtable:answer", args=["forfalsket"])).status_code == 404
    client.force_login(user)
    meeting_page = client.get(reverse("roundtable:detail", args=[case.reference, meeting.pk])).content.decode()
    assert "Kun tirsdag formiddag" in meeting_page and "ønsker et andet tidspunkt" in meeting_page


def test_case_page_lists_meetings_and_placements_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    _team, user, case = setup_case()
    client.force_login(user)
    url = reverse("cases:detail", args=[case.reference])

    def add_meetings(count):
        for i in range(count):
            meeting = make_meeting(case=case, actor=user, starts_in=timedelta(days=1 + i))
            services.placements_save(meeting=meeting, actor=user, agreed=step(4),
                                     placements={"employee": step(5), "employer": step(3), "consultant": step(4)})

    add_meetings(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add_meetings(5)
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    body = response.content.decode()
    assert body.count("Sygemeldt med kontakt og en plan for tilbagevenden") >= 6
    assert "placeret forskelligt" in body


def test_hold_book_follow_up_and_mark_agreement_done_through_the_page(client):
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    client.force_login(user)
    base = [case.reference, meeting.pk]
    held = {"hold-held_at": _local(timezone.now())}
    assert client.post(reverse("roundtable:hold", args=base), held).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    fill_goals(meeting, user)
    page = client.get(reverse("roundtable:detail", args=base)).content.decode()
    proposal = services.follow_up_proposal(meeting)
    assert _local(proposal) in page
    response = client.post(reverse("roundtable:follow_up", args=base), {"starts_at": _local(proposal)})
    meeting.refresh_from_db()
    assert response.status_code == 302 and meeting.follow_up is not None
    agreement = meeting.agreements.first()
    client.post(reverse("roundtable:agreement_done", args=[*base, agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.done_at is not None and agreement.deadline.state == "met"
