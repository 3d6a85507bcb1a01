"""Hjørring and Roskilde: the interdisciplinary case conference. No employee and no employer at the
table or in the mail; offers decided there become clocks due on the agreed start; registering the
start meets the clock; the results page counts first contact -> first started intervention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.dashboard import selectors as dashboard
from cases.models import Deadline, OutboxMessage
from cases.roles import Role
from cases.tests.factories import make_user
from roundtable import services
from roundtable.models import Meeting, Offer, Participant
from roundtable.tests.factories import setup_case

pytestmark = pytest.mark.django_db

SPECIALISTS = [
    services.ParticipantData(role=Participant.Role.CONSULTANT, name="Randi Bendixen", email="randi@kommune.example"),
    services.ParticipantData(role=Participant.Role.SPECIALIST, name="Pia Psykolog", email="pia@kommune.example",
                             title="psykolog"),
    services.ParticipantData(role=Participant.Role.SPECIALIST, name="Finn Fysio", email="finn@kommune.example",
                             title="fysioterapeut"),
]


def conference(case, user, *, starts_in=timedelta(hours=2), people=None):
    return services.meeting_schedule(
        case=case, actor=user, kind=Meeting.Kind.CASE_CONFERENCE,
        slot=services.SlotData(starts_at=timezone.now() + starts_in, place_kind=Meeting.PlaceKind.JOB_CENTRE,
                               place="Jobcentret, lokale 3"),
        participants=people or SPECIALISTS,
    )


def test_a_case_conference_invites_the_specialists_and_never_the_employee_or_employer():
    _team, user, case = setup_case()
    meeting = conference(case, user)
    assert meeting.get_kind_display() == "tværfaglig sagskonference"
    recipients = {address for to in OutboxMessage.objects.values_list("to", flat=True) for address in to}
    assert recipients == {"randi@kommune.example", "pia@kommune.example", "finn@kommune.example"}
    assert case.employee.email not in recipients
    assert not meeting.participants.filter(role__in=[Participant.Role.EMPLOYEE, Participant.Role.EMPLOYER]).exists()


@pytest.mark.parametrize("role", [Participant.Role.EMPLOYEE, Participant.Role.EMPLOYER])
def test_the_employee_or_the_employer_cannot_be_invited(role):
    _team, user, case = setup_case()
    people = SPECIALISTS + [services.ParticipantData(role=role, name="Lone Madsen", email="lone@skolen.example")]
    with pytest.raises(ValidationError) as refused:
        conference(case, user, people=people)
    assert "uden medarbejder og arbejdsgiver" in " ".join(refused.value.messages)
    assert not Meeting.objects.exists() and not OutboxMessage.objects.exists()


def test_a_case_conference_needs_a_specialist():
    _team, user, case = setup_case()
    with pytest.raises(ValidationError):
        conference(case, user, people=SPECIALISTS[:1])


def test_offers_decided_become_clocks_and_the_start_meets_the_clock():
    _team, user, case = setup_case()
    meeting = conference(case, user)
    offers = list(Offer.objects.filter(active=True)[:2])
    # Roskilde: by default the intervention starts the week after the conference.
    first = services.offer_decide(meeting=meeting, actor=user, offer=offers[0])
    assert first.start_on == services.default_start(meeting)
    assert (first.start_on - timezone.localdate(meeting.starts_at)).days >= 7
    # Hjørring: a course of six weeks with its own start.
    second = services.offer_decide(meeting=meeting, actor=user, offer=offers[1],
                                   start_on=timezone.localdate() + timedelta(days=3), course_weeks=6)
    assert second.ends_on == second.start_on + timedelta(weeks=6)
    for decided in (first, second):
        assert decided.deadline.kind == "intervention_start" and decided.deadline.state == Deadline.State.OPEN
        assert timezone.localtime(decided.deadline.due_at).date() == decided.start_on
    started = services.offer_started(decided=second, actor=user)
    assert started.deadline.state == Deadline.State.MET and started.deadline.met_at == started.started_at
    first.deadline.refresh_from_db()
    assert first.deadline.state == Deadline.State.OPEN
    # Holding the case conference meets none of the roundtable clocks and starts no follow-up clock.
    held = services.meeting_hold(meeting=Meeting.objects.get(pk=meeting.pk), actor=user,
                                 at=timezone.now())
    assert held.is_held
    assert not case.deadlines.filter(kind="follow_up").exists()
    assert case.deadlines.get(kind="first_meeting").state == Deadline.State.OPEN


def test_offers_are_decided_at_a_case_conference_only():
    _team, user, case = setup_case()
    from roundtable.tests.factories import make_meeting

    roundtable = make_meeting(case=case, actor=user)
    with pytest.raises(ValidationError):
        services.offer_decide(meeting=roundtable, actor=user, offer=Offer.objects.first())


def test_results_count_the_time_from_first_contact_to_the_first_started_intervention():
    team, user, case = setup_case()
    lead = make_user(role=Role.TEAM_LEAD, team=team, lead=True)
    meeting = conference(case, user)
    offers = list(Offer.objects.filter(active=True)[:2])
    # The conference's own day (late in the evening, two hours ahead is already tomorrow).
    day = timezone.localdate(meeting.starts_at)
    one = services.offer_decide(meeting=meeting, actor=user, offer=offers[0], start_on=day)
    two = services.offer_decide(meeting=meeting, actor=user, offer=offers[1], start_on=day)
    start = case.first_contact_at + timedelta(days=9)
    services.offer_started(decided=one, actor=user, at=min(start, timezone.now()))
    services.offer_started(decided=two, actor=user, at=timezone.now())  # a later start does not count
    today = timezone.localdate()
    result = dashboard.results_for(lead, period=dashboard.Period(today - timedelta(days=30), today))
    expected = round((min(start, timezone.now()) - case.first_contact_at).total_seconds() / 86400, 1)
    assert result.first_intervention_cases == 1
    assert result.median_first_intervention_days == expected == result.mean_first_intervention_days


def test_the_results_page_shows_the_time_to_first_intervention(client):
    team, user, case = setup_case()
    lead = make_user(role=Role.TEAM_LEAD, team=team, lead=True)
    meeting = conference(case, user)
    decided = services.offer_decide(meeting=meeting, actor=user, offer=Offer.objects.filter(active=True).first(),
                                    start_on=timezone.localdate(meeting.starts_at))
    services.offer_started(decided=decided, actor=user)
    client.force_login(lead)
    response = client.get(reverse("dashboard:results"))
    assert response.status_code == 200
    assert "first-intervention" in response.content.decode()


def test_the_conference_page_decides_an_offer_and_registers_its_start(client):
    _team, user, case = setup_case()
    meeting = conference(case, user)
    client.force_login(user)
    page = client.get(reverse("roundtable:create", args=[case.reference]) + "?kind=case_conference").content.decode()
    assert 'value="specialist" selected' in page and 'value="employee" selected' not in page
    url = reverse("roundtable:detail", args=[case.reference, meeting.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="offer-form"' in page and "goal1" not in page
    offer = Offer.objects.filter(active=True).first()
    # Nothing chosen: refused, shown again.
    assert client.post(reverse("roundtable:offer_decide", args=[case.reference, meeting.pk]), {}).status_code == 400
    response = client.post(reverse("roundtable:offer_decide", args=[case.reference, meeting.pk]), {
        "offer-offer": offer.pk, "offer-start_on": services.default_start(meeting).isoformat(), "offer-course_weeks": "6"})
    assert response.status_code == 302
    decided = meeting.offer_starts.get()
    assert decided.course_weeks == 6 and decided.deadline.state == Deadline.State.OPEN
    client.post(reverse("roundtable:offer_started", args=[case.reference, meeting.pk, decided.pk]))
    decided.refresh_from_db()
    assert decided.started_at is not None
    decided.deadline.refresh_from_db()
    assert decided.deadline.state == Deadline.State.MET


def test_seed_demo_shows_the_gp_collaboration_and_a_case_conference(settings):
    from django.core.management import call_command

    from cases.gp import services as gp
    from cases.models import Case, GpPractice, GpRequest

    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    practice = GpPractice.objects.get(name="Lægehuset Algade")
    meeting = practice.meetings.get()
    assert meeting.patients.count() == 12 and meeting.patients.filter(case__source=Case.Source.GP).count() == 1
    assert gp.next_meeting_proposal(practice).date() >= timezone.localdate()
    requests = list(GpRequest.objects.all())
    assert {r.is_answered for r in requests} == {True, False}
    conference = Meeting.objects.get(kind=Meeting.Kind.CASE_CONFERENCE)
    assert not conference.participants.filter(role__in=["employee", "employer"]).exists()
    assert conference.offer_starts.count() == 2 and conference.offer_starts.filter(started_at__isnull=False).count() == 1



def test_the_employer_does_not_see_a_case_conference_nor_any_kind_not_allowed():
    from cases.ports.meetings import provider as meetings_port
    from roundtable.tests.factories import make_meeting

    _team, user, case = setup_case()
    roundtable = make_meeting(case=case, actor=user)
    conference(case, user, starts_in=timedelta(days=2))
    shown = meetings_port().employer_meetings(case, employer_names=["Lone Madsen"]).meetings
    assert [m.starts_at for m in shown] == [roundtable.starts_at]
    # The status page is an allow-list: a new meeting kind is hidden from the employer until it is added.
    hidden = set(Meeting.Kind.values) - Meeting.EMPLOYER_SEES
    assert {Meeting.Kind.CASE_CONFERENCE, Meeting.Kind.COACHING, Meeting.Kind.START} <= hidden
