"""Read models for early detection: the team's queue, Hjørring's figures for a period, and the sickness
periods reaching a given sick week (Lyngby-Taarbæk's week-6 screening list builds on it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import AbsenceAlert, AbsenceSettings, AbsenceSpell, Deadline, DeadlinePolicy, Team
from ..selectors import teams_of
from .periods import SicknessPeriod, Spell, merge_spells, week_of

# --- the queue -----------------------------------------------------------------------------------------


def alerts_visible_to(user) -> QuerySet[AbsenceAlert]:
    """Alerts in the queues of the user's teams (all teams for an admin)."""
    return AbsenceAlert.objects.filter(team__in=teams_of(user)).select_related(
        "employee", "employer", "contact", "rule", "team", "case", "handled_by")


def alert_queue(user, *, state: str = AbsenceAlert.State.OPEN) -> QuerySet[AbsenceAlert]:
    """The team's queue: open alerts oldest first (handled ones newest first). Constant queries."""
    qs = alerts_visible_to(user).filter(state=state)
    return qs.order_by("raised_at", "pk") if state == AbsenceAlert.State.OPEN else qs.order_by("-handled_at", "-pk")


# --- Hjørring's figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None


@dataclass(frozen=True)
class AlertRow:
    raised_at: datetime
    state: str
    close_reason: str
    handled_at: datetime | None
    first_meeting_at: datetime | None = None  # the case's first meeting held (its first-meeting clock met)


@dataclass(frozen=True)
class AlertFigures:
    raised: int
    case_or_contact: Ratio  # turned into a case, or closed as "manager contacted" / "already in a case"
    on_time: Ratio  # handled within `on_time_days` of the alert (decided alerts only)
    on_time_days: int
    median_days_to_roundtable: float | None  # alert -> the case's first meeting held
    roundtables: int


def figures_from_rows(rows: Sequence[AlertRow], *, on_time_days: int, now: datetime) -> AlertFigures:
    """Pure: the figures from plain rows (checked by hand in the tests)."""
    limit = timedelta(days=on_time_days)
    turned = sum(1 for r in rows if r.state == AbsenceAlert.State.CASE_OPENED
                 or (r.state == AbsenceAlert.State.CLOSED and r.close_reason in AbsenceAlert.CONTACT_REASONS))
    # Decided: handled, or still open past the limit (late whatever happens now). Still open within it: not counted.
    decided = [r for r in rows if r.handled_at is not None or now - r.raised_at > limit]
    on_time = sum(1 for r in decided if r.handled_at is not None and r.handled_at - r.raised_at <= limit)
    days = [(r.first_meeting_at - r.raised_at).total_seconds() / 86400 for r in rows if r.first_meeting_at]
    return AlertFigures(
        raised=len(rows), case_or_contact=Ratio(turned, len(rows)), on_time=Ratio(on_time, len(decided)),
        on_time_days=on_time_days, median_days_to_roundtable=round(median(days), 1) if days else None,
        roundtables=len(days))


def alert_figures(*, teams: Iterable[Team] | QuerySet[Team], start_at: datetime, end_at: datetime,
                  now: datetime | None = None) -> AlertFigures:
    """Alerts raised in [start_at, end_at) for these teams: two queries.

    The time to the first roundtable is read from the case's first-meeting clock (cases/deadlines): the
    roundtable app meets it with the meeting's held time when the first meeting is held, so the kernel
    answers without importing roundtable and without a new port."""
    now = now or timezone.now()
    alerts = list(AbsenceAlert.objects.filter(team__in=teams, raised_at__gte=start_at, raised_at__lt=end_at)
                  .values_list("raised_at", "state", "close_reason", "handled_at", "case_id"))
    cases = {case for *_rest, case in alerts if case}
    met = dict(Deadline.objects.filter(case_id__in=cases, kind=DeadlinePolicy.Kind.FIRST_MEETING,
                                       state=Deadline.State.MET).order_by("case_id", "-met_at")
               .values_list("case_id", "met_at")) if cases else {}
    rows = [AlertRow(raised, state, reason, handled, met.get(case)) for raised, state, reason, handled, case in alerts]
    return figures_from_rows(rows, on_time_days=AbsenceSettings.current().on_time_days, now=now)


# --- sickness periods reaching a sick week (Lyngby-Taarbæk's screening) -----------------------------------


@dataclass(frozen=True)
class PeriodRow:
    employee_id: int
    employer_id: int
    period: SicknessPeriod
    week: int  # the sick week the period is in on `week_start_date`


def periods_reaching_week(week_start_date: date, weeks: tuple[int, int] = (5, 7), *,
                          gap_days: int | None = None) -> list[PeriodRow]:
    """Sickness periods still running on `week_start_date` that are then in sick week weeks[0]..weeks[1]
    (both included; week 1 holds the first absence day). For Lyngby-Taarbæk's info meeting ~6 weeks after
    the first sick day: `periods_reaching_week(monday, weeks=(5, 7))`. Sorted by first day; one row per
    employee and employer."""
    gap_days = gap_days or AbsenceSettings.current().gap_days
    earliest = week_start_date - timedelta(days=7 * weeks[1])
    running = Q(last_day__isnull=True) | Q(last_day__gte=week_start_date)
    candidates = (AbsenceSpell.objects.filter(running, first_day__lte=week_start_date)
                  .values_list("employee_id", "employer_id").distinct())
    pairs = set(candidates)
    if not pairs:
        return []
    history = earliest - timedelta(days=400)
    spells: dict[tuple[int, int], list[Spell]] = defaultdict(list)
    for employee, employer, first, last in AbsenceSpell.objects.filter(
            employee_id__in={e for e, _r in pairs}, first_day__gte=history).values_list(
            "employee_id", "employer_id", "first_day", "last_day"):
        if (employee, employer) in pairs:
            spells[(employee, employer)].append(Spell(first, last))
    rows = []
    for (employee, employer), items in spells.items():
        for period in merge_spells(items, gap_days=gap_days):
            if not period.covers(week_start_date):
                continue
            week = week_of(period.first_day, week_start_date)
            if weeks[0] <= week <= weeks[1]:
                rows.append(PeriodRow(employee, employer, period, week))
    return sorted(rows, key=lambda row: (row.period.first_day, row.employee_id))
