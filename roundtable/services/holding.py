"""The meeting took place: when it was held (not when someone clicked), the clocks it meets, and
the follow-up meeting that counts from it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import deadlines
from cases.models import DeadlinePolicy
from cases.services import event_record

from ..models import Meeting
from . import _fmt
from .clocks import clocks_met_by
from .scheduling import ParticipantData, SlotData, meeting_schedule

Kind = DeadlinePolicy.Kind
# Held meetings of these kinds start the four-week follow-up clock (Helsingør: a follow-up is agreed four
# weeks after each roundtable and each care conversation).
FOLLOW_UP_AFTER = (Meeting.Kind.ROUNDTABLE, Meeting.Kind.FOLLOW_UP, Meeting.Kind.CARE)
# A held time typed to the minute may lie up to a minute ahead of the server's clock.
_TYPING_SLACK = timedelta(minutes=1)


def _validate_held_at(meeting: Meeting, at: datetime) -> None:
    if at > timezone.now() + _TYPING_SLACK:
        raise ValidationError({"held_at": _("A meeting cannot be marked as held in the future.")})
    # The form has minutes only: a meeting booked at 10:00:40 may be held "10:00".
    booked = meeting.created_at.replace(second=0, microsecond=0)
    if at < booked:
        raise ValidationError({"held_at": _("The meeting cannot have been held before it was booked (%(when)s).") % {
            "when": _fmt(meeting.created_at)}})


@transaction.atomic
def meeting_hold(*, meeting: Meeting, actor, at: datetime | None = None) -> Meeting:
    """The meeting took place at `at` (default: now). It meets the clocks of its kind at that time,
    so a meeting registered after the fact is on time or late by when it was held, and a roundtable
    or follow-up meeting starts the next follow-up clock from then. A care conversation
    (workplace-wide) touches no clock."""
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    at = at or timezone.now()
    if meeting.state == Meeting.State.HELD and meeting.held_at == at:
        return meeting  # a double submit of the same registration
    meeting.transition(Meeting.State.HELD)
    _validate_held_at(meeting, at)
    meeting.held_at = at
    meeting.save(update_fields=["state", "held_at"])
    by = _("%(kind)s held %(when)s") % {"kind": meeting.get_kind_display().capitalize(), "when": _fmt(at)}
    event_record(case=meeting.case, actor=actor, kind="meeting_held", summary=by + ".")
    kinds = clocks_met_by(meeting.kind)
    if kinds:
        deadlines.deadline_meet(case=meeting.case, kinds=kinds, at=at, actor=actor, by=by)
    if meeting.kind in FOLLOW_UP_AFTER:
        deadlines.deadline_open(case=meeting.case, kind=Kind.FOLLOW_UP, start=at, actor=actor)
    return meeting


def follow_up_proposal(meeting: Meeting) -> datetime:
    """Four weeks after the meeting was held (the follow-up policy): the last working day the clock
    allows, at the time of day the meeting was booked for."""
    start = meeting.held_at or meeting.starts_at
    try:
        due = deadlines.deadline_preview(kind=Kind.FOLLOW_UP, start=start).due_at
    except DeadlinePolicy.DoesNotExist:
        due = start + timedelta(weeks=4)
    at = timezone.localtime(meeting.starts_at).time().replace(second=0, microsecond=0)
    day = timezone.localtime(due).date()
    while True:
        candidate = timezone.make_aware(datetime.combine(day, at))
        if candidate <= due and day.weekday() < 5:
            return candidate
        day -= timedelta(days=1)


@transaction.atomic
def follow_up_book(*, meeting: Meeting, actor, starts_at: datetime | None = None, accept_late: bool = False) -> Meeting:
    """Book the follow-up meeting in one step: same place and participants, the proposed time.

    Idempotent: the meeting row is locked, so a double click books one follow-up and sends one
    round of invitations; the second click gets the meeting the first one booked. A cancelled
    follow-up can be replaced by a new one."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("case").get(pk=meeting.pk)
    # Read the follow-up in its own statement: on PostgreSQL a row joined into the locking query is
    # read from that query's snapshot, before the other click's follow-up existed.
    existing = Meeting.objects.filter(pk=meeting.follow_up_id).first() if meeting.follow_up_id else None
    if existing is not None and existing.state != Meeting.State.CANCELLED:
        return existing
    if meeting.state != Meeting.State.HELD:
        raise ValidationError(_("Hold the meeting before booking its follow-up."))
    starts_at = starts_at or follow_up_proposal(meeting)
    follow_up = meeting_schedule(
        case=meeting.case, actor=actor, kind=Meeting.Kind.FOLLOW_UP, accept_late=accept_late,
        slot=SlotData(starts_at=starts_at, duration_minutes=meeting.duration_minutes, place_kind=meeting.place_kind,
                      place=meeting.place, online_link=meeting.online_link),
        participants=[ParticipantData(role=p.role, name=p.name, email=p.email, title=p.title)
                      for p in meeting.participants.all()],
    )
    meeting.follow_up = follow_up
    meeting.save(update_fields=["follow_up"])
    return follow_up
