"""A case's first absence day follows its spells: the statutory clocks (week 8, week 22; the employer's
4-week absence conversation) derive from the sickness period, never from a typed date.

When spells change, `cases_follow_spells` recomputes the period of each open case of the employees
concerned; a different first day goes through `cases.services.case_update`, which moves the clocks
through the deadline engine (`cases.deadline_facts`), and a timeline event says why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from ..audit import event_record
from ..models import AbsenceSettings, AbsenceSpell, Case
from ..services import case_update
from .periods import SicknessPeriod, Spell, merge_spells


def spells_of(employee_ids: Iterable[int]) -> dict[int, list[tuple[int, Spell]]]:
    """(spell id, Spell) per employee, in one query."""
    found: dict[int, list[tuple[int, Spell]]] = defaultdict(list)
    for pk, employee, first, last in AbsenceSpell.objects.filter(employee_id__in=list(employee_ids)).values_list(
            "pk", "employee_id", "first_day", "last_day"):
        found[employee].append((pk, Spell(first, last)))
    return found


def period_for_case(case: Case, spells: list[Spell], *, gap_days: int) -> SicknessPeriod | None:
    """The sickness period a case follows: the latest one that had begun when the case was opened (else
    the first one after)."""
    periods = merge_spells(spells, gap_days=gap_days)
    if not periods:
        return None
    opened = timezone.localdate(case.first_contact_at)
    begun = [p for p in periods if p.first_day <= opened]
    return begun[-1] if begun else periods[0]


def _days(period: SicknessPeriod) -> str:
    last = period.last_day.strftime("%d/%m/%Y") if period.last_day else _("ongoing")
    return f"{period.first_day:%d/%m/%Y}–{last}"


def case_follow_spells(*, case: Case, spells: list[tuple[int, Spell]], actor=None, gap_days: int) -> date | None:
    """Bring one case in line with its employee's spells. Returns the new first absence day when it moved."""
    period = period_for_case(case, [s for _pk, s in spells], gap_days=gap_days)
    if period is None:
        return None
    members = set(period.spells)
    AbsenceSpell.objects.filter(pk__in=[pk for pk, s in spells if s in members], case__isnull=True).update(case=case)
    if case.first_absence_day == period.first_day or period.first_day > timezone.localdate():
        return None
    old = case.first_absence_day
    with override("da"):
        summary = ngettext(
            "The absence spells from payroll changed: the sickness period is now %(days)s (%(n)d spell), so "
            "the first absence day is %(first)s (was %(old)s).",
            "The absence spells from payroll changed: the sickness period is now %(days)s (%(n)d spells), so "
            "the first absence day is %(first)s (was %(old)s).", len(period.spells)) % {
            "days": _days(period), "n": len(period.spells), "first": period.first_day.strftime("%d/%m/%Y"),
            "old": old.strftime("%d/%m/%Y") if old else _("none")}
        event_record(case=case, actor=actor, kind="absence_period_changed", summary=summary)
        case_update(case=case, actor=actor, fields={"first_absence_day": period.first_day})
    return period.first_day


def cases_follow_spells(*, employee_ids: Iterable[int], actor=None) -> int:
    """Every open case of these employees follows their spells. Returns how many cases moved."""
    ids = list(employee_ids)
    gap_days = AbsenceSettings.current().gap_days
    moved = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        cases = list(Case.objects.filter(employee_id__in=chunk, status=Case.Status.OPEN).select_related("employee"))
        if not cases:
            continue
        spells = spells_of(case.employee_id for case in cases)
        for case in cases:
            with transaction.atomic():
                if case_follow_spells(case=case, spells=spells.get(case.employee_id, []), actor=actor,
                                      gap_days=gap_days):
                    moved += 1
    return moved
