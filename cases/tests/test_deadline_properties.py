"""The proof: random sequences of everything that can happen to a case's clocks, with the sweep and the
outbox running at random later times, keep the deadline invariants after every step, and each
occurrence's warning, breach and escalation is delivered exactly once.

A hypothesis RuleBasedStateMachine over the real services on the test database; each example runs in a
savepoint that is rolled back, on a frozen clock (time-machine) that only the rules move forward.
"""

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cases import deadlines, services
from cases.deadlines import deadline_invariant_violations
from cases.models import Case, Deadline, Notification
from cases.notifications import outbox_send_due
from cases.sweep import sweep_deadlines
from cases.tests.factories import make_case, make_team, make_user

CPH = ZoneInfo("Europe/Copenhagen")
START = datetime(2026, 3, 2, 9, 0, tzinfo=CPH)  # a Monday
REFUSALS = (ValidationError,)  # an illegal step is refused in Danish and changes nothing


class DeadlineLife(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.travel = time_machine.travel(START, tick=False)
        self.clock = self.travel.start()
        self.steps = 0

    @initialize(owned=st.booleans(), absence_days_ago=st.none() | st.integers(0, 40))
    def open_case(self, owned, absence_days_ago):
        team = make_team()
        self.lead = make_user(team=team, lead=True)
        self.consultant = make_user(team=team) if owned else None
        first_absence = timezone.localdate() - timedelta(days=absence_days_ago) if absence_days_ago is not None else None
        self.case = make_case(team=team, consultant=self.consultant, actor=self.lead, first_contact_at=timezone.now(),
                              first_absence_day=first_absence)

    def teardown(self):
        self.travel.stop()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- helpers ---

    def pick(self, i: int) -> Deadline | None:
        """A clock that is still running when there is one (finished ones refuse every change)."""
        rows = list(self.case.deadlines.unfinished().order_by("pk")) or list(self.case.deadlines.order_by("pk"))
        return rows[i % len(rows)] if rows else None

    def refresh_case(self) -> Case:
        self.case = Case.objects.get(pk=self.case.pk)
        return self.case

    def attempt(self, action) -> None:
        try:
            action()
        except REFUSALS:
            pass

    # --- the clock moves; the sweep and the outbox run ---

    @rule(minutes=st.integers(1, 3 * 24 * 60))
    def time_passes_and_the_sweep_runs(self, minutes):
        self.clock.shift(timedelta(minutes=minutes))
        sweep_deadlines()
        outbox_send_due()

    @rule(minutes=st.integers(1, 10 * 24 * 60))
    def time_passes_while_the_worker_lags(self, minutes):
        self.clock.shift(timedelta(minutes=minutes))

    @rule()
    def the_sweep_runs_twice(self):
        sweep_deadlines()
        sweep_deadlines()

    # --- what consultants do ---

    @rule(i=st.integers(0, 20))
    def pause(self, i):
        if (d := self.pick(i)) is not None:
            self.attempt(lambda: deadlines.deadline_pause(deadline=d, actor=self.lead, reason="venter"))

    @rule(i=st.integers(0, 20))
    def resume(self, i):
        if (d := self.pick(i)) is not None:
            self.attempt(lambda: deadlines.deadline_resume(deadline=d, actor=self.lead))

    @rule(i=st.integers(0, 20), hours=st.integers(-24, 10 * 24))
    def extend(self, i, hours):
        if (d := self.pick(i)) is not None:
            self.attempt(lambda: deadlines.deadline_extend(
                deadline=d, actor=self.lead, new_due_at=max(d.due_at, timezone.now()) + timedelta(hours=hours), reason="aftalt"))

    @precondition(lambda self: self.steps >= 15)
    @rule(i=st.integers(0, 20))
    def cancel(self, i):
        if (d := self.pick(i)) is not None:
            deadlines.deadline_cancel(deadline=d, actor=self.lead, reason="ikke relevant")

    @rule(i=st.integers(0, 20), hours_ago=st.integers(0, 96))
    def record_met(self, i, hours_ago):
        if (d := self.pick(i)) is not None:
            self.attempt(lambda: deadlines.deadline_record_met(
                deadline=d, actor=self.lead, at=timezone.now() - timedelta(hours=hours_ago)))

    @rule(hours_ago=st.integers(0, 120))
    def meeting_held(self, hours_ago):
        """Registered now, held earlier (on time or late): meets the clocks running then, starts a follow-up."""
        held = timezone.now() - timedelta(hours=hours_ago)
        deadlines.deadline_meet(case=self.case, kinds=["first_meeting", "follow_up", "fast_track_conversation"], at=held,
                                actor=self.lead, by="møde holdt")
        if self.refresh_case().is_open:
            deadlines.deadline_open(case=self.case, kind="follow_up", start=held, actor=self.lead)

    @rule(hours_ago=st.integers(0, 200))
    def information_form_sent(self, hours_ago):
        sent = (timezone.now() - timedelta(hours=hours_ago)).replace(microsecond=0)
        self.attempt(lambda: deadlines.information_form_sent(case=self.refresh_case(), actor=self.lead, sent_at=sent))

    @rule(hours_ago=st.integers(0, 200))
    def edit_first_contact(self, hours_ago):
        self.attempt(lambda: services.case_update(case=self.refresh_case(), actor=self.lead, fields={
            "first_contact_at": timezone.now() - timedelta(hours=hours_ago)}))

    @rule(days_ago=st.none() | st.integers(0, 70))
    def edit_first_absence_day(self, days_ago):
        day = timezone.localdate() - timedelta(days=days_ago) if days_ago is not None else None
        self.attempt(lambda: services.case_update(case=self.refresh_case(), actor=self.lead, fields={"first_absence_day": day}))

    # Closing cancels every clock; hypothesis tries argument-free rules first, so closing waits until the
    # clocks have lived a little (otherwise most examples would explore a closed case).
    @precondition(lambda self: self.steps >= 20)
    @rule()
    def close(self):
        self.attempt(lambda: services.case_close(case=self.refresh_case(), actor=self.lead, outcome="retained"))

    @rule()
    def reopen(self):
        self.attempt(lambda: services.case_reopen(case=self.refresh_case(), actor=self.lead, reason="ny sygemelding"))

    # --- the promises, after every step ---

    @invariant()
    def invariants_hold(self):
        if not hasattr(self, "case"):
            return
        self.steps += 1
        assert deadline_invariant_violations() == []

    @invariant()
    def every_breach_reached_someone_once(self):
        if not hasattr(self, "case"):
            return
        for d in Deadline.objects.filter(case=self.case, state=Deadline.State.BREACHED):
            breaches = Notification.objects.filter(deadline=d, occurrence=d.occurrence, kind="deadline_breach")
            assert breaches.count() == 1, f"{d.kind} occurrence {d.occurrence}: {breaches.count()} breach notices"

    @invariant()
    def a_closed_case_has_no_running_clock(self):
        if hasattr(self, "case") and not Case.objects.get(pk=self.case.pk).is_open:
            assert not Deadline.objects.filter(case=self.case, state__in=Deadline.UNFINISHED).exists()


@pytest.mark.django_db
def test_deadline_life_keeps_its_invariants():
    run_state_machine_as_test(DeadlineLife, settings=settings(
        max_examples=int(os.environ.get("DEADLINE_EXAMPLES", 20)), stateful_step_count=30, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))
