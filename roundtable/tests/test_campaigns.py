"""Helsingør's care conversations for a whole workplace: the list (sick-listed within six months), the
invitations in one go (consecutive times on working days, one case and one care conversation each, the
clocks counted from the conversation), the figures, and the logged read of the campaign page."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases.employers import EmployerData, employer_for_case
from cases.models import AccessLog, Case, Deadline, DeadlinePolicy, OutboxMessage
from cases.tests.factories import make_case, make_team, make_user, next_cpr
from roundtable import campaigns, services
from roundtable.campaigns import InviteAll, InviteeData, conversation_slots
from roundtable.models import CampaignInvitee, Meeting, Participant

Kind = DeadlinePolicy.Kind
pytestmark = pytest.mark.django_db


def _weekdays(closed=()):
    return lambda d: d.weekday() < 5 and d not in closed


# --- pure: the times ---------------------------------------------------------------------------------


def test_slots_follow_each_other_and_roll_to_the_next_working_day():
    friday = datetime(2026, 12, 4, 14, 0)
    slots = conversation_slots(friday, 3, minutes=45, gap=15, is_working_day=_weekdays())
    assert slots == [datetime(2026, 12, 4, 14, 0), datetime(2026, 12, 7, 8, 30), datetime(2026, 12, 7, 9, 30)]


def test_slots_skip_closed_days_and_start_no_earlier_than_the_working_day():
    monday = datetime(2026, 12, 21, 7, 0)
    closed = {date(2026, 12, 24), date(2026, 12, 25)}
    slots = conversation_slots(monday, 1, minutes=60, gap=0, is_working_day=_weekdays(closed))
    assert slots == [datetime(2026, 12, 21, 8, 30)]
    wednesday_late = datetime(2026, 12, 23, 15, 0)
    assert conversation_slots(wednesday_late, 1, minutes=60, gap=0, is_working_day=_weekdays(closed)) == [
        datetime(2026, 12, 28, 8, 30)]


def test_a_conversation_ending_exactly_at_day_end_stays():
    slots = conversation_slots(datetime(2026, 12, 1, 14, 45), 2, minutes=45, gap=0, is_working_day=_weekdays())
    assert slots == [datetime(2026, 12, 1, 14, 45), datetime(2026, 12, 2, 8, 30)]


# --- the campaign ----------------------------------------------------------------------------------


@pytest.fixture
def campaign():
    team = make_team("Nord")
    consultant = make_user("hassan", team=team, first_name="Hassan", last_name="Anbohi", email="han@kommune.example")
    employer = employer_for_case(data=EmployerData(cvr="29189978", name="Helsingør Kommune, Plejecenter Bøgehøj",
                                                   address="Bøgevej 4, 3000 Helsingør"))
    return campaigns.campaign_create(campaigns.CampaignData(
        employer=employer, manager_name="Lone Leder", manager_email="lone@boegehoej.example", manager_phone="",
        team=team, consultant=consultant, requested_on=timezone.localdate() - timedelta(days=14),
        concern="Sygefraværet i nattevagten er dobbelt så højt som sidste år."), actor=consultant)


def _add(campaign, name, *, sick_days_ago=40, until_days_ago=10, email=None):
    today = timezone.localdate()
    return campaigns.invitee_add(campaign=campaign, data=InviteeData(
        name=name, cpr=next_cpr(), sick_from=today - timedelta(days=sick_days_ago),
        sick_to=None if until_days_ago is None else today - timedelta(days=until_days_ago),
        email=email or f"{name.split()[0].lower()}@post.example"))


def _next_working_morning():
    day = timezone.localdate() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=9)))


def test_only_people_sick_listed_within_six_months_are_listed(campaign):
    with translation.override("da"), pytest.raises(ValidationError) as info:
        _add(campaign, "Gammel Sygemelding", sick_days_ago=400, until_days_ago=250)
    assert "seks måneder" in info.value.message_dict["sick_to"][0]
    with pytest.raises(ValidationError) as info:
        campaigns.invitee_add(campaign=campaign, data=InviteeData(name="Uden Kontakt", cpr=next_cpr(),
                                                                  sick_from=timezone.localdate() - timedelta(days=5)))
    assert "email" in info.value.message_dict
    still_sick = _add(campaign, "Stadig Syg", sick_days_ago=300, until_days_ago=None)
    assert still_sick.sick_to is None


def test_inviting_everyone_books_a_care_conversation_each_with_its_own_case_and_clocks(campaign):
    people = [_add(campaign, name) for name in ("Anna Andersen", "Bo Berg", "Cecilie Cold")]
    first = _next_working_morning()
    result = campaigns.invitations_send(campaign=campaign, actor=campaign.consultant, how=InviteAll(
        first_at=first, minutes=45, gap=15, place="Bøgevej 4, mødelokale 1"))
    assert [p.pk for p in result.invited] == [p.pk for p in people] and not result.failed
    meetings = list(Meeting.objects.filter(kind=Meeting.Kind.CARE).order_by("starts_at"))
    assert [m.starts_at for m in meetings] == [first, first + timedelta(hours=1), first + timedelta(hours=2)]
    for invitee, meeting in zip(CampaignInvitee.objects.order_by("name"), meetings, strict=True):
        assert invitee.meeting == meeting and invitee.cpr == "" and invitee.case.source == Case.Source.CARE_CAMPAIGN
        assert invitee.case.employer == campaign.employer and invitee.case.employer_contact == campaign.manager
        roles = set(meeting.participants.values_list("role", flat=True))
        assert roles == {Participant.Role.EMPLOYEE, Participant.Role.EMPLOYER}
        clock = invitee.case.deadlines.get(kind=Kind.FIRST_MEETING)
        # The first contact with the employee is the conversation: the 48-hour clock counts from it.
        assert clock.state == Deadline.State.OPEN and clock.due_at >= meeting.starts_at + timedelta(hours=48)
    # Invitations to the employee and to the manager, one each per conversation.
    assert OutboxMessage.objects.filter(subject__startswith="Invitation").count() == 6
    campaign.refresh_from_db()
    assert campaign.state == campaign.State.INVITED
    with pytest.raises(ValidationError):
        campaigns.invitations_send(campaign=campaign, actor=campaign.consultant, how=InviteAll(first_at=first))


def test_a_person_who_cannot_be_booked_keeps_the_reason_and_the_others_are_booked(campaign):
    ok = _add(campaign, "Anna Andersen")
    busy = _add(campaign, "Bo Berg")
    # Bo already has an open case whose first-meeting clock runs out before the conversation.
    existing = make_case(team=campaign.team, consultant=campaign.consultant, cpr=busy.cpr, name="Bo Berg")
    result = campaigns.invitations_send(campaign=campaign, actor=campaign.consultant,
                                        how=InviteAll(first_at=_next_working_morning(), place="Bøgevej 4"))
    assert [p.pk for p in result.invited] == [ok.pk] and [p.pk for p in result.failed] == [busy.pk]
    busy.refresh_from_db()
    assert busy.meeting is None and busy.invite_error and busy.cpr  # still on the list to book by hand
    assert not existing.meetings.exists()


def test_holding_a_care_conversation_meets_the_clock_starts_the_follow_up_and_counts(campaign):
    _add(campaign, "Anna Andersen")
    _add(campaign, "Bo Berg")
    campaigns.invitations_send(campaign=campaign, actor=campaign.consultant,
                               how=InviteAll(first_at=timezone.now() + timedelta(minutes=10), place="Bøgevej 4"))
    meeting = CampaignInvitee.objects.get(name="Anna Andersen").meeting
    Meeting.objects.filter(pk=meeting.pk).update(created_at=timezone.now() - timedelta(hours=1))
    services.meeting_hold(meeting=meeting, actor=campaign.consultant, at=timezone.now())
    services.agreement_add(meeting=meeting, actor=campaign.consultant, who="Leder", what="Faste vagter i fire uger",
                           due_on=timezone.localdate() + timedelta(days=28))
    case = meeting.case
    assert case.deadlines.get(kind=Kind.FIRST_MEETING).state == Deadline.State.MET
    assert case.deadlines.get(kind=Kind.FOLLOW_UP).state == Deadline.State.OPEN
    figures = campaigns.campaign_figures(campaign)
    assert (figures.listed, figures.invited, figures.held, figures.interventions) == (2, 2, 1, 1)


def test_the_campaign_page_logs_a_read_of_each_linked_case(client, campaign):
    _add(campaign, "Anna Andersen")
    _add(campaign, "Bo Berg")
    campaigns.invitations_send(campaign=campaign, actor=campaign.consultant,
                               how=InviteAll(first_at=_next_working_morning(), place="Bøgevej 4"))
    client.force_login(campaign.consultant)
    before = AccessLog.objects.count()
    response = client.get(reverse("roundtable:campaign", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    rows = list(AccessLog.objects.order_by("id")[before:])
    assert {row.case.employee.name for row in rows} == {"Anna Andersen", "Bo Berg"}
    assert all(row.purpose == "sagsbehandling" for row in rows)
    outsider = make_user("ole", team=make_team("Syd"))
    client.force_login(outsider)
    assert client.get(reverse("roundtable:campaign", args=[campaign.pk])).status_code == 404


def test_a_refused_person_is_explained_in_danish_and_nothing_typed_is_lost(client, campaign):
    client.force_login(campaign.consultant)
    response = client.post(reverse("roundtable:campaign_invitee_add", args=[campaign.pk]), {
        "person-name": "Dorte Dam", "person-cpr": "12345", "person-email": "dorte@post.example",
        "person-sick_from": (timezone.localdate() - timedelta(days=20)).isoformat(),
    }, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Dorte Dam" in body and "dorte@post.example" in body and "CPR" in body
    assert not CampaignInvitee.objects.exists()


def test_creating_a_campaign_in_the_browser_form(client):
    team = make_team("Nord")
    consultant = make_user("hassan", team=team)
    client.force_login(consultant)
    response = client.post(reverse("roundtable:campaigns"), {
        "cvr": "29189978", "employer_name": "Plejecenter Bøgehøj", "manager_name": "Lone Leder",
        "manager_email": "lone@boegehoej.example", "requested_on": timezone.localdate().isoformat(),
        "concern": "Højt fravær i nattevagten", "consultant": consultant.pk,
    })
    assert response.status_code == 302
    response = client.post(reverse("roundtable:campaigns"), {
        "employer_name": "Uden Leder", "requested_on": timezone.localdate().isoformat(), "concern": "x",
        "consultant": consultant.pk,
    }, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 400 and "Uden Leder" in response.content.decode()


# --- the workplace's absence before and after --------------------------------------------------------


def test_sick_days_count_each_person_once_a_day_inside_the_window():
    today = date(2026, 6, 30)
    spells = [(1, date(2026, 1, 1), date(2026, 1, 10)), (1, date(2026, 1, 5), date(2026, 1, 12)),  # overlap
              (2, date(2025, 12, 25), date(2026, 1, 2)), (3, date(2026, 6, 20), None)]  # ongoing
    assert campaigns.sick_days(spells, date(2026, 1, 1), date(2026, 1, 31), today=today) == (12 + 2, 2)
    assert campaigns.sick_days(spells, date(2026, 6, 1), date(2026, 6, 30), today=today) == (11, 1)
    assert campaigns.sick_days([], date(2026, 1, 1), date(2026, 1, 31), today=today) == (0, 0)


def test_the_campaign_page_compares_absence_before_and_after_where_data_exists(client, campaign):
    from cases.models import AbsenceSource, AbsenceSpell, Employee

    assert campaigns.absence_before_after(campaign) is None  # no payroll data: nothing shown
    source = AbsenceSource.objects.create(code="loen", name="Lønsystem")
    today = timezone.localdate()
    asked = campaign.requested_on
    people = [Employee.objects.create(cpr=next_cpr(), name=f"P{i}") for i in range(3)]
    for person in people:  # 20 sick days each in the six months before
        AbsenceSpell.objects.create(employee=person, employer=campaign.employer, source=source,
                                    first_day=asked - timedelta(days=60), last_day=asked - timedelta(days=41))
    comparison = campaigns.absence_before_after(campaign)
    assert (comparison.before.sick_days, comparison.before.people, comparison.after) == (60, 3, None)
    _add(campaign, "Anna Andersen")
    campaigns.invitations_send(campaign=campaign, actor=campaign.consultant,
                               how=InviteAll(first_at=timezone.now() + timedelta(minutes=10), place="Bøgevej 4"))
    Meeting.objects.update(starts_at=timezone.now() - timedelta(days=10))
    AbsenceSpell.objects.create(employee=people[0], employer=campaign.employer, source=source,
                                first_day=today - timedelta(days=2), last_day=today - timedelta(days=1))
    comparison = campaigns.absence_before_after(campaign)
    assert (comparison.after.sick_days, comparison.after.people) == (2, 1)
    assert comparison.change_percent is None  # 11 days scaled up to 30 would say nothing yet
    client.force_login(campaign.consultant)
    body = client.get(reverse("roundtable:campaign", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert 'id="campaign-absence"' in body and "Seks måneder før" in body and 'data-testid="absence-too-early"' in body
    Meeting.objects.update(starts_at=timezone.now() - timedelta(days=39))  # 40 days since the first conversation
    comparison = campaigns.absence_before_after(campaign)
    assert comparison.after.days == 40
    assert comparison.change_percent == round(100 * (2 / 40 - 60 / 183) / (60 / 183))
    body = client.get(reverse("roundtable:campaign", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert 'data-testid="absence-change"' in body


def test_the_list_fills_from_the_absence_data_in_one_go(client, campaign):
    from cases.models import AbsenceSource, AbsenceSpell, Employee

    source = AbsenceSource.objects.create(code="loen", name="Lønsystem")
    asked = campaign.requested_on
    reachable = Employee.objects.create(cpr=next_cpr(), name="Anna Andersen", email="anna@post.example")
    unreachable = Employee.objects.create(cpr=next_cpr(), name="Bo Berg")
    too_old = Employee.objects.create(cpr=next_cpr(), name="Carl Gammel", email="carl@post.example")
    for person, first, last in ((reachable, asked - timedelta(days=50), asked - timedelta(days=40)),
                                (reachable, asked - timedelta(days=20), None),
                                (unreachable, asked - timedelta(days=30), asked - timedelta(days=25)),
                                (too_old, asked - timedelta(days=300), asked - timedelta(days=250))):
        AbsenceSpell.objects.create(employee=person, employer=campaign.employer, source=source, first_day=first, last_day=last)
    client.force_login(campaign.consultant)
    response = client.post(reverse("roundtable:campaign_from_absence", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 302
    invitee = CampaignInvitee.objects.get()
    assert (invitee.name, invitee.sick_from, invitee.sick_to) == ("Anna Andersen", asked - timedelta(days=50), None)
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Bo Berg" in page  # named in the warning: no way to reach him
    # Again: nobody twice.
    client.post(reverse("roundtable:campaign_from_absence", args=[campaign.pk]))
    assert CampaignInvitee.objects.count() == 1


def test_the_campaign_page_costs_the_same_queries_for_two_or_six_people(client, campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("roundtable:campaign", args=[campaign.pk])).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(campaign.consultant)
    for name in ("Anna Andersen", "Bo Berg"):
        _add(campaign, name)
    campaigns.invitations_send(campaign=campaign, actor=campaign.consultant,
                               how=InviteAll(first_at=_next_working_morning(), place="Bøgevej 4"))
    small = queries()
    for name in ("Cecilie Cold", "Dorte Dam", "Erik Eg", "Frida Fjord"):
        _add(campaign, name)
    campaigns.invitations_send(campaign=campaign, actor=campaign.consultant,
                               how=InviteAll(first_at=_next_working_morning() + timedelta(days=1), place="Bøgevej 4"))
    assert queries() == small
    assert AccessLog.objects.filter(detail=f"omsorgssamtaler, kampagne {campaign.pk}").count() == 2 + 6
