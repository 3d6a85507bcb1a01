"""The screening list: everyone whose sickness period is in sick week 5-7 in the chosen week, with their
employer, any open case and the consultant's mark. A fixed number of queries whatever the length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..absence.selectors import periods_reaching_week
from ..models import Case, Employee, Employer, ScreeningMark

WEEKS = (5, 7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class ScreeningRow:
    employee: Employee
    employer: Employer
    first_day: date
    last_day: date | None
    week: int
    case: Case | None  # the person's open case
    mark: ScreeningMark | None

    @property
    def key(self) -> str:
        """The row's identity in forms: employee, employer and the period's first day (no CPR)."""
        return f"{self.employee.pk}-{self.employer.pk}-{self.first_day:%Y%m%d}"

    @property
    def in_target_group(self) -> bool:
        return self.mark is not None and self.mark.in_target_group


def screening_rows(monday: date) -> list[ScreeningRow]:
    """The information meeting's attendance for the week starting `monday` (any day is taken to its
    Monday): sickness periods running on that Monday and then in sick week 5, 6 or 7."""
    monday = monday_of(monday)
    periods = periods_reaching_week(monday, weeks=WEEKS)
    if not periods:
        return []
    employee_ids = {row.employee_id for row in periods}
    employees = Employee.objects.in_bulk(employee_ids)
    employers = Employer.objects.in_bulk({row.employer_id for row in periods})
    cases = {case.employee_id: case for case in Case.objects.filter(
        employee_id__in=employee_ids, status=Case.Status.OPEN).select_related("consultant")}
    marks = {(m.employee_id, m.employer_id, m.period_first_day): m
             for m in ScreeningMark.objects.filter(employee_id__in=employee_ids).select_related("marked_by")}
    rows = [ScreeningRow(employee=employees[p.employee_id], employer=employers[p.employer_id],
                         first_day=p.period.first_day, last_day=p.period.last_day, week=p.week,
                         case=cases.get(p.employee_id),
                         mark=marks.get((p.employee_id, p.employer_id, p.period.first_day)))
            for p in periods]
    return sorted(rows, key=lambda r: (r.employee.name.casefold(), r.first_day))

