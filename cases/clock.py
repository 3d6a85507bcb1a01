"""The deadline state machine: every change of a Deadline row goes through a function here.

    open ──warn──► open ──breach──► breached ──escalate / remind──► breached
      │  ▲                            │
      │  └── resume / extend / reschedule (a new occurrence) ◄───────┘
      ├──pause──► paused ──resume──► open (new occurrence)
      └──meet / cancel──► met / cancelled (final: nothing is sent any more)

Invariants kept here (and checked by `cases.deadlines.deadline_invariant_violations`):
- a live deadline (open, breached) always has `next_check_at`; paused, met and cancelled never have;
- breached implies `breached_at`; an open deadline has no `breached_at` / `escalated_at` (those belong
  to the current occurrence);
- each occurrence (the due time after an extension, a resume or a recomputation) warns, breaches,
  escalates and reminds once: the occurrence number is in every dedup key and event;
- pause and resume count in the clock's own calendar (`duetime.shift_for_pause`).

The functions change the row in memory and return what happened (`Effects`); they touch no database,
so the services (one locked row) and the sweep (a batch of claimed rows) write the same transitions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import duetime
from .models import Deadline, DeadlinePolicy

State = Deadline.State
LIVE = (State.OPEN, State.BREACHED)
UNFINISHED = (State.OPEN, State.BREACHED, State.PAUSED)
# Fields a transition may change: the services save exactly these.
FIELDS = (
    "state", "occurrence", "start_at", "due_at", "derivation", "met_at", "met_by", "warned_at", "breached_at",
    "escalated_at", "last_reminder_on", "paused_at", "pause_reason", "next_check_at",
)


@dataclass
class Notice:
    """A message to people: `kind` warning / breach / escalation / reminder; `day` for reminders."""

    kind: str
    recipients: list
    day: str = ""


@dataclass
class Effects:
    events: list[tuple[str, datetime, str]] = field(default_factory=list)  # DeadlineEvent (kind, at, note)
    timeline: list[tuple[str, datetime, str]] = field(default_factory=list)  # CaseEvent (kind, at, summary)
    notices: list[Notice] = field(default_factory=list)

    def event(self, kind: str, at: datetime, note: str = "") -> None:
        self.events.append((kind, at, note[:500]))


def fmt(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def next_check(deadline: Deadline, policy: DeadlinePolicy) -> datetime:
    """The next moment the sweep must look at an open row: the warning time until warned, then the due time."""
    if deadline.warned_at is None:
        return min(deadline.due_at - policy.warn_before, deadline.due_at)
    return deadline.due_at


def _new_occurrence(deadline: Deadline) -> None:
    deadline.occurrence += 1
    deadline.warned_at = deadline.breached_at = deadline.escalated_at = None
    deadline.last_reminder_on = None


def _require(deadline: Deadline, states: Sequence[str], message: str) -> None:
    if deadline.state not in states:
        raise ValidationError(message)


def _run_again(deadline: Deadline, policy: DeadlinePolicy) -> None:
    """After a new due time: a paused clock stays paused (no sweeping), any other runs as open."""
    if deadline.state == State.PAUSED:
        deadline.next_check_at = None
    else:
        deadline.state = State.OPEN
        deadline.next_check_at = next_check(deadline, policy)


# --- the consultant's and the product's transitions --------------------------------------------------


def start(deadline: Deadline, *, policy: DeadlinePolicy, now: datetime) -> Effects:
    deadline.state, deadline.occurrence = State.OPEN, 1
    deadline.next_check_at = next_check(deadline, policy)
    effects = Effects()
    effects.event("opened", now, deadline.derivation)
    effects.timeline.append(("deadline_opened", now, _("Deadline started: %(title)s, due %(due)s.") % {
        "title": deadline.display_title, "due": fmt(deadline.due_at)}))
    return effects


def pause(deadline: Deadline, *, now: datetime, reason: str) -> Effects:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the pause.")})
    _require(deadline, LIVE, _("Only a running deadline can be paused."))
    deadline.state, deadline.paused_at, deadline.pause_reason = State.PAUSED, now, reason[:300]
    deadline.next_check_at = None
    effects = Effects()
    effects.event("paused", now, reason)
    effects.timeline.append(("deadline_paused", now, _("Deadline paused: %(title)s (%(reason)s).") % {
        "title": deadline.display_title, "reason": reason}))
    return effects


def resume(deadline: Deadline, *, policy: DeadlinePolicy, now: datetime, calendar: duetime.WorkCalendar) -> Effects:
    """The paused time is added in the clock's calendar; the new due time is a new occurrence. If it still
    lies in the past, the clock runs as open and the next sweep breaches this occurrence properly."""
    _require(deadline, (State.PAUSED,), _("The deadline is not paused."))
    shift = duetime.shift_for_pause(
        due_at=deadline.due_at, paused_at=deadline.paused_at, resumed_at=now, unit=policy.unit,
        mode=policy.calendar, calendar=calendar,
    )
    paused_since = deadline.paused_at
    deadline.due_at = shift.due_at
    deadline.derivation = (deadline.derivation + " " + _("+ paused %(added)s") % {"added": shift.added})[-500:]
    deadline.paused_at, deadline.pause_reason = None, ""
    _new_occurrence(deadline)
    deadline.state = State.OPEN
    deadline.next_check_at = next_check(deadline, policy)
    effects = Effects()
    effects.event("resumed", now, _("paused since %(since)s, %(added)s added") % {
        "since": fmt(paused_since), "added": shift.added})
    effects.timeline.append(("deadline_resumed", now, _(
        "Deadline resumed: %(title)s, paused since %(since)s (%(added)s added), now due %(due)s.") % {
        "title": deadline.display_title, "since": fmt(paused_since), "added": shift.added, "due": fmt(deadline.due_at)}))
    return effects


def extend(deadline: Deadline, *, policy: DeadlinePolicy, now: datetime, new_due_at: datetime, reason: str) -> Effects:
    """A later due time with a reason: a new occurrence. A paused clock stays paused."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the extension.")})
    _require(deadline, UNFINISHED, _("Only an unfinished deadline can be extended."))
    if new_due_at <= now:
        raise ValidationError({"new_due_at": _("The new due time must lie in the future.")})
    if new_due_at <= deadline.due_at:
        raise ValidationError({"new_due_at": _("An extension must move the due time later.")})
    old = deadline.due_at
    deadline.due_at = new_due_at
    deadline.derivation = (_("Extended from %(old)s: %(reason)s") % {"old": fmt(old), "reason": reason})[:500]
    _new_occurrence(deadline)
    _run_again(deadline, policy)
    effects = Effects()
    effects.event("extended", now, reason)
    effects.timeline.append(("deadline_extended", now, _(
        "Deadline extended: %(title)s, from %(old)s to %(new)s (%(reason)s).") % {
        "title": deadline.display_title, "old": fmt(old), "new": fmt(new_due_at), "reason": reason}))
    return effects


