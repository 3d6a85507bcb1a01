"""Mit arbejde: each count equals its list, the lists use the overview's conditions, a fixed number of
queries; the huskelapp is a clock of the deadline engine; consultants land here after login."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import deadlines, followups, services
from cases.dashboard.mywork import SECTIONS, my_work
from cases.models import AccessLog, Case, Deadline, DeadlinePolicy, ShiftSwap
from cases.phone import services as phone
from cases.selectors import case_search
from cases.tests.factories import make_case, make_referral, make_team, make_user
from roundtable.models import Participant
from roundtable.tests.factories import make_meeting

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=CPH)  # a Monday morning
Kind = DeadlinePolicy.Kind


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _clock(case, user, *, due_in: timedelta, owner=None, title="Ring til egen læge"):
    return deadlines.deadline_open(case=case, kind=Kind.AGREEMENT_ITEM, start=NOW - timedelta(days=3), actor=user,
                                   title=title, due_at=NOW + due_in, owner=owner)


class Day:
    """Mette's Monday: one thing in every list, and some things that are not hers."""

    def __init__(self):
        self.team = make_team("Nord")
        self.team.receives_fast_track = True
        self.team.save()
        self.user = make_user("mette", team=self.team, first_name="Mette", last_name="Jensen")
        self.colleague = make_user("fatima", team=self.team, first_name="Fatima", last_name="Ali")
        self.case = make_case(team=self.team, consultant=self.user)
        self.other = make_case(team=self.team, consultant=self.colleague, name="Anne Andersen")
        self.overdue = _clock(self.case, self.user, due_in=-timedelta(hours=2))
        self.today = _clock(self.case, self.user, due_in=timedelta(hours=5))
        self.week = _clock(self.case, self.user, due_in=timedelta(days=3))
        self.later = _clock(self.case, self.user, due_in=timedelta(days=20))
        self.not_mine = _clock(self.other, self.colleague, due_in=-timedelta(hours=1))
        self.task = followups.followup_task_set(case=self.other, actor=self.user, reason=followups.Reason.CONTACT_GP,
                                                due_on=date(2026, 12, 2), note="attest")
        self.meeting_today = make_meeting(case=self.case, actor=self.user, starts_in=timedelta(hours=2))
        self.meeting_tomorrow = make_meeting(case=self.case, actor=self.user, starts_in=timedelta(days=1, hours=2))
        make_meeting(case=self.other, actor=self.colleague, starts_in=timedelta(hours=3))  # the colleague's case
        Participant.objects.filter(meeting=self.meeting_today, role=Participant.Role.EMPLOYEE).update(answer="coming")
        self.referral = make_referral(self.team, cpr="0101804321")
        self.call = phone.call_log(actor=self.colleague, team=self.team, caller_type="employer", summary="Ondt i ryggen",
                                   settled=False)
        phone.call_log(actor=self.colleague, team=self.team, caller_type="citizen", summary="Råd", settled=True)
        lead = make_user("birgitte", team=self.team, lead=True, role="team_lead")
        shift = phone.roster_set(actor=lead, team=self.team, day=date(2026, 12, 3), consultant=self.colleague)
        self.swap = phone.swap_request(actor=self.colleague, shift=shift, counterpart=self.user)


@pytest.fixture
def day(clock):
    return Day()


def test_every_list_holds_exactly_mettes_things(day):
    work = my_work(day.user)
    assert [m.case_reference for m in work.meetings_today] == [day.case.reference]
    assert [m.case_reference for m in work.meetings_tomorrow] == [day.case.reference]
    answers = {p.name: (p.answer, p.answered) for p in work.meetings_today[0].participants}
    assert answers["Søren Østergård"][1] is True and answers["Lone Madsen"] == ("intet svar endnu", False)
    assert "Mette Jensen" not in answers  # she does not answer her own invitation
    assert work.meetings_today[0].place.endswith("Skolen ved Øresund, mødelokale 2")
    assert [d.pk for d in work.overdue] == [day.overdue.pk]
    assert [d.pk for d in work.due_today] == [day.today.pk]
    # "this week" is the overview's card: to Sunday 23:59, today included; her huskelapp on the colleague's case too
    first_meeting = Deadline.objects.get(case=day.case, kind=Kind.FIRST_MEETING)  # 48 h from Monday 08:00
    assert {d.pk for d in work.due_week} == {day.today.pk, day.week.pk, day.task.pk, first_meeting.pk}
    assert [d.pk for d in work.tasks] == [day.task.pk]
    # Unanswered: employer of today's, employee and employer of tomorrow's meeting (the consultant excluded).
    assert sorted(i.participant for i in work.invitations) == ["Lone Madsen", "Lone Madsen", "Søren Østergård"]
    assert [r.pk for r in work.referrals] == [day.referral.pk]
    assert [c.pk for c in work.calls] == [day.call.pk]
    assert [s.pk for s in work.swaps] == [day.swap.pk]
    assert all(work.counts[name] == len(getattr(work, name)) for name in SECTIONS)


