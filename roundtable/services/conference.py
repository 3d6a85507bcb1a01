"""Hjørring and Roskilde: the interdisciplinary case conference. The consultant and the specialists
(psychologist, nurse, physiotherapist, occupational physician...) meet without the employee and the
employer, decide offers from the catalogue, and agree when each starts. Each start is a clock on the
case (kind `intervention_start`, due on the agreed start); registering the start meets it, and the
results page counts the time from first contact to the first started intervention from those clocks.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import deadlines
from cases.models import DeadlinePolicy
from cases.services import event_record

from ..models import Meeting, Offer, OfferStart, Participant

Kind = DeadlinePolicy.Kind
# Roskilde: "Indsatsen sættes i gang ugen efter rundbordssamtalen."
DEFAULT_START_AFTER = timedelta(weeks=1)
# Who may sit at a case conference: the employee and the employer are not there.
CONFERENCE_ROLES = (Participant.Role.CONSULTANT, Participant.Role.SPECIALIST, Participant.Role.GP)


def conference_participants_check(people) -> None:
    """A case conference is held without the employee and the employer, with at least one specialist."""
    if any(p.role not in CONFERENCE_ROLES for p in people):
        raise ValidationError({"participants": _(
            "A case conference is held without the employee and the employer: invite the consultant and the "
            "specialists only.")})
    if not any(p.role == Participant.Role.SPECIALIST for p in people):
        raise ValidationError({"participants": _("Add at least one specialist (e.g. a psychologist or a "
                                                 "physiotherapist).")})


def default_start(meeting: Meeting) -> date:
    """The week after the conference (Roskilde), as a working day."""
    day = timezone.localtime(meeting.held_at or meeting.starts_at).date() + DEFAULT_START_AFTER
    calendar = deadlines.work_calendar(years=[day.year, day.year + 1])
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _due_at(day: date) -> datetime:
    """A start agreed for a day is due by the end of that working day, 16:00 local time."""
    return timezone.make_aware(datetime.combine(day, time(16, 0)))


@transaction.atomic
def offer_decide(*, meeting: Meeting, actor, offer: Offer, start_on: date | None = None,
                 course_weeks: int | None = None) -> OfferStart:
    """Record an offer decided at the case conference and start the clock for its start."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("case").get(pk=meeting.pk)
    errors = {}
    if meeting.kind != Meeting.Kind.CASE_CONFERENCE:
        raise ValidationError(_("Offers with a start are decided at a case conference."))
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(_("The meeting is cancelled."))
    if not meeting.case.is_open:
        raise ValidationError(_("The case is closed."))
    if not offer.active:
        errors["offer"] = _("Choose an active offer from the catalogue.")
    start_on = start_on or default_start(meeting)
    if start_on < timezone.localdate(meeting.held_at or meeting.starts_at):
        errors["start_on"] = _("The start cannot lie before the case conference.")
    if course_weeks is not None and not 1 <= course_weeks <= 52:
        errors["course_weeks"] = _("The course lasts between 1 and 52 weeks.")
    if errors:
        raise ValidationError(errors)
    decided = OfferStart.objects.create(meeting=meeting, offer=offer, start_on=start_on, course_weeks=course_weeks,
                                        decided_by=actor)
    decided.deadline = deadlines.deadline_open(
        case=meeting.case, kind=Kind.INTERVENTION_START, start=timezone.now(), actor=actor, due_at=_due_at(start_on),
        owner=meeting.case.consultant or actor,
        title=_("Start of %(offer)s") % {"offer": offer.name},
    )
    decided.save(update_fields=["deadline"])
    return decided


@transaction.atomic
def offer_started(*, decided: OfferStart, actor, at: datetime | None = None) -> OfferStart:
    """The intervention started (at `at`, default now): the start's clock is met then."""
    decided = OfferStart.objects.select_for_update(of=("self",)).select_related("meeting__case", "offer").get(pk=decided.pk)
    if decided.started_at is not None:
        return decided
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=1):
        raise ValidationError({"at": _("The time cannot be in the future.")})
    decided.started_at = at
    decided.save(update_fields=["started_at"])
    if decided.deadline_id:
        decided.deadline = deadlines.deadline_meet_one(deadline=decided.deadline, at=at, actor=actor,
                                                       by=_("intervention started"))
    else:
        event_record(case=decided.meeting.case, actor=actor, kind="intervention_started",
                     summary=_("Intervention started: %(offer)s.") % {"offer": decided.offer.name})
    return decided


@transaction.atomic
def offer_withdraw(*, decided: OfferStart, actor) -> None:
    """An offer decided by mistake or given up before it started: its clock is cancelled."""
    if decided.started_at is not None:
        raise ValidationError(_("The intervention has started and cannot be removed."))
    if decided.deadline_id:
        deadlines.deadline_cancel(deadline=decided.deadline, actor=actor, reason=_("offer removed"))
    decided.delete()
