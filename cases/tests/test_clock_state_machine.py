"""The deadline state machine (cases/clock.py) through the services and the sweep: the invariants of
issue 9, each with the scenario that broke it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cases import deadlines
from cases.deadlines import deadline_invariant_violations
from cases.models import Deadline, DeadlineEvent, Notification, OutboxMessage
from cases.notifications import outbox_send_due
from cases.sweep import sweep_deadlines
from cases.tests.factories import make_case, make_team, make_user

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=CPH)


@pytest.fixture
def team():
    return make_team("Nord")


@pytest.fixture
def consultant(team):
    return make_user("mette", team=team, email="mette@kommune.example")


@pytest.fixture
def lead(team):
    return make_user("birgitte", team=team, lead=True, email="birgitte@kommune.example")


MONDAY_10 = local(2026, 3, 9, 10, 0)


def first_meeting(time_machine, team, consultant, at=MONDAY_10):
    """A case opened Monday 9/3 10:00: its 48 working-hour first-meeting clock is due Wed 11/3 10:00."""
    time_machine.move_to(at, tick=False)
    case = make_case(team=team, consultant=consultant, first_contact_at=at, first_absence_day=None)
    return case, case.deadlines.get(kind="first_meeting")


def notices(deadline, kind):
    return list(Notification.objects.filter(deadline=deadline, kind=f"deadline_{kind}").values_list("occurrence", flat=True))


def test_pausing_a_past_due_deadline_and_resuming_never_gives_breached_without_breached_at(time_machine, team, consultant, lead):
    case, first = first_meeting(time_machine, team, consultant)
    time_machine.move_to(local(2026, 3, 11, 11, 0), tick=False)  # past due, the worker has not swept yet
    deadlines.deadline_pause(deadline=first, actor=consultant, reason="Venter på lægen")
    time_machine.move_to(local(2026, 3, 11, 11, 30), tick=False)
    resumed = deadlines.deadline_resume(deadline=first, actor=consultant)
    assert resumed.state == Deadline.State.OPEN and resumed.occurrence == 2
    assert resumed.next_check_at is not None
    assert sweep_deadlines() == 1  # the sweep breaches the new occurrence properly
    resumed.refresh_from_db()
    assert resumed.state == Deadline.State.BREACHED and resumed.breached_at == resumed.due_at
    assert resumed.sweep_failures == 0
    assert notices(resumed, "breach") == [2]
    assert deadline_invariant_violations() == []


def test_a_working_hours_clock_paused_over_a_weekend_gets_no_weekend_added(time_machine, team, consultant):
    case, first = first_meeting(time_machine, team, consultant, at=local(2026, 3, 12, 15, 0))  # Thu 15:00
    assert first.due_at == local(2026, 3, 16, 15, 0)  # Mon 15:00
    time_machine.move_to(local(2026, 3, 13, 15, 0), tick=False)  # Fri 15:00
    deadlines.deadline_pause(deadline=first, actor=consultant, reason="Afventer svar")
    time_machine.move_to(local(2026, 3, 16, 9, 0), tick=False)  # Mon 09:00
    resumed = deadlines.deadline_resume(deadline=first, actor=consultant)
    # 9 working hours on Friday + 9 on Monday, not the 66 wall-clock hours.
    assert resumed.due_at == local(2026, 3, 17, 9, 0)
    assert "18" in resumed.derivation
    assert case.events.filter(kind="deadline_resumed", summary__contains="17/03/2026 09:00").exists()


def test_a_day_clock_paused_for_two_days_moves_two_days(time_machine, team, consultant):
    time_machine.move_to(local(2026, 3, 9, 10, 0), tick=False)
    case = make_case(team=team, consultant=consultant, first_absence_day=local(2026, 3, 2).date())
    conversation = case.deadlines.get(kind="absence_conversation")  # 28 days: Mon 30/3 23:59
    due = conversation.due_at
    deadlines.deadline_pause(deadline=conversation, actor=consultant, reason="Ferie")
    time_machine.move_to(local(2026, 3, 11, 8, 0), tick=False)
    resumed = deadlines.deadline_resume(deadline=conversation, actor=consultant)
    assert resumed.due_at.astimezone(CPH).date() == (due + timedelta(days=2)).astimezone(CPH).date()


def test_extending_a_paused_deadline_keeps_it_paused_without_next_check(time_machine, team, consultant):
    case, first = first_meeting(time_machine, team, consultant)
    deadlines.deadline_pause(deadline=first, actor=consultant, reason="Afventer")
    extended = deadlines.deadline_extend(deadline=first, actor=consultant, new_due_at=first.due_at + timedelta(days=3),
                                         reason="Aftalt med arbejdsgiver")
    assert extended.state == Deadline.State.PAUSED and extended.next_check_at is None
    assert extended.occurrence == 2
    assert sweep_deadlines(now=extended.due_at + timedelta(days=1)) == 0


def test_each_occurrence_warns_breaches_and_escalates_once(time_machine, team, consultant, lead):
    case, first = first_meeting(time_machine, team, consultant)
    for hour in (local(2026, 3, 11, 9, 0), local(2026, 3, 11, 10, 30), local(2026, 3, 12, 11, 0)):
        time_machine.move_to(hour, tick=False)
        sweep_deadlines()
        sweep_deadlines()
    first.refresh_from_db()
    assert first.state == Deadline.State.BREACHED and first.escalated_at is not None
    assert notices(first, "warning") == [1] and notices(first, "breach") == [1] and notices(first, "escalation") == [1]
    extended = deadlines.deadline_extend(deadline=first, actor=consultant, new_due_at=local(2026, 3, 13, 12, 0), reason="Sygdom")
    assert extended.state == Deadline.State.OPEN and extended.breached_at is None and extended.escalated_at is None
    for hour in (local(2026, 3, 13, 9, 0), local(2026, 3, 13, 12, 30), local(2026, 3, 16, 13, 0)):
        time_machine.move_to(hour, tick=False)
        sweep_deadlines()
        sweep_deadlines()
    assert sorted(notices(first, "warning")) == [1, 2]
    assert sorted(notices(first, "breach")) == [1, 2]
    assert sorted(notices(first, "escalation")) == [1, 2]
    assert DeadlineEvent.objects.filter(deadline=first, kind="breached", occurrence=2).count() == 1
    assert deadline_invariant_violations() == []


def test_a_met_deadline_sends_nothing_more_even_mail_already_queued(time_machine, team, consultant, lead):
    case, first = first_meeting(time_machine, team, consultant)
    time_machine.move_to(local(2026, 3, 11, 6, 0), tick=False)  # warning at night: the mail waits for 08:00
    sweep_deadlines()
    assert OutboxMessage.objects.filter(deadline=first, state="pending").count() == 1
    deadlines.deadline_meet(case=case, kinds=["first_meeting"], at=local(2026, 3, 11, 6, 30), by="møde")
    mail.outbox.clear()
    time_machine.move_to(local(2026, 3, 11, 8, 5), tick=False)
    outbox_send_due()
    assert mail.outbox == []
    time_machine.move_to(local(2026, 3, 20, 10, 0), tick=False)
    sweep_deadlines()
    assert Notification.objects.filter(deadline=first).count() == 1  # only the warning
    assert deadline_invariant_violations() == []


def test_a_mail_about_an_earlier_occurrence_is_dropped(time_machine, team, consultant):
    case, first = first_meeting(time_machine, team, consultant)
    time_machine.move_to(local(2026, 3, 11, 6, 0), tick=False)
    sweep_deadlines()  # occurrence 1 warning mail waits for 08:00
    deadlines.deadline_extend(deadline=first, actor=consultant, new_due_at=local(2026, 3, 20, 12, 0), reason="Ferie")
    mail.outbox.clear()
    time_machine.move_to(local(2026, 3, 11, 8, 5), tick=False)
    outbox_send_due()
    assert mail.outbox == []
    assert OutboxMessage.objects.get(deadline=first).state == OutboxMessage.State.DROPPED


def test_a_late_meeting_shows_the_breach_first_then_the_meeting(time_machine, team, consultant):
    case, first = first_meeting(time_machine, team, consultant)
    time_machine.move_to(local(2026, 3, 11, 11, 30), tick=False)  # registered before any sweep saw the breach
    deadlines.deadline_meet(case=case, kinds=["first_meeting"], at=local(2026, 3, 11, 10, 30), by="Rundbordssamtale")
    first.refresh_from_db()
    assert first.state == Deadline.State.MET and first.met_at == local(2026, 3, 11, 10, 30)
    assert first.breached_at == first.due_at
    assert list(first.events.values_list("kind", flat=True)) == ["opened", "breached", "met"]
    timeline = list(case.events.order_by("at", "id").values_list("kind", flat=True))
    assert timeline.index("deadline_breached") < timeline.index("deadline_met")
    assert not Notification.objects.filter(deadline=first).exists()  # nothing sent for a met clock


def test_a_meeting_held_before_a_clock_started_does_not_meet_it(time_machine, team, consultant):
    case, first = first_meeting(time_machine, team, consultant)
    follow_up = deadlines.deadline_open(case=case, kind="follow_up", start=local(2026, 3, 9, 12, 0))
    deadlines.deadline_meet(case=case, kinds=["first_meeting", "follow_up"], at=local(2026, 3, 9, 11, 0), by="møde")
    assert Deadline.objects.get(pk=first.pk).state == Deadline.State.MET
    assert Deadline.objects.get(pk=follow_up.pk).state == Deadline.State.OPEN


def test_nobody_owns_the_case_warnings_and_breaches_go_to_the_team_leads(time_machine, team, lead):
    time_machine.move_to(local(2026, 3, 9, 10, 0), tick=False)
    case = make_case(team=team, consultant=None, actor=lead, first_contact_at=local(2026, 3, 9, 10, 0), first_absence_day=None)
    first = case.deadlines.get(kind="first_meeting")
    time_machine.move_to(local(2026, 3, 11, 9, 0), tick=False)
    sweep_deadlines()
    time_machine.move_to(local(2026, 3, 11, 10, 5), tick=False)
    sweep_deadlines()
    assert Notification.objects.filter(recipient=lead, kind="deadline_warning").count() == 1
    assert Notification.objects.filter(recipient=lead, kind="deadline_breach").count() == 1
    assert first.events.filter(kind="warned").exists()


def test_nobody_to_tell_is_never_recorded_as_warned(time_machine):
    team = make_team("Ingen leder")
    time_machine.move_to(local(2026, 3, 9, 10, 0), tick=False)
    case = make_case(team=team, consultant=None, first_contact_at=local(2026, 3, 9, 10, 0), first_absence_day=None)
    first = case.deadlines.get(kind="first_meeting")
    time_machine.move_to(local(2026, 3, 11, 9, 0), tick=False)
    sweep_deadlines()
    first.refresh_from_db()
    assert first.warned_at is None
    assert not first.events.filter(kind="warned").exists()
    assert first.events.filter(kind="not_warned").exists()
    assert deadline_invariant_violations() == []


def test_illegal_transitions_are_refused_in_danish(time_machine, team, consultant):
    case, first = first_meeting(time_machine, team, consultant)
    with pytest.raises(ValidationError) as error:
        deadlines.deadline_resume(deadline=first, actor=consultant)
    assert "ikke sat på pause" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        deadlines.deadline_extend(deadline=first, actor=consultant, new_due_at=first.due_at + timedelta(days=1), reason=" ")
    deadlines.deadline_cancel(deadline=first, actor=consultant, reason="test")
    with pytest.raises(ValidationError):
        deadlines.deadline_pause(deadline=first, actor=consultant, reason="x")


def test_the_invariant_check_reports_a_broken_row(time_machine, team, consultant):
    case, first = first_meeting(time_machine, team, consultant)
    Deadline.objects.filter(pk=first.pk).update(state=Deadline.State.BREACHED, breached_at=None)
    Deadline.objects.filter(pk=first.pk)
    assert deadline_invariant_violations() == [
        f"deadline {first.pk} (first_meeting, occurrence 1): breached without breached_at"]


def test_the_case_page_says_paused_since_why_and_the_new_due_time_after_resume(client, time_machine, team, consultant):
    from django.urls import reverse

    case, first = first_meeting(time_machine, team, consultant, at=local(2026, 3, 12, 15, 0))
    time_machine.move_to(local(2026, 3, 13, 15, 0), tick=False)
    deadlines.deadline_pause(deadline=first, actor=consultant, reason="Venter på lægeerklæring")
    client.force_login(consultant)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "på pause siden 13/03/2026 15:00: Venter på lægeerklæring" in page
    time_machine.move_to(local(2026, 3, 16, 9, 0), tick=False)
    deadlines.deadline_resume(deadline=first, actor=consultant)
    client.force_login(consultant)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "+ pause 18 arbejdstimer" in page
    assert "udløber nu 17/03/2026 09:00" in page


def test_the_repair_migration_fixes_rows_broken_by_the_old_code(time_machine, team, consultant):
    import importlib

    from django.apps import apps

    case, first = first_meeting(time_machine, team, consultant)
    Deadline.objects.filter(pk=first.pk).update(state=Deadline.State.BREACHED, breached_at=None, next_check_at=None)
    importlib.import_module("cases.migrations.0011_clock_repair_deadlines").repair(apps, None)
    first.refresh_from_db()
    assert first.breached_at == first.due_at and first.next_check_at == first.due_at
    assert deadline_invariant_violations() == []
    sweep_deadlines()  # and the sweep processes it without an error
    assert Deadline.objects.get(pk=first.pk).sweep_failures == 0


def test_a_mail_queued_before_a_pause_is_not_sent_while_paused(time_machine, team, consultant):
    case, first = first_meeting(time_machine, team, consultant)
    time_machine.move_to(local(2026, 3, 11, 6, 0), tick=False)
    sweep_deadlines()  # the warning mail waits for 08:00
    deadlines.deadline_pause(deadline=first, actor=consultant, reason="Venter på lægen")
    mail.outbox.clear()
    time_machine.move_to(local(2026, 3, 11, 8, 5), tick=False)
    outbox_send_due()
    assert mail.outbox == []


def test_a_consultant_who_left_is_replaced_by_the_team_leads(time_machine, team, consultant, lead):
    case, first = first_meeting(time_machine, team, consultant)
    consultant.is_active = False
    consultant.save(update_fields=["is_active"])
    time_machine.move_to(local(2026, 3, 11, 10, 5), tick=False)
    sweep_deadlines()
    assert list(Notification.objects.filter(kind="deadline_breach").values_list("recipient__username", flat=True)) == [
        "birgitte"]
