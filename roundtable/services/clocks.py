"""Which case clocks a meeting meets, and the warning before a meeting is booked past one of them.

A consultant may have good reasons to book a meeting after a deadline (the employer is away, the
employee is in hospital), but it must be a choice made knowingly: the service refuses a late time
until it is confirmed, and the timeline records the confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.deadlines import duration_text
from cases.models import Case, Deadline, DeadlinePolicy
from cases.services import event_record

from ..models import Meeting

Kind = DeadlinePolicy.Kind
LATE_CODE = "after_deadline"

_ROUNDTABLE_CLOCKS = (Kind.FIRST_MEETING, Kind.FOLLOW_UP, Kind.FAST_TRACK, Kind.WISHED_ROUNDTABLE)
MEETING_CLOCKS: dict[str, tuple[str, ...]] = {
    Meeting.Kind.ROUNDTABLE: _ROUNDTABLE_CLOCKS,
    Meeting.Kind.FOLLOW_UP: _ROUNDTABLE_CLOCKS,
    # The first talk with the employee (Lyngby-Taarbæk) is the first meeting; the roundtable the
    # employer wished still has to follow.
    Meeting.Kind.START: (Kind.FIRST_MEETING, Kind.FAST_TRACK),
    # Helsingør's care conversation is a roundtable under a gentler name ("indkaldes ... til en
    # rundbordssamtale ... vælger arbejdsgiver at kalde det en omsorgssamtale"): it meets the same clocks.
    Meeting.Kind.CARE: _ROUNDTABLE_CLOCKS,
}


def clocks_met_by(meeting_kind: str) -> tuple[str, ...]:
    """The deadline kinds a meeting of this kind meets when it is held."""
    return MEETING_CLOCKS.get(meeting_kind, ())


def _meeting_kinds_meeting(deadline_kind: str) -> list[str]:
    return [kind for kind, clocks in MEETING_CLOCKS.items() if deadline_kind in clocks]


def _local(moment: datetime) -> str:
    from django.utils import timezone
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "D j/n Y H:i")


@dataclass(frozen=True)
class LateClock:
    deadline: Deadline
    starts_at: datetime

    @property
    def over_by(self) -> timedelta:
        return self.starts_at - self.deadline.due_at

    def message(self) -> str:
        return _("The meeting lies after the deadline for %(title)s (%(due)s): the deadline is exceeded by %(over)s.") % {
            "title": self.deadline.display_title, "due": _local(self.deadline.due_at), "over": duration_text(self.over_by)}


def clocks_missed(*, case: Case, meeting_kind: str, starts_at: datetime, meeting: Meeting | None = None) -> list[LateClock]:
    """The running clocks this meeting should meet but would start after. A clock that another
    booked meeting meets in time is not missed by this one."""
    kinds = clocks_met_by(meeting_kind)
    if not kinds:
        return []
    late = []
    running = case.deadlines.filter(kind__in=kinds, state__in=(Deadline.State.OPEN, Deadline.State.BREACHED),
                                    due_at__lt=starts_at).order_by("due_at")
    for deadline in running:
        others = case.meetings.filter(state__in=(Meeting.State.INVITED, Meeting.State.MOVED),
                                      kind__in=_meeting_kinds_meeting(deadline.kind), starts_at__lte=deadline.due_at)
        if meeting is not None:
            others = others.exclude(pk=meeting.pk)
        if not others.exists():
            late.append(LateClock(deadline=deadline, starts_at=starts_at))
    return late


def clocks_check(
    *, case: Case, meeting_kind: str, starts_at: datetime, actor, accept_late: bool, meeting: Meeting | None = None,
    field: str = "starts_at",
) -> list[LateClock]:
    """Refuse a start after a clock the meeting should meet, unless the consultant confirmed it;
    a confirmed choice goes on the timeline. Call inside the booking's transaction."""
    late = clocks_missed(case=case, meeting_kind=meeting_kind, starts_at=starts_at, meeting=meeting)
    if late and not accept_late:
        raise ValidationError({field: [ValidationError(item.message(), code=LATE_CODE) for item in late]})
    for item in late:
        event_record(
            case=case, actor=actor, kind="meeting_after_deadline",
            summary=_("Meeting on %(when)s booked after the deadline for %(title)s (%(due)s) by choice: "
                      "the deadline is exceeded by %(over)s.") % {
                "when": _local(starts_at), "title": item.deadline.display_title, "due": _local(item.deadline.due_at),
                "over": duration_text(item.over_by)},
        )
    return late


def is_late_refusal(error: ValidationError) -> bool:
    """Whether a service refused a time only because it lies after a clock (the form then offers
    the confirmation)."""
    return hasattr(error, "error_dict") and any(
        e.code == LATE_CODE for errors in error.error_dict.values() for e in errors)
