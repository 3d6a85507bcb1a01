"""The simulated quarter's checks on hand-made histories: each finds what it is meant to find, so a
zero from the simulation means something."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from bench.simquarter import checks
from cases.duetime import danish_calendar, is_working_time, next_working_time
from cases.models import Deadline, Notification, OutboxMessage
from cases.notifications import outbox_send_due
from cases.sweep import sweep_deadlines
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


def test_a_mail_key_reads_as_deadline_occurrence_kind_day_and_recipient():
    key = checks.deadline_mail_key("mail:deadline:21:3:reminder:2027-03-30:7")
    assert (key.deadline_id, key.occurrence, key.kind, key.day, key.recipient_id) == (21, 3, "reminder", "2027-03-30", 7)
    assert checks.deadline_mail_key("mail:deadline:45:1:breach::2").kind == "breach"
    with pytest.raises(ValueError):
        checks.deadline_mail_key("mail:assigned:4:2:2027-03-30T10:00:00")


@pytest.mark.django_db
def test_the_engines_own_mails_are_neither_missed_nor_duplicates():
    """Read as the runner reads them, the mails the real sweep queues for one breached occurrence: its
    breach mail counts as the breach's mail, and the reminders of two working days are two reminders,
    not one reminder twice (the engine's promise is a reminder per working day while breached). Before
    the key was read with its occurrence field, this history gave one "no mail" miss per breach and
    escalation and a duplicate per second reminder, though every mail had been sent once."""
    cph = timezone.get_default_timezone()
    opened = datetime(2027, 3, 5, 15, 0, tzinfo=cph)  # Friday: 48 working hours end Tuesday 9/3 15:00
    team = make_team("Syd")
    consultant = make_user("mette", team=team, email="mette@kommune.example")
    lead = make_user("birgitte", team=team, lead=True, email="birgitte@kommune.example")
    with time_machine.travel(opened, tick=False):
        case = make_case(team=team, consultant=consultant, first_contact_at=opened, first_absence_day=None)
    clock = case.deadlines.get(kind="first_meeting")
    policy_delay = clock.policy.escalate_after
    timeline = checks.Timeline()
    row = (clock.pk, clock.kind, "open", clock.due_at, None, consultant.pk, case.reference, policy_delay)
    timeline.observe([row], opened)
    moments = [datetime(2027, 3, 9, 15, 10, tzinfo=cph), datetime(2027, 3, 10, 9, 0, tzinfo=cph),
               datetime(2027, 3, 10, 15, 20, tzinfo=cph), datetime(2027, 3, 11, 9, 0, tzinfo=cph)]
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            sweep_deadlines(now=moment)
            outbox_send_due(now=moment)
    end = datetime(2027, 3, 11, 12, 0, tzinfo=cph)
    timeline.observe([(*row[:2], "met", clock.due_at, end, *row[5:])], end)

    sent = []
    for key, to, sent_at in OutboxMessage.objects.filter(state="sent", deadline=clock).values_list("dedup_key", "to", "sent_at"):
        parsed = checks.deadline_mail_key(key)
        assert parsed.deadline_id == clock.pk and parsed.occurrence == clock.occurrence
        sent += [(clock.pk, parsed.kind, address, sent_at, parsed.day) for address in to]
    reminders = sorted(day for _pk, kind, _address, _at, day in sent if kind == "reminder")
    assert reminders == ["2027-03-10", "2027-03-11"]

    told = list(Notification.objects.filter(deadline=clock).values_list("deadline_id", "kind", "recipient_id", "created_at"))
    expected = checks.expected_notifications(timeline, leads=(lead.pk,), calendar=CALENDAR, next_working_time=next_working_time)
    assert {item.kind for item in expected} == {"breach", "escalation"}
    addresses = {consultant.pk: consultant.email, lead.pk: lead.email}
    assert checks.missed_notifications(expected, told, [item[:4] for item in sent], addresses) == []

    items = [("mail", pk, kind, address, at, day) for pk, kind, address, at, day in sent]
    assert checks.duplicate_notifications(timeline, items) == []
    # The same day's reminder twice is a duplicate, and is still found.
    assert len(checks.duplicate_notifications(timeline, items + [items[-1]])) == 1
    # And a breach mail that never left is still a miss.
    without_breach = [item[:4] for item in sent if item[1] != "breach"]
    assert any("no mail" in line for line in checks.missed_notifications(expected, told, without_breach, addresses))
