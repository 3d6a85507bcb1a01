"""Use cases of the GP collaboration. Each change of a case goes through `cases.services` (opening a
case) or `cases.deadlines` (the request clocks) and leaves a line on the case's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import deadlines, services
from ..audit import event_record
from ..deadlines import work_calendar
from ..identifiers import validate_cpr
from ..models import Case, DeadlinePolicy, GpMeeting, GpPatient, GpPractice, GpRequest, Team
from ..selectors import cases_visible_to, teams_of

Kind = DeadlinePolicy.Kind
Outcome = GpPatient.Outcome


# --- the next meeting ----------------------------------------------------------------------------


def next_meeting_on(last: date, *, interval_days: int = 21, closed=None) -> date:
    """Three weeks after the last meeting (the practice's interval); a closed day (weekend, holiday,
    extra closed day) moves the proposal to the next working day. `closed(day) -> bool` for tests."""
    day = last + timedelta(days=interval_days)
    if closed is None:
        calendar = work_calendar(years=[day.year, day.year + 1])
        closed = lambda d: not calendar.is_working_day(d)  # noqa: E731
    while closed(day):
        day += timedelta(days=1)
    return day


def next_meeting_from(last_held: datetime | None, interval_days: int = 21, *, calendar=None) -> datetime | None:
    """The proposed next meeting: the interval after the last one, at the same time of day. None
    before the first meeting."""
    if last_held is None:
        return None
    held = timezone.localtime(last_held)
    closed = (lambda d: not calendar.is_working_day(d)) if calendar is not None else None
    day = next_meeting_on(held.date(), interval_days=interval_days, closed=closed)
    return timezone.make_aware(datetime.combine(day, held.time().replace(second=0, microsecond=0)))


def next_meeting_proposal(practice: GpPractice) -> datetime | None:
    last = practice.meetings.order_by("-held_at").values_list("held_at", flat=True).first()
    return next_meeting_from(last, practice.interval_days)


# --- the batch -----------------------------------------------------------------------------------


@dataclass
class PatientRow:
    name: str
    consent: bool
    outcome: str
    cpr: str = ""
    case_reference: str = ""
    note: str = ""
    feedback: str = ""


def practices_visible_to(user):
    return GpPractice.objects.filter(team__in=teams_of(user))


def _row_errors(actor, row: PatientRow) -> tuple[dict, Case | None]:
    """The errors of one patient row (field -> message) and the linked case, if any."""
    errors: dict[str, str] = {}
    if not row.consent:
        errors["consent"] = _("The patient's consent is not recorded. The GP may only discuss a patient with "
                              "the job centre when the patient has consented.")
    if not row.name.strip():
        errors["name"] = _("Write the patient's name.")
    if row.outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    case = None
    if row.cpr:
        try:
            row.cpr = validate_cpr(row.cpr)
        except ValidationError as error:
            errors["cpr"] = " ".join(error.messages)
    if row.case_reference.strip():
        case = cases_visible_to(actor).filter(reference=row.case_reference.strip()).first()
        if case is None:
            errors["case_reference"] = _("No case with that reference number.")
    if row.outcome == Outcome.CASE_OPENED and case is None and "case_reference" not in errors:
        if not row.cpr and "cpr" not in errors:
            errors["cpr"] = _("A case needs the patient's CPR number.")
        elif row.cpr and "cpr" not in errors:
            existing = Case.objects.filter(employee__cpr=row.cpr, status=Case.Status.OPEN).first()
            if existing is not None:
                errors["cpr"] = _("This person already has an open case (%(ref)s). Write its reference number "
                                  "instead.") % {"ref": existing.reference}
    return errors, case


def batch_errors(*, actor, rows: list[PatientRow]) -> dict[int, dict]:
    """Row index -> field errors, for every row that cannot be saved."""
    found = {}
    for index, row in enumerate(rows):
        errors, _case = _row_errors(actor, row)
        if errors:
            found[index] = errors
    return found


@transaction.atomic
def gp_meeting_register(*, actor, practice: GpPractice, held_at: datetime, rows: list[PatientRow],
                        team: Team | None = None) -> GpMeeting:
    """Register a meeting with a practice and its patients in one go. Every row must carry the
    patient's consent: a row without it refuses the whole batch (nothing is saved, the form keeps
    what was typed). A row with the outcome "case opened" opens a case with the source GP."""
    if held_at > timezone.now() + timedelta(minutes=1):
        raise ValidationError({"held_at": _("A meeting cannot be registered as held in the future.")})
    if not rows:
        raise ValidationError(_("Add at least one patient."))
    errors = batch_errors(actor=actor, rows=rows)
    if errors:
        raise ValidationError([
            _("Row %(row)s: %(errors)s") % {"row": index + 1, "errors": " ".join(messages.values())}
            for index, messages in sorted(errors.items())
        ])
    meeting = GpMeeting.objects.create(practice=practice, held_at=held_at, registered_by=actor)
    for row in rows:
        _errors, case = _row_errors(actor, row)
        if row.outcome == Outcome.CASE_OPENED and case is None:
            case = services.case_open(
                actor=actor, employee=services.EmployeeData(cpr=row.cpr, name=row.name.strip()),
                team=team or practice.team, source=Case.Source.GP, first_contact_at=held_at, consultant=actor,
            )
        patient = GpPatient.objects.create(
            meeting=meeting, name=row.name.strip()[:200], cpr=row.cpr, case=case, consent=True, outcome=row.outcome,
            note=row.note.strip(), feedback=row.feedback.strip(),
        )
        if case is not None:
            # The timeline names the practice and the outcome, never the note: it may hold health details.
            event_record(case=case, actor=actor, kind="gp_meeting", summary=_(
                "Discussed at the meeting with %(practice)s on %(day)s: %(outcome)s.") % {
                "practice": practice.name, "day": timezone.localtime(held_at).strftime("%d/%m/%Y"),
                "outcome": patient.get_outcome_display()})
    return meeting


# --- requests to the GP --------------------------------------------------------------------------


def request_due_default(sent_at: datetime) -> datetime:
    """The policy's answer time (8 days, a closed end day moves to the next working day)."""
    return deadlines.deadline_preview(kind=Kind.GP_REQUEST, start=sent_at).due_at