def test_the_clock_buckets_use_the_team_overviews_conditions(day):
    """A case with a clock in Mette's overdue list is a case the overview's "overdue" card counts."""
    work = my_work(day.user)
    for flag in ("overdue", "due_today", "due_week"):
        cases = set(case_search(day.user, flag=flag, consultant=str(day.user.pk)).values_list("pk", flat=True))
        mine = {d.case_id for d in getattr(work, flag) if d.case.consultant_id == day.user.pk}
        assert mine == cases, flag


def test_the_page_counts_equal_its_lists_and_the_read_is_logged(client, day):
    client.force_login(day.user)
    before = AccessLog.objects.count()
    response = client.get(reverse("mywork:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mit arbejde" in html and "Overskredet" in html
    rows = list(AccessLog.objects.order_by("id")[before:])
    assert [(r.user, r.purpose, r.detail) for r in rows] == [(day.user, "sagsbehandling", "mit arbejde")]
    counts = response.context["counts"]
    assert counts == {"meetings_today": 1, "meetings_tomorrow": 1, "overdue": 1, "due_today": 1, "due_week": 4,
                      "tasks": 1, "invitations": 3, "referrals": 1, "calls": 1, "swaps": 1}
    for name, n in counts.items():
        section = html.split(f'data-section="{name}"')[1].split("</section>")[0]
        assert section.count("data-item") == n, name


def _world(n: int):
    team = make_team()
    team.receives_fast_track = True
    team.save()
    user = make_user(team=team)
    for i in range(n):
        case = make_case(team=team, consultant=user)
        _clock(case, user, due_in=timedelta(hours=-1 if i % 2 else 3))
        if i % 3 == 0:
            followups.followup_task_set(case=case, actor=user, reason=followups.Reason.OTHER, due_on=date(2026, 12, 1))
        if i % 10 == 0:
            make_meeting(case=case, actor=user, starts_in=timedelta(hours=2))
            phone.call_log(actor=user, team=team, caller_type="citizen", summary="x", settled=False)
    return user


def test_the_page_costs_the_same_queries_at_10_and_100_cases(client, clock, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = _world(10)
    client.force_login(small)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(reverse("mywork:index")).status_code == 200
    big = _world(100)
    client.force_login(big)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = client.get(reverse("mywork:index"))
    assert response.context["counts"]["overdue"] == 50 and response.context["counts"]["meetings_today"] == 10


# --- huskelapp -----------------------------------------------------------------------------------


def test_a_huskelapp_set_on_the_case_page_is_a_clock_owned_by_its_author(client, day):
    client.force_login(day.user)
    response = client.post(reverse("cases:followup_add", args=[day.case.reference]),
                           {"followup-reason": "contact_employer", "followup-due_on": "2026-12-04",
                            "followup-note": "ring til Lone"})
    assert response.status_code == 302
    task = Deadline.objects.get(case=day.case, kind=Kind.FOLLOW_UP_TASK)
    assert task.owner == day.user and task.state == Deadline.State.OPEN
    assert task.title == "Kontakt arbejdsgiveren: ring til Lone"
    assert task.due_at == datetime(2026, 12, 4, 16, 0, tzinfo=CPH)
    assert task.next_check_at is not None  # the sweep will warn and breach it like every clock
    assert task in my_work(day.user).tasks
    page = client.get(reverse("cases:detail", args=[day.case.reference])).content.decode()
    assert "Kontakt arbejdsgiveren: ring til Lone" in page


def test_a_huskelapp_in_the_past_is_refused_in_danish_and_keeps_the_input(client, day):
    client.force_login(day.user)
    response = client.post(reverse("cases:followup_add", args=[day.case.reference]),
                           {"followup-reason": "other", "followup-due_on": "2026-11-01", "followup-note": "husk"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Datoen må ikke ligge i fortiden." in html and 'value="husk"' in html


def test_done_meets_the_task_and_only_its_owner_may(client, day):
    client.force_login(day.colleague)
    assert client.post(reverse("mywork:followup_done", args=[day.task.pk])).status_code == 404
    client.force_login(day.user)
    assert client.post(reverse("mywork:followup_done", args=[day.task.pk])).status_code == 302
    day.task.refresh_from_db()
    assert day.task.state == Deadline.State.MET and day.task.met_at is not None
    assert day.task.pk not in {d.pk for d in my_work(day.user).tasks}


def test_a_huskelapp_on_a_closed_case_is_refused(day):
    services.case_close(case=day.case, actor=day.user, outcome=Case.Outcome.RETAINED)
    with pytest.raises(ValidationError, match="afsluttet"):
        followups.followup_task_set(case=day.case, actor=day.user, reason="other", due_on=date(2026, 12, 4))


# --- landing -------------------------------------------------------------------------------------


def test_a_consultant_lands_on_my_work_and_a_team_lead_on_the_overview(client, day):
    client.force_login(day.user)
    assert client.get("/", follow=True).redirect_chain[-1][0] == reverse("mywork:index")
    lead = make_user(role="team_lead", team=day.team, lead=True)
    client.force_login(lead)
    assert client.get("/").url == reverse("dashboard:index")


def test_a_swap_answered_leaves_the_list(day):
    ShiftSwap.objects.filter(pk=day.swap.pk).update(state=ShiftSwap.State.DECLINED)
    assert my_work(day.user).swaps == []


# --- the morning mail ----------------------------------------------------------------------------


def test_the_morning_mail_goes_to_those_who_switched_it_on_once_a_working_day(client, day):
    from cases.dashboard.digest import digests_send
    from cases.models import OutboxMessage

    client.force_login(day.user)
    assert client.post(reverse("mywork:digest_toggle"), {"on": "1"}).status_code == 302
    assert "Slå morgenmailen fra" in client.get(reverse("mywork:index")).content.decode()
    assert digests_send() == 1  # Monday 08:00; the colleague did not switch it on
    assert digests_send() == 1 and OutboxMessage.objects.filter(dedup_key__startswith="morning-digest").count() == 1
    mail = OutboxMessage.objects.get(dedup_key__startswith="morning-digest")
    assert mail.to == [day.user.email]
    assert "Overskredet: 1" in mail.text and "/mit-arbejde/#overdue" in mail.text
    assert mail.subject == "Mit arbejde 30/11: 1 overskredet, 1 møde i dag"
    # Counts and links only: no citizen's name, no reference, no note.
    for secret in (day.case.employee.name, day.case.reference, "attest", "Lone Madsen"):
        assert secret not in mail.text and secret not in mail.subject


def test_no_morning_mail_on_a_weekend_or_a_holiday_or_when_switched_off(day):
    from cases.dashboard.digest import digest_set, digests_send

    digest_set(user=day.user, on=True)
    assert digests_send(now=datetime(2026, 12, 5, 7, 30, tzinfo=CPH)) == 0  # Saturday
    assert digests_send(now=datetime(2026, 12, 25, 7, 30, tzinfo=CPH)) == 0  # Christmas Day
    digest_set(user=day.user, on=False)
    assert digests_send() == 0


def test_the_morning_mail_is_scheduled_at_half_past_seven_on_weekdays(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["morning-digest"]
    assert schedule["task"] == "cases.dashboard.tasks.send_morning_digests"
    assert schedule["schedule"].hour == {7} and schedule["schedule"].minute == {30}
    assert schedule["schedule"].day_of_week == {1, 2, 3, 4, 5}
    from celery import current_app

    assert "cases.dashboard.tasks.send_morning_digests" in current_app.tasks
