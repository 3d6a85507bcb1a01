"""The simulated quarter's checks on hand-made histories: each finds what it is meant to find, so a
zero from the simulation means something."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from bench.simquarter import checks
from cases.duetime import danish_calendar, is_working_time, next_working_time
from cases.models import Deadline
from cases.tests.factories import make_case, make_team, make_user

CALENDAR = danish_calendar(years=[2027, 2028])
DUE = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)  # Wednesday 10:00 in Copenhagen
OWNER, LEAD = 11, 99


def _timeline(*, end: datetime, owner=OWNER, opened=DUE - timedelta(days=2)) -> checks.Timeline:
    timeline = checks.Timeline()
    timeline.observe([(1, "first_meeting", "open", DUE, None, owner, "FH-1", timedelta(days=1))], opened)
    timeline.observe([(1, "first_meeting", "met", DUE, end, owner, "FH-1", timedelta(days=1))], end)
    return timeline


def _missed(timeline, notifications, mails=()):
    expected = checks.expected_notifications(timeline, leads=(LEAD,), calendar=CALENDAR, next_working_time=next_working_time)
    return checks.missed_notifications(expected, notifications, list(mails), {OWNER: "o@x.example", LEAD: "l@x.example"})


def test_a_breach_nobody_was_told_about_is_missed():
    timeline = _timeline(end=DUE + timedelta(hours=3))
    assert len(_missed(timeline, [])) == 1
    told = [(1, "deadline_breach", OWNER, DUE + timedelta(minutes=10))]
    mailed = [(1, "breach", "o@x.example", DUE + timedelta(minutes=10))]
    assert _missed(timeline, told, mailed) == []
    assert "no mail" in _missed(timeline, told)[0]
    late = [(1, "deadline_breach", OWNER, DUE + timedelta(hours=2))]
    assert len(_missed(timeline, late, mailed)) == 1


def test_met_on_time_by_a_meeting_registered_later_expects_nothing():
    timeline = checks.Timeline()
    timeline.observe([(1, "first_meeting", "open", DUE, None, OWNER, "FH-1", timedelta(days=1))], DUE - timedelta(days=1))
    # Registered the next day, held before the due time.
    timeline.observe([(1, "first_meeting", "met", DUE, DUE - timedelta(hours=1), OWNER, "FH-1", timedelta(days=1))],
                     DUE + timedelta(days=1))
    assert _missed(timeline, []) == []


def test_nobody_owns_the_case_so_the_lead_must_be_told_and_escalated_to():
    timeline = _timeline(end=DUE + timedelta(days=3), owner=None)
    missed = _missed(timeline, [])
    assert len(missed) == 2 and all(f"user {LEAD}" in line for line in missed)
    assert {line.split()[0] for line in missed} == {"breach", "escalation"}


def test_a_second_occurrence_needs_its_own_breach():
    timeline = checks.Timeline()
    head = (1, "first_meeting")
    timeline.observe([(*head, "open", DUE, None, OWNER, "FH-1", timedelta(days=1))], DUE - timedelta(days=1))
    later = DUE + timedelta(days=2)
    timeline.observe([(*head, "open", later, None, OWNER, "FH-1", timedelta(days=1))], DUE + timedelta(hours=1))
    timeline.observe([(*head, "met", later, later + timedelta(hours=2), OWNER, "FH-1", timedelta(days=1))],
                     later + timedelta(hours=2))
    once = [(1, "deadline_breach", OWNER, DUE + timedelta(minutes=10))]
    mails = [(1, "breach", "o@x.example", DUE + timedelta(minutes=10)), (1, "breach", "o@x.example", later)]
    assert len(_missed(timeline, once, mails)) == 1
    twice = once + [(1, "deadline_breach", OWNER, later + timedelta(minutes=10))]
    assert _missed(timeline, twice, mails) == []


def test_duplicates_are_per_occurrence_kind_and_recipient():
    timeline = _timeline(end=DUE + timedelta(days=1))
    at = DUE + timedelta(minutes=10)
    items = [("notification", 1, "breach", OWNER, at, ""), ("notification", 1, "breach", LEAD, at, ""),
             ("notification", 1, "reminder", OWNER, at, "2027-03-03"), ("notification", 1, "reminder", OWNER, at, "2027-03-04")]
    assert checks.duplicate_notifications(timeline, items) == []
    assert len(checks.duplicate_notifications(timeline, items + [("notification", 1, "breach", OWNER, at, "")])) == 1


def test_offhours_mails_follow_the_working_calendar():
    saturday = datetime(2027, 3, 6, 9, 0, tzinfo=UTC)
    good_friday = datetime(2027, 3, 26, 9, 0, tzinfo=UTC)
    evening = datetime(2027, 3, 3, 15, 30, tzinfo=UTC)  # 16:30 in Copenhagen
    sent = [(1, "a", saturday), (2, "b", good_friday), (3, "c", evening), (4, "d", DUE)]
    found = checks.offhours_mails(sent, calendar=CALENDAR, is_working_time=is_working_time)
    assert [line.split()[1] for line in found] == ["1", "2", "3"]


@pytest.mark.django_db
def test_invariant_violations_name_the_broken_rows():
    team = make_team()
    case = make_case(team=team, consultant=make_user(team=team))
    assert checks.deadline_invariant_violations(Deadline.objects.all()) == []
    clock = case.deadlines.get(kind="first_meeting")
    Deadline.objects.filter(pk=clock.pk).update(state="breached", breached_at=None)
    Deadline.objects.filter(pk=clock.pk).update(next_check_at=None)
    problems = checks.deadline_invariant_violations(Deadline.objects.all())
    assert len(problems) == 2 and all(f"deadline {clock.pk} " in line for line in problems)
    Deadline.objects.filter(pk=clock.pk).update(state="paused", next_check_at=timezone.now())
    assert "with next_check_at" in checks.deadline_invariant_violations(Deadline.objects.all())[0]