def reschedule(deadline: Deadline, *, policy: DeadlinePolicy, now: datetime, start_at: datetime, due_at: datetime,
               derivation: str, why: str) -> Effects:
    """A fact the clock starts from was corrected: new start and due time (a new occurrence when the due
    time moves). Met and cancelled clocks are history and stay as they are."""
    _require(deadline, UNFINISHED, _("Only an unfinished deadline can be recomputed."))
    effects = Effects()
    if start_at == deadline.start_at and due_at == deadline.due_at:
        return effects
    old = deadline.due_at
    deadline.start_at, deadline.derivation = start_at, (derivation + " (" + why + ")")[:500]
    if due_at != old:
        deadline.due_at = due_at
        _new_occurrence(deadline)
        _run_again(deadline, policy)
    effects.event("recomputed", now, why)
    effects.timeline.append(("deadline_recomputed", now, _(
        "Deadline recomputed: %(title)s, from %(old)s to %(new)s, because %(why)s.") % {
        "title": deadline.display_title, "old": fmt(old), "new": fmt(deadline.due_at), "why": why}))
    return effects


def meet(deadline: Deadline, *, now: datetime, at: datetime, by: str, calendar: duetime.WorkCalendar,
         policy: DeadlinePolicy) -> Effects:
    """Met at `at` (a meeting registered afterwards is met when it was held). A clock that ran out before
    `at` but was not yet marked breached shows the breach first, then the late meeting; nothing is sent
    for it any more."""
    _require(deadline, UNFINISHED, _("The deadline is already finished."))
    effects = Effects()
    if deadline.state == State.PAUSED:
        # The clock stood still from the pause: compare with the due time the pause would have given.
        due = duetime.shift_for_pause(due_at=deadline.due_at, paused_at=deadline.paused_at, resumed_at=max(at, deadline.paused_at),
                                      unit=policy.unit, mode=policy.calendar, calendar=calendar).due_at
        if due != deadline.due_at:
            deadline.due_at = due
        deadline.paused_at, deadline.pause_reason = None, ""
    late = at > deadline.due_at
    if late and deadline.breached_at is None:
        deadline.breached_at = deadline.due_at
        effects.event("breached", deadline.due_at, _("recorded when the late meeting was registered"))
        effects.timeline.append(("deadline_breached", deadline.due_at, _("Deadline overdue: %(title)s (due %(due)s).") % {
            "title": deadline.display_title, "due": fmt(deadline.due_at)}))
    deadline.state, deadline.met_at, deadline.met_by = State.MET, at, by[:200]
    deadline.next_check_at = None
    effects.event("met", at, by)
    effects.timeline.append(("deadline_met", now, (
        _("Deadline met late: %(title)s (%(by)s).") if late else _("Deadline met: %(title)s (%(by)s).")) % {
        "title": deadline.display_title, "by": by}))
    return effects


