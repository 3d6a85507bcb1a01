"""The alert rules as pure functions over one employee's spells (no database).

Two rule kinds (the rows are data, `AbsenceAlertRule`, edited in the admin):

- consecutive days: `days` consecutive calendar days of sickness (default 7). Counted on a stretch of
  overlapping or touching spells, an ongoing spell up to today. One hit per sickness period.
- spells in a window: `count` spells starting within `months` months (default 3 within 3). The K-th
  spell must start before the same date M months after the first one starts (3 months from 5 January:
  before 5 April, so 89 days later counts and 90 does not). Windows do not overlap: after a hit the
  count starts again with the next spell, so four short absences give one alert, six give two.

Each hit carries a `key`: the first day of its sickness period or window. (rule, employee, key) is
the alert's identity, so evaluating again finds the same hits and raises nothing new.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .periods import Spell, merge_spells, stretches

CONSECUTIVE_DAYS = "consecutive_days"
SPELLS_IN_WINDOW = "spells_in_window"


@dataclass(frozen=True)
class Hit:
    key: date  # the sickness period's / window's first day: the alert's identity
    triggered_on: date  # the day the rule was met
    spells: tuple[Spell, ...]


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def consecutive_days_hits(spells: Iterable[Spell], *, days: int, gap_days: int, today: date) -> list[Hit]:
    spells = list(spells)
    hits = []
    for period in merge_spells(spells, gap_days=gap_days):
        for stretch in stretches(period.spells):
            if stretch.calendar_days(today) >= days:
                hits.append(Hit(period.first_day, stretch.first_day + timedelta(days=days - 1), stretch.spells))
                break
    return hits


def spells_in_window_hits(spells: Iterable[Spell], *, count: int, months: int, today: date) -> list[Hit]:
    runs = [s for s in stretches(spells) if s.first_day <= today]
    hits, i = [], 0
    while i + count - 1 < len(runs):
        first, last = runs[i], runs[i + count - 1]
        if last.first_day < add_months(first.first_day, months):
            window = runs[i:i + count]
            hits.append(Hit(first.first_day, last.first_day, tuple(s for run in window for s in run.spells)))
            i += count
        else:
            i += 1
    return hits


def rule_hits(kind: str, spells: Iterable[Spell], *, days: int = 7, count: int = 3, months: int = 3,
              gap_days: int = 16, today: date) -> list[Hit]:
    if kind == CONSECUTIVE_DAYS:
        return consecutive_days_hits(spells, days=days, gap_days=gap_days, today=today)
    if kind == SPELLS_IN_WINDOW:
        return spells_in_window_hits(spells, count=count, months=months, today=today)
    raise ValueError(kind)
