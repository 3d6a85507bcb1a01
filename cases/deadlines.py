"""The deadline engine's services: open, meet, pause, resume, extend, reschedule and cancel clocks.

Each service locks the row and runs one transition of the state machine in `cases.clock`; due times
come from the pure functions in `cases.duetime`; the policies and extra closed days are data (admin).
The sweep that warns, breaches, escalates and reminds lives in `cases.sweep` (same state machine);
clocks that follow a corrected case fact in `cases.deadline_facts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import clock, duetime
from .audit import event_record
from .deadline_invariants import deadline_invariant_violations  # noqa: F401  (public: the benchmark uses it)
from .models import Case, CaseEvent, ClosedDay, Deadline, DeadlineEvent, DeadlinePolicy

Kind = DeadlinePolicy.Kind


def work_calendar(*, years: Iterable[int] | None = None) -> duetime.WorkCalendar:
    """Weekends, Danish public holidays and the admin's extra closed days for the given years."""
    if years is None:
        this_year = timezone.localdate().year
        years = range(this_year - 1, this_year + 3)
    years = sorted(set(years))
    extra = {
        row.date: row.name
        for row in ClosedDay.objects.filter(date__year__gte=years[0], date__year__lte=years[-1])
    }
    return duetime.danish_calendar(years=years, extra_closed=extra)


def _calendar_for(start: datetime) -> duetime.WorkCalendar:
    year = timezone.localtime(start).year
    return work_calendar(years=range(year, year + 2))


def deadline_preview(*, kind: str, start: datetime, policy: DeadlinePolicy | None = None) -> duetime.DueTime:
    """The due time a policy would give for a start, e.g. to propose the follow-up meeting."""
    policy = policy or DeadlinePolicy.objects.get(kind=kind)
    return duetime.compute_due(
        start=start,
        amount=policy.amount,
        unit=duetime.Unit(policy.unit),
        mode=duetime.CalendarMode(policy.calendar),
        calendar=_calendar_for(start),
        start_is_day_one=policy.start_is_day_one,
    )


_fmt = clock.fmt


def calendar_around(*moments: datetime) -> duetime.WorkCalendar:
    """A calendar that covers every year these moments (and a due time a year later) can reach."""
    years = [timezone.localtime(moment).year for moment in moments if moment is not None]
    return work_calendar(years=range(min(years) - 1, max(years) + 2))


def _write(deadline: Deadline, effects: clock.Effects, *, actor) -> None:
    """Store what a transition did: its events (with the occurrence) and its lines on the timeline."""
    DeadlineEvent.objects.bulk_create([
        DeadlineEvent(deadline=deadline, at=at, actor=actor, kind=kind, note=note, occurrence=deadline.occurrence)
        for kind, at, note in effects.events
    ])
    for kind, at, summary in effects.timeline:
        if kind == "deadline_breached":
            # The breach is the system's fact, not the actor's (before a late meeting it lies in the
            # past): at its own time, without moving the case's last activity.
            CaseEvent.objects.create(case=deadline.case, actor=None, kind=kind, summary=summary[:500], at=at)
        else:
            event_record(case=deadline.case, actor=actor, kind=kind, summary=summary, at=at)


def _transition(deadline: Deadline, *, actor, change: Callable[[Deadline, datetime], clock.Effects]) -> Deadline:
    """Run one state-machine transition on the locked row: a concurrent sweep, double click or second
    worker waits for the lock and then sees the new state."""
    with transaction.atomic():
        row = Deadline.objects.select_for_update(of=("self",)).select_related("policy", "case").get(pk=deadline.pk)
        effects = change(row, timezone.now())
        if effects.events or effects.timeline:
            row.save(update_fields=list(clock.FIELDS))
            _write(row, effects, actor=actor)
    return row


