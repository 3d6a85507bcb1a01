"""Booking, moving and cancelling a meeting. Every change of time or place is a MeetingSlot row
(the history), sends the participants a calendar update through the outbox, and is checked
against the case clocks the meeting should meet (`clocks.clocks_check`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services import event_record

from ..models import CalendarHold, Meeting, MeetingSlot, Participant
from . import _fmt, _send_invitations
from .clocks import clocks_check


@dataclass
class ParticipantData:
    role: str
    name: str
    email: str = ""
    title: str = ""


@dataclass
class SlotData:
    starts_at: datetime
    duration_minutes: int = 60
    place_kind: str = Meeting.PlaceKind.WORKPLACE
    place: str = ""
    online_link: str = ""


def _validate_slot(slot: SlotData) -> None:
    errors = {}
    if slot.starts_at is None:
        errors["starts_at"] = _("Choose the time of the meeting.")
    elif slot.starts_at < timezone.now() - timedelta(minutes=5):
        errors["starts_at"] = _("The meeting cannot be scheduled in the past.")
    if not 10 <= (slot.duration_minutes or 0) <= 8 * 60:
        errors["duration_minutes"] = _("The duration must be between 10 minutes and 8 hours.")
    if slot.place_kind not in Meeting.PlaceKind.values:
        errors["place_kind"] = _("Choose where the meeting is held.")
    elif slot.place_kind == Meeting.PlaceKind.ONLINE and not slot.online_link:
        errors["online_link"] = _("An online meeting needs a link.")
    elif slot.place_kind in (Meeting.PlaceKind.WORKPLACE, Meeting.PlaceKind.OTHER) and not slot.place.strip():
        errors["place"] = _("Write the address or room.")
    if errors:
        raise ValidationError(errors)


def _apply_slot_fields_only(meeting: Meeting, slot: SlotData) -> None:
    meeting.starts_at = slot.starts_at
    meeting.duration_minutes = slot.duration_minutes
    meeting.place_kind = slot.place_kind
    meeting.place = slot.place.strip()
    meeting.online_link = slot.online_link.strip()


def _slot_record(meeting: Meeting, *, actor, reason: str = "") -> MeetingSlot:
    return MeetingSlot.objects.create(
        meeting=meeting, starts_at=meeting.starts_at, duration_minutes=meeting.duration_minutes,
        place_kind=meeting.place_kind, place=meeting.place, online_link=meeting.online_link, reason=reason[:300],
        created_by=actor,
    )


def _check_alone(kind: str, people: list[ParticipantData]) -> None:
    """A coaching conversation is the consultant and the employee alone."""
    if kind not in Meeting.EMPLOYEE_ALONE:
        return
    others = [p.name.strip() for p in people if p.role not in Meeting.ALONE_ROLES]
    if others:
        raise ValidationError({"participants": _(
            "A coaching conversation is with the employee alone. Remove %(names)s from the participants.") % {
            "names": ", ".join(others)}})
    if not any(p.role == Participant.Role.EMPLOYEE for p in people):
        raise ValidationError({"participants": _("A coaching conversation needs the employee as participant.")})


@transaction.atomic
def meeting_schedule(
    *, case: Case, actor, kind: str, slot: SlotData, participants: list[ParticipantData], send: bool = True,
    accept_late: bool = False,
) -> Meeting:
    """Book a meeting and invite everyone with an e-mail address (an .ics invitation each).

    A start after a clock the meeting should meet is refused (code `after_deadline`) unless
    `accept_late`; the confirmed choice is recorded on the timeline."""
    if not case.is_open:
        raise ValidationError(_("Meetings can only be booked on an open case."))
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of meeting.")})
    _validate_slot(slot)
    people = [p for p in participants if p.name.strip() or p.email.strip()]
    for person in people:
        if not person.name.strip():
            raise ValidationError({"participants": _("Every participant needs a name.")})
        if person.role not in Participant.Role.values:
            raise ValidationError({"participants": _("Choose a role for %(name)s.") % {"name": person.name}})
    if not people:
        raise ValidationError({"participants": _("Add at least one participant.")})
    if kind == Meeting.Kind.CASE_CONFERENCE:
        from .conference import conference_participants_check

        conference_participants_check(people)
    _check_alone(kind, people)
    clocks_check(case=case, meeting_kind=kind, starts_at=slot.starts_at, actor=actor, accept_late=accept_late)
    meeting = Meeting(case=case, kind=kind, organiser=actor, starts_at=slot.starts_at)
    _apply_slot_fields_only(meeting, slot)
    meeting.save()
    _slot_record(meeting, actor=actor)
    Participant.objects.bulk_create(
        [Participant(meeting=meeting, role=p.role, name=p.name.strip(), email=p.email.strip(), title=p.title.strip())
         for p in people]
    )
    event_record(
        case=case, actor=actor, kind="meeting_scheduled",
        summary=_("%(kind)s booked for %(when)s (%(place)s).") % {
            "kind": meeting.get_kind_display().capitalize(), "when": _fmt(meeting.starts_at), "place": meeting.place_display},
    )
    if send:
        _send_invitations(meeting, event="invite")
    return meeting


def _holds_follow(meeting: Meeting) -> None:
    """A self-booked meeting moved by the consultant takes its calendar hold along (roundtable/selfbooking).
    On PostgreSQL the exclusion constraint refuses a time that overlaps another booking."""
    try:
        with transaction.atomic():
            CalendarHold.objects.filter(meeting=meeting, cancelled_at__isnull=True).update(
                starts_at=meeting.starts_at, ends_at=meeting.ends_at)
    except IntegrityError:
        raise ValidationError({"starts_at": _("The new time overlaps another booking in your calendar.")}) from None


@transaction.atomic
def meeting_move(*, meeting: Meeting, actor, slot: SlotData, reason: str = "", accept_late: bool = False) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    meeting.transition(Meeting.State.MOVED)
    _validate_slot(slot)
    clocks_check(case=meeting.case, meeting_kind=meeting.kind, starts_at=slot.starts_at, actor=actor,
                 accept_late=accept_late, meeting=meeting)
    old = _fmt(meeting.starts_at)
    _apply_slot_fields_only(meeting, slot)
    _holds_follow(meeting)
    _slot_record(meeting, actor=actor, reason=reason)
    meeting.sequence += 1
    meeting.save()
    # A new time asks for a new answer.
    meeting.participants.update(answer="", answer_comment="", answered_at=None)
    event_record(
        case=meeting.case, actor=actor, kind="meeting_moved",
        summary=_("%(kind)s moved from %(old)s to %(new)s (%(place)s).") % {
            "kind": meeting.get_kind_display().capitalize(), "old": old, "new": _fmt(meeting.starts_at),
            "place": meeting.place_display},
    )
    _send_invitations(meeting, event="move")
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor, reason: str) -> Meeting:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for cancelling the meeting.")})
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    meeting.transition(Meeting.State.CANCELLED)
    meeting.cancel_reason = reason.strip()[:300]
    # A self-booked time (roundtable/selfbooking) is free again.
    CalendarHold.objects.filter(meeting=meeting, cancelled_at__isnull=True).update(cancelled_at=timezone.now())
    meeting.sequence += 1
    meeting.save()
    event_record(
        case=meeting.case, actor=actor, kind="meeting_cancelled",
        summary=_("%(kind)s on %(when)s cancelled: %(reason)s") % {
            "kind": meeting.get_kind_display().capitalize(), "when": _fmt(meeting.starts_at), "reason": meeting.cancel_reason},
    )
    _send_invitations(meeting, event="cancel")
    return meeting
