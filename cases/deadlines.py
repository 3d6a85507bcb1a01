"""The deadline engine's services: open, meet, pause, extend and cancel clocks on a case.

Due times come from the pure functions in `cases.duetime`; the policies and extra closed days are
data (admin). The sweep that warns, breaches, escalates and reminds lives in `cases.sweep`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import duetime
from .audit import event_record
from .models import Case, ClosedDay, Deadline, DeadlineEvent, DeadlinePolicy

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


def _next_check(deadline: Deadline, policy: DeadlinePolicy) -> datetime:
    return min(deadline.due_at - policy.warn_before, deadline.due_at)


def _log(deadline: Deadline, *, kind: str, actor=None, note: str = "", at: datetime | None = None) -> None:
    DeadlineEvent.objects.create(deadline=deadline, at=at or timezone.now(), actor=actor, kind=kind, note=note[:500])


def _case_event(deadline: Deadline, *, actor, summary: str, kind: str) -> None:
    event_record(case=deadline.case, actor=actor, kind=kind, summary=summary)


def _fmt(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


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
    deadline.next_check_at = _next_check(deadline, policy)
    deadline.save()
    _log(deadline, kind="opened", actor=actor, note=derivation)
    _case_event(
        deadline, actor=actor, kind="deadline_opened",
        summary=_("Deadline started: %(title)s, due %(due)s.") % {"title": deadline.display_title, "due": _fmt(due_at)},
    )
    return deadline


def _finish(deadline: Deadline, *, state: str, at: datetime, actor, note: str, by: str = "") -> Deadline:
    deadline.state = state
    deadline.next_check_at = None
    fields = ["state", "next_check_at"]
    if state == Deadline.State.MET:
        deadline.met_at, deadline.met_by = at, by[:200]
        fields += ["met_at", "met_by"]
    deadline.save(update_fields=fields)
    _log(deadline, kind=state, actor=actor, note=note, at=at)
    return deadline


@transaction.atomic
def deadline_meet_one(*, deadline: Deadline, at: datetime, actor=None, by: str) -> Deadline:
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if not deadline.is_unfinished:
        return deadline
    _finish(deadline, state=Deadline.State.MET, at=at, actor=actor, note=by, by=by)
    late = at > deadline.due_at
    _case_event(
        deadline, actor=actor, kind="deadline_met",
        summary=(_("Deadline met late: %(title)s (%(by)s).") if late else _("Deadline met: %(title)s (%(by)s)."))
        % {"title": deadline.display_title, "by": by},
    )
    return deadline


def deadline_meet(*, case: Case, kinds: Iterable[str], at: datetime, actor=None, by: str) -> list[Deadline]:
    """Meet every unfinished clock of these kinds on the case (e.g. holding a meeting)."""
    return [
        deadline_meet_one(deadline=deadline, at=at, actor=actor, by=by)
        for deadline in case.deadlines.unfinished().filter(kind__in=list(kinds))
    ]


@transaction.atomic
def deadline_cancel(*, deadline: Deadline, actor=None, reason: str) -> Deadline:
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if not deadline.is_unfinished:
        return deadline
    _finish(deadline, state=Deadline.State.CANCELLED, at=timezone.now(), actor=actor, note=reason)
    _case_event(
        deadline, actor=actor, kind="deadline_cancelled",
        summary=_("Deadline cancelled: %(title)s (%(reason)s).") % {"title": deadline.display_title, "reason": reason},
    )
    return deadline


@transaction.atomic
def deadline_pause(*, deadline: Deadline, actor, reason: str) -> Deadline:
    """Stop the clock while waiting for something; the paused time is added on resume."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the pause.")})
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.state not in (Deadline.State.OPEN, Deadline.State.BREACHED):
        raise ValidationError(_("Only a running deadline can be paused."))
    deadline.state = Deadline.State.PAUSED
    deadline.paused_at = timezone.now()
    deadline.pause_reason = reason[:300]
    deadline.next_check_at = None
    deadline.save(update_fields=["state", "paused_at", "pause_reason", "next_check_at"])
    _log(deadline, kind="paused", actor=actor, note=reason)
    _case_event(deadline, actor=actor, kind="deadline_paused",
                summary=_("Deadline paused: %(title)s (%(reason)s).") % {"title": deadline.display_title, "reason": reason})
    return deadline