def cancel(deadline: Deadline, *, now: datetime, reason: str) -> Effects:
    _require(deadline, UNFINISHED, _("The deadline is already finished."))
    deadline.state, deadline.next_check_at = State.CANCELLED, None
    deadline.paused_at = None
    effects = Effects()
    effects.event("cancelled", now, reason)
    effects.timeline.append(("deadline_cancelled", now, _("Deadline cancelled: %(title)s (%(reason)s).") % {
        "title": deadline.display_title, "reason": reason}))
    return effects


# --- the sweep's transition: warn, breach, escalate, remind ------------------------------------------

NOBODY = "nobody to tell: the deadline has no owner, the case no consultant and the team no lead"


def tick(deadline: Deadline, *, policy: DeadlinePolicy, now: datetime, calendar: duetime.WorkCalendar,
         owners: Callable[[Deadline], list], leads: Callable[[Deadline], list]) -> Effects:
    """What is due for one live row at `now`, and when to look at it next.

    `owners(d)`: who is warned and reminded (the deadline's owner, else the case's consultant, else the
    team's leads); `leads(d)`: who gets the escalation. "warned" or "escalated" is recorded only when
    someone was told.
    """
    effects = Effects()
    if deadline.state not in LIVE:  # nothing to do; keep the invariant for a row claimed by mistake
        deadline.next_check_at = None
        return effects
    if deadline.state == State.OPEN and now >= deadline.due_at:
        deadline.state, deadline.breached_at = State.BREACHED, deadline.due_at
        to = owners(deadline)
        effects.notices.append(Notice("breach", to))
        effects.event("breached", now, "" if to else NOBODY)
        deadline.last_reminder_on = timezone.localdate(now)  # the breach message is today's reminder
        effects.timeline.append(("deadline_breached", now, _("Deadline overdue: %(title)s (due %(due)s).") % {
            "title": deadline.display_title, "due": fmt(deadline.due_at)}))
    elif deadline.state == State.OPEN:
        if deadline.warned_at is None and now >= deadline.due_at - policy.warn_before:
            to = owners(deadline)
            if to:
                deadline.warned_at = now
                effects.notices.append(Notice("warning", to))
                effects.event("warned", now)
            else:
                effects.event("not_warned", now, NOBODY)
        deadline.next_check_at = deadline.due_at
        return effects
    # Breached: escalate once per occurrence, remind once a working day.
    escalate_at = duetime.next_working_time(deadline.breached_at + policy.escalate_after, calendar)
    if deadline.escalated_at is None and now >= escalate_at:
        deadline.escalated_at = now
        to = leads(deadline)
        effects.notices.append(Notice("escalation", to))
        effects.event("escalated" if to else "not_escalated", now, "" if to else NOBODY)
    today = timezone.localdate(now)
    if duetime.is_working_time(now, calendar) and deadline.last_reminder_on != today:
        deadline.last_reminder_on = today
        to = owners(deadline)
        if to:
            effects.notices.append(Notice("reminder", to, day=today.isoformat()))
            effects.event("reminded", now)
    deadline.next_check_at = _next_breached_check(deadline, now, today, escalate_at, calendar)
    return effects


def _next_breached_check(deadline: Deadline, now: datetime, today: date, escalate_at: datetime,
                         calendar: duetime.WorkCalendar) -> datetime:
    """Tomorrow's first working moment (the next reminder), or the escalation time if sooner."""
    if deadline.last_reminder_on != today:
        next_reminder = duetime.next_working_time(now, calendar)
    else:
        tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), time(8, 0)))
        next_reminder = duetime.next_working_time(tomorrow, calendar)
    return next_reminder if deadline.escalated_at else min(next_reminder, escalate_at)
