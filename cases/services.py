"""Use cases that change the case file. Each writes a timeline event in the same transaction.

Views and tasks call these; nothing else changes a case. Deadline clocks are opened, met and
cancelled from here through `cases.deadlines` (the deadline engine).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines, notifications
from .audit import access_record as access_record  # re-exported: callers have always found it here
from .audit import event_record as event_record
from .employers import EmployerData as EmployerData  # re-exported: the forms build it from here
from .employers import employer_for_case
from .identifiers import validate_cpr
from .models import Case, ContactPerson, Employee, Employer, JournalEntry, Team
from .screening import SCREENING_FIELDS, screening_prepare, screening_store, screening_summary
from .screening import Screening as Screening  # re-exported: forms, tests and the demo build it from here

# --- people --------------------------------------------------------------------------------------


@dataclass
class EmployeeData:
    cpr: str
    name: str
    phone: str = ""
    email: str = ""
    job_title: str = ""


@dataclass
class ContactData:
    name: str
    role: str = ""
    phone: str = ""
    email: str = ""


def employee_upsert(*, data: EmployeeData) -> Employee:
    """Find the person by CPR (the identity) and refresh the contact details we were given."""
    cpr = validate_cpr(data.cpr)
    employee, created = Employee.objects.get_or_create(
        cpr=cpr, defaults={"name": data.name, "phone": data.phone, "email": data.email, "job_title": data.job_title}
    )
    if not created:
        for field in ("name", "phone", "email", "job_title"):
            value = getattr(data, field)
            if value:
                setattr(employee, field, value)
        employee.save()
    return employee


def contact_upsert(*, employer: Employer, data: ContactData | None) -> ContactPerson | None:
    if data is None or not data.name:
        return None
    contact = employer.contacts.filter(name=data.name).first()
    if contact is None:
        return ContactPerson.objects.create(employer=employer, **data.__dict__)
    for field in ("role", "phone", "email"):
        if getattr(data, field):
            setattr(contact, field, getattr(data, field))
    contact.save()
    return contact


# --- the case ------------------------------------------------------------------------------------


def open_case_for(employee: Employee, *, exclude: Case | None = None) -> Case | None:
    qs = Case.objects.filter(employee=employee, status=Case.Status.OPEN)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def _apply_screening(case: Case, screening: Screening) -> list:
    """The questionnaire's score and complexity on the case (cases/screening.py); the answers to store."""
    return screening_prepare(case, screening)


@transaction.atomic
def case_open(
    *,
    actor,
    employee: EmployeeData,
    team: Team,
    source: str,
    first_contact_at: datetime | None = None,
    first_absence_day: date | None = None,
    employer: EmployerData | None = None,
    contact: ContactData | None = None,
    consultant=None,
    functional_limitations: str = "",
    health_note: str = "",
    screening: Screening | None = None,
) -> Case:
    """Open a case at first contact and start its first-meeting clock.

    Raises ValidationError (on the field "cpr") when the person already has an open case.
    """
    now = timezone.now()
    first_contact_at = first_contact_at or now
    if first_absence_day and first_absence_day > timezone.localdate():
        raise ValidationError({"first_absence_day": _("The first absence day cannot be in the future.")})
    person = employee_upsert(data=employee)
    existing = open_case_for(person)
    if existing is not None:
        raise ValidationError(
            {"cpr": _("This person already has an open case (%(ref)s). Use that case instead.") % {"ref": existing.reference}},
            code="open_case_exists",
        )
    firm = employer_for_case(data=employer, actor=actor) if employer and (employer.cvr or employer.name) else None
    case = Case(
        reference="",
        employee=person,
        employer=firm,
        employer_contact=contact_upsert(employer=firm, data=contact) if firm else None,
        team=team,
        consultant=consultant,
        source=source,
        first_contact_at=first_contact_at,
        first_absence_day=first_absence_day,
        functional_limitations=functional_limitations,
        health_note=health_note,
        last_activity_at=now,
    )
    answers = _apply_screening(case, screening) if screening is not None else []
    case.reference = "T-" + uuid.uuid4().hex[:18]  # replaced below once the pk is known
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        # Two consultants opening a case for the same person at the same moment: the partial
        # unique index decides; the loser gets the same message as the form check above.
        raise ValidationError(
            {"cpr": _("This person already has an open case. Use that case instead.")}, code="open_case_exists"
        ) from None
    # The reference is readable and unique because it carries the primary key.
    case.reference = f"FH-{timezone.localdate(first_contact_at).year}-{case.pk:05d}"
    Case.objects.filter(pk=case.pk).update(reference=case.reference)
    event_record(
        case=case,
        actor=actor,
        kind="case_opened",
        summary=_("Case opened (source: %(source)s).") % {"source": case.get_source_display()},
        at=now,
    )
    if screening is not None:
        screening_store(case, answers)
        event_record(case=case, actor=actor, kind="case_screened", summary=screening_summary(case), at=now)
    _start_clocks_on_open(case, actor=actor)
    return case