@transaction.atomic
def gp_request_send(*, case: Case, actor, kind: str, sent_at: datetime | None = None, practice: GpPractice | None = None,
                    gp_name: str = "", question: str = "", due_on: date | None = None) -> GpRequest:
    """Record a request to the GP and start its clock (due by the policy, or on the chosen day)."""
    sent_at = sent_at or timezone.now()
    errors = {}
    if not case.is_open:
        raise ValidationError(_("The case is closed."))
    if kind not in GpRequest.Kind.values:
        errors["kind"] = _("Choose what is requested.")
    if sent_at > timezone.now() + timedelta(minutes=1):
        errors["sent_at"] = _("The time cannot be in the future.")
    if due_on is not None and due_on < timezone.localdate(sent_at):
        errors["due_on"] = _("The answer cannot be due before the request was sent.")
    if practice is None and not gp_name.strip():
        errors["gp_name"] = _("Choose the practice or write the GP's name.")
    if errors:
        raise ValidationError(errors)
    request = GpRequest.objects.create(
        case=case, kind=kind, practice=practice, gp_name=gp_name.strip()[:200], question=question.strip(),
        sent_at=sent_at, requested_by=actor,
    )
    due_at = timezone.make_aware(datetime.combine(due_on, time(23, 59))) if due_on else request_due_default(sent_at)
    to = practice.name if practice else request.gp_name
    request.deadline = deadlines.deadline_open(
        case=case, kind=Kind.GP_REQUEST, start=sent_at, actor=actor, due_at=due_at, owner=case.consultant or actor,
        title=_("Answer from the GP: %(kind)s (%(to)s)") % {"kind": request.get_kind_display(), "to": to},
    )
    request.save(update_fields=["deadline"])
    return request


@transaction.atomic
def gp_request_answer(*, request: GpRequest, actor, answered_at: datetime | None = None, note: str = "") -> GpRequest:
    """The answer came: it meets the request's clock at the time it arrived (on time or late)."""
    request = GpRequest.objects.select_for_update(of=("self",)).select_related("deadline", "case").get(pk=request.pk)
    if request.is_answered:
        return request
    answered_at = answered_at or timezone.now()
    if answered_at > timezone.now() + timedelta(minutes=1):
        raise ValidationError({"answered_at": _("The time cannot be in the future.")})
    if answered_at < request.sent_at:
        raise ValidationError({"answered_at": _("The answer cannot have come before the request was sent.")})
    request.answered_at = answered_at
    request.answer_note = note.strip()
    request.save(update_fields=["answered_at", "answer_note"])
    if request.deadline is not None:
        request.deadline = deadlines.deadline_meet_one(deadline=request.deadline, at=answered_at, actor=actor,
                                                       by=_("answer from the GP registered"))
    else:
        event_record(case=request.case, actor=actor, kind="gp_request_answered",
                     summary=_("Answer from the GP registered: %(kind)s.") % {"kind": request.get_kind_display()})
    return request