@transaction.atomic
def deadline_resume(*, deadline: Deadline, actor) -> Deadline:
    deadline = Deadline.objects.select_for_update().select_related("policy").get(pk=deadline.pk)
    if deadline.state != Deadline.State.PAUSED:
        raise ValidationError(_("The deadline is not paused."))
    now = timezone.now()
    paused_for = now - deadline.paused_at
    deadline.due_at += paused_for
    deadline.state = Deadline.State.OPEN if deadline.due_at > now else Deadline.State.BREACHED
    deadline.derivation = (deadline.derivation + " " + _("+ paused %(hours)s h") % {
        "hours": round(paused_for.total_seconds() / 3600, 1)})[:500]
    deadline.next_check_at = now if deadline.state == Deadline.State.BREACHED else _next_check(deadline, deadline.policy)
    deadline.paused_at = None
    deadline.save(update_fields=["due_at", "state", "derivation", "next_check_at", "paused_at"])
    _log(deadline, kind="resumed", actor=actor)
    _case_event(deadline, actor=actor, kind="deadline_resumed",
                summary=_("Deadline resumed: %(title)s, now due %(due)s.") % {
                    "title": deadline.display_title, "due": _fmt(deadline.due_at)})
    return deadline


@transaction.atomic
def deadline_extend(*, deadline: Deadline, actor, new_due_at: datetime, reason: str) -> Deadline:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the extension.")})
    deadline = Deadline.objects.select_for_update().select_related("policy").get(pk=deadline.pk)
    if not deadline.is_unfinished:
        raise ValidationError(_("Only an unfinished deadline can be extended."))
    now = timezone.now()
    if new_due_at <= now:
        raise ValidationError({"new_due_at": _("The new due time must lie in the future.")})
    if new_due_at <= deadline.due_at:
        raise ValidationError({"new_due_at": _("An extension must move the due time later.")})
    old = deadline.due_at
    deadline.due_at = new_due_at
    deadline.derivation = (_("Extended from %(old)s: %(reason)s") % {"old": _fmt(old), "reason": reason})[:500]
    if deadline.state == Deadline.State.BREACHED:
        deadline.state = Deadline.State.OPEN
    deadline.warned_at = None
    deadline.next_check_at = _next_check(deadline, deadline.policy)
    deadline.save(update_fields=["due_at", "derivation", "state", "warned_at", "next_check_at"])
    _log(deadline, kind="extended", actor=actor, note=reason)
    _case_event(deadline, actor=actor, kind="deadline_extended",
                summary=_("Deadline extended: %(title)s, from %(old)s to %(new)s (%(reason)s).") % {
                    "title": deadline.display_title, "old": _fmt(old), "new": _fmt(new_due_at), "reason": reason})
    return deadline


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def deadlines_on_case_open(*, case: Case, actor) -> None:
    """Opening a case starts the first-meeting clock, and the statutory clocks that run from the
    first absence day when it is known."""
    deadline_open(case=case, kind=Kind.FIRST_MEETING, start=case.first_contact_at, actor=actor)
    if case.first_absence_day:
        start = _start_of_day(case.first_absence_day)
        deadline_open(case=case, kind=Kind.ORDINARY_FOLLOW_UP, start=start, actor=actor)
        deadline_open(case=case, kind=Kind.ABSENCE_CONVERSATION, start=start, actor=actor)


def deadlines_on_case_close(*, case: Case, actor) -> None:
    for deadline in case.deadlines.unfinished():
        deadline_cancel(deadline=deadline, actor=actor, reason=_("case closed"))


def deadline_time_left(deadline: Deadline, now: datetime | None = None) -> timedelta:
    return deadline.due_at - (now or timezone.now())


# Clocks that no other part of the product meets: the consultant records when they were met.
MANUALLY_MET = (Kind.INFORMATION_FORM, Kind.ABSENCE_CONVERSATION, Kind.ORDINARY_FOLLOW_UP, Kind.FAST_TRACK,
                Kind.FOLLOW_UP_TASK)


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
    """The information form went to the citizen: its 8-day answer clock starts (SDL § 11)."""
    if sent_at > timezone.now():
        raise ValidationError({"sent_at": _("The time cannot be in the future.")})
    if not case.is_open:
        raise ValidationError(_("The case is closed."))
    if case.deadlines.unfinished().filter(kind=Kind.INFORMATION_FORM).exists():
        raise ValidationError(_("An information form is already waiting for an answer."))
    return deadline_open(case=case, kind=Kind.INFORMATION_FORM, start=sent_at, actor=actor)


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
        return _("cancelled")
    if deadline.state == Deadline.State.PAUSED:
        return _("paused since %(at)s: %(reason)s") % {"at": _fmt(deadline.paused_at), "reason": deadline.pause_reason}
    left = deadline.due_at - now
    if left.total_seconds() >= 0:
        return _("%(left)s left") % {"left": duration_text(left)}
    return _("%(over)s overdue") % {"over": duration_text(left)}
