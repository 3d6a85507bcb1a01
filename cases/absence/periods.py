"""The sickness period engine: pure functions, no database.

Spells (first day, last day or None while ongoing) for one employee merge into sickness periods: spells
that overlap or touch are one stretch of sickness, and a gap of fewer than G non-sick days keeps the
next spell in the same period (NAV counts 16 days; G is a setting). The statutory dates derive from the
period's first day, never from a typed date.

The merge is order-independent and idempotent (property tests in tests/test_absence_periods.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_GAP_DAYS = 16


@dataclass(frozen=True, order=True)
class Spell:
    first_day: date
    last_day: date | None = None  # None: ongoing

    def end(self, today: date) -> date:
        """The last sick day counted so far (an ongoing spell runs to today)."""
        return self.last_day if self.last_day is not None else max(today, self.first_day)


@dataclass(frozen=True)
class SicknessPeriod:
    first_day: date
    last_day: date | None  # None: ongoing
    spells: tuple[Spell, ...]

    @property
    def ongoing(self) -> bool:
        return self.last_day is None

    def calendar_days(self, today: date) -> int:
        """Days from the first to the last sick day so far, both included."""
        end = self.last_day if self.last_day is not None else max(today, self.first_day)
        return (end - self.first_day).days + 1

    def covers(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


def _gap(previous_last: date | None, next_first: date) -> int | None:
    """Non-sick days between two spells; None when the first is ongoing (no gap can follow it)."""
    if previous_last is None:
        return None
    return (next_first - previous_last).days - 1


def merge_spells(spells: Iterable[Spell], *, gap_days: int = DEFAULT_GAP_DAYS) -> list[SicknessPeriod]:
    """Merge spells into sickness periods, oldest first.

    A gap of at least `gap_days` non-sick days starts a new period; with `gap_days=1` only overlapping
    or touching spells merge (a "stretch" of consecutive sick days). Duplicate spells count once.
    """
    if gap_days < 1:
        raise ValueError("gap_days must be at least 1")
    ordered = sorted(set(spells), key=lambda s: (s.first_day, s.last_day or date.max))
    periods: list[SicknessPeriod] = []
    current: list[Spell] = []
    current_last: date | None = None
    for spell in ordered:
        if current:
            gap = _gap(current_last, spell.first_day)
            if gap is not None and gap >= gap_days:
                periods.append(SicknessPeriod(current[0].first_day, current_last, tuple(current)))
                current, current_last = [], None
        if not current:
            current, current_last = [spell], spell.last_day
            continue
        current.append(spell)
        if current_last is not None:
            current_last = None if spell.last_day is None else max(current_last, spell.last_day)
    if current:
        periods.append(SicknessPeriod(current[0].first_day, current_last, tuple(current)))
    return periods


def stretches(spells: Iterable[Spell]) -> list[SicknessPeriod]:
    """Runs of consecutive sick calendar days: overlapping or touching spells (gap 0) merge."""
    return merge_spells(spells, gap_days=1)


def period_on(spells: Iterable[Spell], day: date, *, gap_days: int = DEFAULT_GAP_DAYS) -> SicknessPeriod | None:
    """The sickness period that covers `day`, if any."""
    return next((p for p in merge_spells(spells, gap_days=gap_days) if p.covers(day)), None)


def current_period(spells: Iterable[Spell], *, gap_days: int = DEFAULT_GAP_DAYS) -> SicknessPeriod | None:
    """The latest sickness period (the one a case follows)."""
    periods = merge_spells(spells, gap_days=gap_days)
    return periods[-1] if periods else None


# --- the statutory dates from a period's first day --------------------------------------------------


def end_of_week(first_day: date, week: int) -> date:
    """The last day of week `week` counted from the first absence day (day 1 is the first day of week 1):
    "by the end of week 8" from Monday 5 January is Sunday 1 March."""
    return first_day + timedelta(days=7 * week - 1)


def week_of(first_day: date, day: date) -> int:
    """Which sick week `day` falls in (week 1 holds the first absence day)."""
    return (day - first_day).days // 7 + 1


@dataclass(frozen=True)
class StatutoryDates:
    first_follow_up: date  # end of week 8 (SDL § 13 b stk. 1)
    follow_ups: tuple[date, ...]  # then every 4 weeks, up to the reassessment
    reassessment: date  # end of week 22 (SDL §§ 24, 27)


def statutory_dates(first_day: date, *, follow_up_weeks: int = 8, every_weeks: int = 4,
                    reassessment_weeks: int = 22) -> StatutoryDates:
    first = end_of_week(first_day, follow_up_weeks)
    reassessment = end_of_week(first_day, reassessment_weeks)
    follow_ups, cursor = [], first + timedelta(weeks=every_weeks)
    while cursor <= reassessment:
        follow_ups.append(cursor)
        cursor += timedelta(weeks=every_weeks)
    return StatutoryDates(first, tuple(follow_ups), reassessment)
