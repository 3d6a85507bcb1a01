"""Marking a person at the screening and opening their case. Each change is written with its actor;
a mark on a person with an open case also goes on that case's timeline (without the health reasons)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from ..audit import event_record
from ..models import AbsenceSettings, Case, ScreeningMark, Team
from ..selectors import teams_of
from ..services import EmployeeData, EmployerData, case_open
from .selectors import ScreeningRow

NOTE_MAX = 500


@transaction.atomic
def mark_save(*, row: ScreeningRow, actor, in_target_group: bool, reasons: list[str], note: str = "") -> ScreeningMark:
    """Create or change the mark of the row's sickness period. Refuses (ValidationError, Danish) a
    target-group mark without a reason, reasons on a "not in the target group" mark, and a long note."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": ngettext("The note can be at most %(n)d character.",
                                                "The note can be at most %(n)d characters.", NOTE_MAX) % {"n": NOTE_MAX}})
    reasons = [r for r in ScreeningMark.Reason.values if r in set(reasons or [])]
    mark = (ScreeningMark.objects.select_for_update().filter(
        employee=row.employee, employer=row.employer, period_first_day=row.first_day).first()
        or ScreeningMark(employee=row.employee, employer=row.employer, period_first_day=row.first_day))
    mark.in_target_group, mark.reasons, mark.note = in_target_group, reasons, note
    mark.marked_by, mark.marked_at = actor, timezone.now()
    mark.case = mark.case or row.case
    mark.full_clean(exclude=["employee", "employer", "marked_by", "case"])
    mark.save()
    if row.case is not None:
        with override("da"):
            summary = (_("Screened at the information meeting: in the target group for a start conversation.")
                       if in_target_group else _("Screened at the information meeting: not in the target group."))
        event_record(case=row.case, actor=actor, kind="screening_marked", summary=summary)
    return mark


def mark_booking_problem(*, mark: ScreeningMark, problem: str, case: Case | None = None) -> None:
    """Keep why the start conversation could not be booked, or (problem "") that it was, on `case`."""
    fields = {"booking_problem": problem[:500]}
    if case is not None:
        fields["case"] = case
    ScreeningMark.objects.filter(pk=mark.pk).update(**fields)
    for name, value in fields.items():
        setattr(mark, name, value)


def team_for_screening(actor) -> Team | None:
    """The team a case opened at the screening belongs to: the consultant's own, else the early-detection
    team from the absence settings."""
    return teams_of(actor).order_by("name").first() or AbsenceSettings.current().team


def case_open_for_screening(*, row: ScreeningRow, actor) -> Case:
    """Open the person's case from the screening (source "informationsmøde"): the sickness period's first
    day is the first absence day, so the statutory clocks (week 8, the employer's absence conversation,
    week 22) run from it, and the first-meeting clock from now. The payroll spells are attached."""
    from ..absence.clocks import case_follow_spells, spells_of

    team = team_for_screening(actor)
    if team is None:
        raise ValidationError(_("You are not on a team, so no case can be opened. Ask an administrator."))
    employee, employer = row.employee, row.employer
    case = case_open(
        actor=actor, team=team, consultant=actor, source=Case.Source.INFO_MEETING,
        employee=EmployeeData(cpr=employee.cpr, name=employee.name), first_absence_day=row.first_day,
        employer=EmployerData(cvr=employer.cvr, name=employer.name, p_number=employer.p_number),
    )
    spells = spells_of([employee.pk]).get(employee.pk, [])
    case_follow_spells(case=case, spells=spells, actor=actor, gap_days=AbsenceSettings.current().gap_days)
    with override("da"):
        event_record(case=case, actor=actor, kind="screening_case",
                     summary=_("Opened at the screening for the information meeting (sick week %(week)d).")
                     % {"week": row.week})
    case.refresh_from_db()
    return case