def _start_clocks_on_open(case: Case, *, actor) -> None:
    """Hook for the deadline engine: opening a case starts the first-meeting clock."""
    deadlines.deadlines_on_case_open(case=case, actor=actor)


@transaction.atomic
def case_update(*, case: Case, actor, fields: dict) -> Case:
    """Edit ordinary fields. Team, consultant and status change through their own services.

    Compares with the stored row (locked), never with `case`: a ModelForm's is_valid() has already
    written the new values into its instance. Corrected dates move the clocks that start from them
    (`cases.deadline_facts`)."""
    allowed = {
        "source", "first_contact_at", "first_absence_day", "functional_limitations", "health_note", "employer",
        "employer_contact",
    }
    clock_facts = {"fast_track_request_at"}  # not stored on the case: the start of its running clock
    unknown = set(fields) - allowed - clock_facts
    if unknown:
        raise ValueError(f"case_update cannot change {sorted(unknown)}")
    stored = Case.objects.select_for_update().get(pk=case.pk)
    _check_case_dates(stored, fields)
    changed = {name: (getattr(stored, name), value) for name, value in fields.items()
               if name in allowed and getattr(stored, name) != value}
    for name, (_old, new) in changed.items():
        setattr(stored, name, new)
        setattr(case, name, new)
    if changed:
        stored.save(update_fields=list(changed))
        labels = ", ".join(str(Case._meta.get_field(name).verbose_name) for name in changed)
        event_record(case=stored, actor=actor, kind="case_edited", summary=_("Changed: %(fields)s.") % {"fields": labels})
    if fields.get("fast_track_request_at") is not None:
        running = stored.deadlines.unfinished().filter(kind="fast_track_conversation").first()
        if running is not None and running.start_at != fields["fast_track_request_at"]:
            changed["fast_track_request_at"] = (running.start_at, fields["fast_track_request_at"])
    if changed:
        from .deadline_facts import deadlines_follow_facts

        deadlines_follow_facts(case=stored, actor=actor, changed=changed)
        case.last_activity_at = stored.last_activity_at
    return case


def _check_case_dates(stored: Case, fields: dict) -> None:
    """Dates that cannot be: in the future, or a first contact after the first meeting was held."""
    errors = {}
    if fields.get("first_absence_day") and fields["first_absence_day"] > timezone.localdate():
        errors["first_absence_day"] = _("The first absence day cannot be in the future.")
    contact = fields.get("first_contact_at")
    if contact is not None:
        if contact > timezone.now() + timedelta(minutes=5):
            errors["first_contact_at"] = _("The first contact cannot be in the future.")
        else:
            held = (stored.deadlines.filter(kind="first_meeting", state="met", met_at__lt=contact)
                    .values_list("met_at", flat=True).first())
            if held is not None:
                errors["first_contact_at"] = _(
                    "The first contact cannot lie after the first meeting (%(held)s).") % {
                    "held": timezone.localtime(held).strftime("%d/%m/%Y %H:%M")}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_screen(*, case: Case, actor, screening: Screening) -> Case:
    """Screen (or screen again) with the questionnaire in use: answers, score, complexity, timeline."""
    answers = _apply_screening(case, screening)
    case.save(update_fields=SCREENING_FIELDS)
    screening_store(case, answers)
    event_record(case=case, actor=actor, kind="case_screened", summary=screening_summary(case))
    return case