@transaction.atomic
def deadline_open(
    *,
    case: Case,
    kind: str,
    start: datetime,
    actor=None,
    title: str = "",
    due_at: datetime | None = None,
    owner=None,
) -> Deadline | None:
    """Start a clock. None when the policy is switched off."""
    policy = DeadlinePolicy.objects.filter(kind=kind, active=True).first()
    if policy is None:
        return None
    if due_at is None:
        due = deadline_preview(kind=kind, start=start, policy=policy)
        due_at, derivation = due.due_at, due.explain()
    else:
        derivation = _("Agreed date: %(due)s") % {"due": _fmt(due_at)}
    deadline = Deadline(
        case=case, policy=policy, kind=kind, title=title[:300], owner=owner, start_at=start, due_at=due_at,
        derivation=derivation[:500],
    )
    effects = clock.start(deadline, policy=policy, now=timezone.now())
    deadline.save()
    _write(deadline, effects, actor=actor)
    return deadline


def deadline_meet_one(*, deadline: Deadline, at: datetime, actor=None, by: str) -> Deadline:
    """Met at `at`, the moment it really happened (a meeting's held time). An already finished clock is
    left as it is, so a repeated call is harmless."""
    def change(row: Deadline, now: datetime) -> clock.Effects:
        if not row.is_unfinished:
            return clock.Effects()
        return clock.meet(row, now=now, at=at, by=by, policy=row.policy,
                          calendar=calendar_around(row.paused_at or at, at, row.due_at))

    return _transition(deadline, actor=actor, change=change)


def deadline_meet(*, case: Case, kinds: Iterable[str], at: datetime, actor=None, by: str) -> list[Deadline]:
    """Meet every unfinished clock of these kinds on the case that had started by `at` (holding a meeting
    meets the clocks running then, not a follow-up clock a later meeting started). Held times are typed
    to the minute, so a clock that started within that minute counts as started (a case opened at 10:00:40
    and its meeting registered as held at 10:00)."""
    started_by = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return [
        deadline_meet_one(deadline=deadline, at=at, actor=actor, by=by)
        for deadline in case.deadlines.unfinished().filter(kind__in=list(kinds), start_at__lt=started_by)
    ]


def deadline_cancel(*, deadline: Deadline, actor=None, reason: str) -> Deadline:
    def change(row: Deadline, now: datetime) -> clock.Effects:
        return clock.cancel(row, now=now, reason=reason) if row.is_unfinished else clock.Effects()

    return _transition(deadline, actor=actor, change=change)


def deadline_pause(*, deadline: Deadline, actor, reason: str) -> Deadline:
    """Stop the clock while waiting for something; the paused time is added on resume."""
    return _transition(deadline, actor=actor, change=lambda row, now: clock.pause(row, now=now, reason=reason))


def deadline_resume(*, deadline: Deadline, actor) -> Deadline:
    def change(row: Deadline, now: datetime) -> clock.Effects:
        calendar = calendar_around(row.paused_at, now, row.due_at) if row.paused_at else None
        return clock.resume(row, policy=row.policy, now=now, calendar=calendar)

    return _transition(deadline, actor=actor, change=change)


def deadline_extend(*, deadline: Deadline, actor, new_due_at: datetime, reason: str) -> Deadline:
    return _transition(deadline, actor=actor, change=lambda row, now: clock.extend(
        row, policy=row.policy, now=now, new_due_at=new_due_at, reason=reason))


def deadline_reschedule(*, deadline: Deadline, actor, start: datetime, why: str) -> Deadline:
    """Recompute the due time from a corrected start (first contact, first absence day, request time)."""
    def change(row: Deadline, now: datetime) -> clock.Effects:
        if not row.is_unfinished:
            return clock.Effects()
        due = deadline_preview(kind=row.kind, start=start, policy=row.policy)
        return clock.reschedule(row, policy=row.policy, now=now, start_at=start, due_at=due.due_at,
                                derivation=due.explain(), why=why)

    return _transition(deadline, actor=actor, change=change)


