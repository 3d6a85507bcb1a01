from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from cases import deadlines
from cases.models import Deadline, Notification, OutboxMessage
from cases.notifications import outbox_enqueue, outbox_send_due
from cases.sweep import sweep_deadlines
from cases.tests.factories import make_case, make_team, make_user

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=CPH)


@pytest.fixture
def setup():
    team = make_team("Nord")
    consultant = make_user("mette", team=team, email="mette@kommune.example")
    lead = make_user("birgitte", team=team, lead=True, email="birgitte@kommune.example")
    return team, consultant, lead


def test_opening_a_case_on_friday_afternoon_gives_tuesday(setup):
    team, consultant, _lead = setup
    case = make_case(team=team, consultant=consultant, first_contact_at=local(2026, 3, 13, 15, 0),
                     first_absence_day=None)
    first = case.deadlines.get(kind="first_meeting")
    assert first.due_at == local(2026, 3, 17, 15, 0)
    assert first.state == Deadline.State.OPEN
    assert "48" in first.derivation
    assert case.events.filter(kind="deadline_opened").exists()


def test_first_absence_day_starts_the_statutory_clocks(setup):
    team, consultant, _lead = setup
    case = make_case(team=team, consultant=consultant, first_absence_day=timezone.localdate() - timedelta(days=3))
    assert set(case.deadlines.values_list("kind", flat=True)) == {
        "first_meeting", "ordinary_follow_up", "absence_conversation", "reassessment"}


def test_sweep_warns_breaches_escalates_and_is_idempotent(setup):
    team, consultant, lead = setup
    case = make_case(team=team, consultant=consultant, first_contact_at=local(2026, 3, 13, 15, 0), first_absence_day=None)
    first = case.deadlines.get(kind="first_meeting")
    # Monday 10:00: within 8 h warning window? due Tue 15:00, warn from Tue 07:00.
    sweep_deadlines(now=local(2026, 3, 17, 9, 0))
    sweep_deadlines(now=local(2026, 3, 17, 9, 0))
    assert Notification.objects.filter(recipient=consultant, kind="deadline_warning").count() == 1
    sweep_deadlines(now=local(2026, 3, 17, 15, 1))
    sweep_deadlines(now=local(2026, 3, 17, 15, 2))
    first.refresh_from_db()
    assert first.state == Deadline.State.BREACHED
    assert Notification.objects.filter(recipient=consultant, kind="deadline_breach").count() == 1
    assert not Notification.objects.filter(recipient=lead).exists()
    # Escalation one day after the breach, in working hours.
    sweep_deadlines(now=local(2026, 3, 18, 15, 5))
    sweep_deadlines(now=local(2026, 3, 18, 15, 6))
    assert Notification.objects.filter(recipient=lead, kind="deadline_escalation").count() == 1
    assert Notification.objects.filter(recipient=consultant, kind="deadline_reminder").count() == 1


def test_a_deadline_met_between_warning_and_breach_never_breaches(setup):
    team, consultant, _lead = setup
    case = make_case(team=team, consultant=consultant, first_contact_at=local(2026, 3, 13, 15, 0), first_absence_day=None)
    sweep_deadlines(now=local(2026, 3, 17, 9, 0))
    deadlines.deadline_meet(case=case, kinds=["first_meeting"], at=local(2026, 3, 17, 10, 0), by="roundtable")
    sweep_deadlines(now=local(2026, 3, 17, 16, 0))
    first = case.deadlines.get(kind="first_meeting")
    assert first.state == Deadline.State.MET and first.next_check_at is None
    assert not Notification.objects.filter(kind="deadline_breach").exists()


def test_reminder_email_for_a_met_deadline_is_dropped(setup):
    team, consultant, _lead = setup
    case = make_case(team=team, consultant=consultant, first_contact_at=local(2026, 3, 13, 15, 0), first_absence_day=None)
    sweep_deadlines(now=local(2026, 3, 17, 9, 0))  # warning mail queued
    deadlines.deadline_meet(case=case, kinds=["first_meeting"], at=local(2026, 3, 17, 9, 30), by="meeting")
    mail.outbox.clear()
    outbox_send_due(now=local(2026, 3, 17, 10, 0))
    assert mail.outbox == []
    assert OutboxMessage.objects.filter(state="dropped").count() == 1


def test_outbox_dedup_and_retry_after_smtp_failure(setup, monkeypatch):
    assert outbox_enqueue(to="a@example.dk", subject="Hej", text="x", dedup_key="k1") is not None
    assert outbox_enqueue(to="a@example.dk", subject="Hej", text="x", dedup_key="k1") is None
    calls = {"n": 0}
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("SMTP down")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    mail.outbox.clear()
    now = timezone.now()
    assert outbox_send_due(now=now) == 0
    assert outbox_send_due(now=now) == 0  # backing off
    assert outbox_send_due(now=now + timedelta(minutes=3)) == 1
    assert outbox_send_due(now=now + timedelta(minutes=10)) == 0
    assert len(mail.outbox) == 1


def test_closing_the_case_cancels_open_clocks(setup):
    from cases import services

    team, consultant, _lead = setup
    case = make_case(team=team, consultant=consultant)
    services.case_close(case=case, actor=consultant, outcome="retained")
    assert not case.deadlines.unfinished().exists()
    assert case.deadlines.filter(state="cancelled").count() == 4  # incl. the week-22 reassessment


def test_defaults_come_back_after_a_flush_but_admin_removals_stay(setup):
    from django.apps import apps

    from cases.apps import ensure_defaults
    from cases.models import ClosedDay, DeadlinePolicy

    ClosedDay.objects.filter(name="Grundlovsdag").delete()  # this municipality works on 5 June
    DeadlinePolicy.objects.filter(kind="information_form").delete()
    ensure_defaults(sender=apps.get_app_config("cases"))
    assert DeadlinePolicy.objects.filter(kind="information_form").exists()
    assert not ClosedDay.objects.filter(name="Grundlovsdag").exists()


def test_a_bulk_write_that_fails_falls_back_row_by_row_and_loses_nothing(setup, monkeypatch):
    team, consultant, _lead = setup
    now = timezone.now()
    for _ in range(6):
        case = make_case(team=team, consultant=consultant, first_absence_day=None)
        Deadline.objects.filter(case=case).update(due_at=now - timedelta(hours=1), next_check_at=now - timedelta(hours=1))
    from cases import sweep

    real_bulk, calls = sweep.notify_bulk, []

    def fail_second_bulk_write(drafts):
        calls.append(len(drafts))
        if len(calls) == 2:
            raise RuntimeError("lost connection")
        real_bulk(drafts)

    monkeypatch.setattr(sweep, "notify_bulk", fail_second_bulk_write)
    assert sweep_deadlines(now=now, batch=3) == 6
    # The second batch's bulk write failed and was rolled back; each of its rows was then written alone.
    assert calls[:5] == [3, 3, 1, 1, 1]  # (then an empty third batch)
    assert Deadline.objects.filter(state=Deadline.State.BREACHED).count() == 6
    assert Notification.objects.filter(kind="deadline_breach").count() == 6
    assert not Deadline.objects.filter(sweep_failures__gt=0).exists()