def _lock(case: Case) -> Case:
    """Lock the case row until the transaction ends and bring `case` up to date from it: state
    changes decide on the fresh values, and callers keep the object they passed in."""
    case.refresh_from_db(from_queryset=Case.objects.select_for_update(of=("self",)))
    return case


@transaction.atomic
def case_reassign(*, case: Case, actor, consultant, team: Team | None = None, note: str = "") -> Case:
    """Give the case to another consultant (optionally of another team); the new owner is notified.

    The case row is locked; a double submit (the case already has this consultant and team) changes
    nothing, records nothing and notifies nobody."""
    case = _lock(case)
    team = team or case.team
    if consultant is not None and not (
        team.members.filter(pk=consultant.pk).exists() or team.leads.filter(pk=consultant.pk).exists()
    ):
        raise ValidationError({"consultant": _("%(name)s is not on team %(team)s.") % {
            "name": consultant.get_full_name() or consultant.username, "team": team.name}})
    old = case.consultant
    if case.consultant_id == (consultant.pk if consultant else None) and case.team_id == team.pk:
        return case
    case.consultant = consultant
    case.team = team
    case.save(update_fields=["consultant", "team"])
    name = (consultant.get_full_name() or consultant.username) if consultant else _("nobody")
    summary = _("Reassigned to %(name)s (%(team)s).") % {"name": name, "team": team.name}
    if note:
        summary += " " + note
    event_record(case=case, actor=actor, kind="case_reassigned", summary=summary)
    if consultant is not None and consultant != old and consultant != actor:
        notifications.notify_case_assigned(case=case, recipient=consultant, actor=actor, note=note)
    return case


@transaction.atomic
def case_close(*, case: Case, actor, outcome: str, closed_on: date | None = None, note: str = "") -> Case:
    """Close the case with its outcome; open clocks are cancelled. The case row is locked: a double
    submit with the same outcome returns the closed case and records nothing twice."""
    if outcome not in Case.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the case.")})
    case = _lock(case)
    if not case.is_open:
        if case.outcome == outcome:
            return case
        raise ValidationError(_("The case is already closed."))
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
    case.status = Case.Status.CLOSED
    case.outcome = outcome
    case.closed_on = closed_on
    case.closing_note = note
    case.save(update_fields=["status", "outcome", "closed_on", "closing_note"])
    event_record(
        case=case, actor=actor, kind="case_closed",
        summary=_("Case closed: %(outcome)s.") % {"outcome": case.get_outcome_display()},
    )
    deadlines.deadlines_on_case_close(case=case, actor=actor)
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str) -> Case:
    """Reopen a closed case. The case row is locked: a double submit finds the case open and returns
    it unchanged, so the timeline gets one reopening."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for reopening the case.")})
    case = _lock(case)
    if case.is_open:
        return case
    other = open_case_for(case.employee, exclude=case)
    if other is not None:
        raise ValidationError(_("This person already has an open case (%(ref)s).") % {"ref": other.reference})
    case.status = Case.Status.OPEN
    case.outcome = ""
    case.closed_on = None
    case.save(update_fields=["status", "outcome", "closed_on"])
    event_record(case=case, actor=actor, kind="case_reopened", summary=_("Case reopened: %(reason)s") % {"reason": reason})
    # Aftercare ends when the course goes on (cases/aftercare.py plans it on a retained closing).
    for clock in case.deadlines.unfinished().filter(kind=deadlines.Kind.AFTERCARE_CHECK_IN):
        deadlines.deadline_cancel(deadline=clock, actor=actor, reason=_("case reopened"))
    return case


@transaction.atomic
def journal_add(*, case: Case, actor, kind: str, text: str, occurred_at: datetime | None = None) -> JournalEntry:
    if not text.strip():
        raise ValidationError({"text": _("Write the journal entry.")})
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("A journal entry cannot be dated in the future.")})
    entry = JournalEntry.objects.create(case=case, kind=kind, text=text, author=actor, occurred_at=occurred_at)
    # The timeline names the entry, never its text: the text may hold health details.
    event_record(
        case=case, actor=actor, kind="journal_added",
        summary=_("Journal entry (%(kind)s).") % {"kind": entry.get_kind_display()},
    )
    return entry