def start_of_day(day: date) -> datetime:
    """A day-based clock starts at 00:00 local time on its day."""
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def deadlines_on_case_open(*, case: Case, actor) -> None:
    """Opening a case starts the first-meeting clock, and the statutory clocks that run from the
    first absence day when it is known."""
    deadline_open(case=case, kind=Kind.FIRST_MEETING, start=case.first_contact_at, actor=actor)
    if case.first_absence_day:
        start = start_of_day(case.first_absence_day)
        deadline_open(case=case, kind=Kind.ORDINARY_FOLLOW_UP, start=start, actor=actor)
        deadline_open(case=case, kind=Kind.ABSENCE_CONVERSATION, start=start, actor=actor)
        deadline_open(case=case, kind=Kind.REASSESSMENT, start=start, actor=actor)


def deadlines_on_case_close(*, case: Case, actor) -> None:
    for deadline in case.deadlines.unfinished():
        deadline_cancel(deadline=deadline, actor=actor, reason=_("case closed"))


def deadline_time_left(deadline: Deadline, now: datetime | None = None) -> timedelta:
    return deadline.due_at - (now or timezone.now())


# Clocks that no other part of the product meets: the consultant records when they were met.
MANUALLY_MET = (Kind.INFORMATION_FORM, Kind.ABSENCE_CONVERSATION, Kind.ORDINARY_FOLLOW_UP, Kind.FAST_TRACK,
                Kind.FOLLOW_UP_TASK, Kind.REASSESSMENT)


def deadline_record_met(*, deadline: Deadline, actor, at: datetime, note: str = "") -> Deadline:
    """The consultant records that a clock was met outside the product (a form came back, the
    employer held the absence conversation, the first follow-up conversation took place)."""
    if deadline.kind not in MANUALLY_MET:
        raise ValidationError(_("This deadline is met by the product itself (e.g. by holding a meeting)."))
    if at > timezone.now():
        raise ValidationError({"at": _("The time cannot be in the future.")})
    if at < deadline.start_at:
        raise ValidationError({"at": _("The time cannot be before the deadline started.")})
    if not deadline.is_unfinished:
        raise ValidationError(_("The deadline is already finished."))
    by = note.strip() or _("recorded by the consultant")
    return deadline_meet_one(deadline=deadline, at=at, actor=actor, by=by)


def information_form_sent(*, case: Case, actor, sent_at: datetime) -> Deadline | None:
    """The information form went to the citizen: its 8-day answer clock starts (SDL § 11). A double
    submit (same time) gives the same clock back; the case row lock and a partial unique index keep it
    to one running clock even when two requests arrive together."""
    if sent_at > timezone.now():
        raise ValidationError({"sent_at": _("The time cannot be in the future.")})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise ValidationError(_("The case is closed."))
        running = locked.deadlines.unfinished().filter(kind=Kind.INFORMATION_FORM).first()
        if running is not None:
            if running.start_at == sent_at:
                return running
            raise ValidationError(_("An information form is already waiting for an answer."))
        try:
            with transaction.atomic():
                return deadline_open(case=locked, kind=Kind.INFORMATION_FORM, start=sent_at, actor=actor)
        except IntegrityError:  # a concurrent request won the race (databases without row locks)
            return locked.deadlines.unfinished().get(kind=Kind.INFORMATION_FORM)


def duration_text(delta: timedelta) -> str:
    """'2 d 4 t' style: whole days and hours, or hours and minutes under a day."""
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


def deadline_status_text(deadline: Deadline, now: datetime | None = None) -> str:
    """What the case page says next to a deadline: time left, overdue by, or when it was met."""
    now = now or timezone.now()
    if deadline.state == Deadline.State.MET:
        on_time = deadline.met_at <= deadline.due_at
        return (_("met on time %(at)s") if on_time else _("met late %(at)s")) % {"at": _fmt(deadline.met_at)}
    if deadline.state == Deadline.State.CANCELLED:
        return ""  # the state badge next to it says so; saying it twice reads as a stammer
    if deadline.state == Deadline.State.PAUSED:
        return _("paused since %(at)s: %(reason)s") % {"at": _fmt(deadline.paused_at), "reason": deadline.pause_reason}
    left = deadline.due_at - now
    if left.total_seconds() >= 0:
        return _("%(left)s left") % {"left": duration_text(left)}
    return _("%(over)s overdue") % {"over": duration_text(left)}
