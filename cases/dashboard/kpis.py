"""Key figures as pure functions: no database, so each can be checked against a hand count.

The selectors fetch plain rows for a period; these functions turn them into shares, medians and
monthly series.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from cases.aftercare import add_months
from cases.models.case import Case

# Outcomes counted as "retained in the job" (Hedensted's measure) and as "attached to the workplace
# through partial return or work trial" (Varde's measure). Defined on the model: the close form
# explains the same sets.
RETAINED_OUTCOMES = Case.RETAINED_OUTCOMES
ATTACHED_OUTCOMES = Case.ATTACHED_OUTCOMES


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        """Rounded to one decimal; None when there is nothing to measure (never a fake 0 %)."""
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


@dataclass(frozen=True)
class DeadlineRow:
    due_at: datetime
    state: str  # Deadline.State value
    met_at: datetime | None = None


def deadline_decided(row: DeadlineRow, now: datetime) -> bool:
    """A clock counts once it is met or its time has run out; a clock still running does not."""
    if row.state == "met":
        return True
    return row.state == "breached" or (row.state == "open" and row.due_at < now)


def deadline_on_time(row: DeadlineRow) -> bool:
    return row.state == "met" and row.met_at is not None and row.met_at <= row.due_at


def on_time_share(rows: Iterable[DeadlineRow], *, now: datetime) -> Share:
    """Share of decided clocks met by their due time. Cancelled and paused clocks are left out."""
    decided = [row for row in rows if deadline_decided(row, now)]
    return Share(sum(1 for row in decided if deadline_on_time(row)), len(decided))


def median_duration(pairs: Iterable[tuple[datetime, datetime]]) -> timedelta | None:
    """Median of (end - start) over pairs, e.g. first contact -> first meeting held."""
    seconds = [(end - start).total_seconds() for start, end in pairs if start is not None and end is not None]
    if not seconds:
        return None
    return timedelta(seconds=median(seconds))


def mean_duration(pairs: Iterable[tuple[datetime, datetime]]) -> timedelta | None:
    """Mean of (end - start) over pairs; None when there is nothing to measure."""
    seconds = [(end - start).total_seconds() for start, end in pairs if start is not None and end is not None]
    if not seconds:
        return None
    return timedelta(seconds=sum(seconds) / len(seconds))


def days(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def hours(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 3600, 1)


def outcome_shares(counts: Mapping[str, int]) -> dict[str, Share]:
    """From closed cases per outcome: retained in the job, attached via partial return or work trial."""
    total = sum(counts.values())
    return {
        "retained": Share(sum(n for outcome, n in counts.items() if outcome in RETAINED_OUTCOMES), total),
        "attached": Share(sum(n for outcome, n in counts.items() if outcome in ATTACHED_OUTCOMES), total),
    }


def calls_settled_share(settled: Iterable[bool]) -> Share:
    values = list(settled)
    return Share(sum(1 for value in values if value), len(values))


def months_between(start: date, end: date) -> list[date]:
    """First day of every month touched by [start, end]."""
    months, cursor = [], date(start.year, start.month, 1)
    while cursor <= end:
        months.append(cursor)
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return months


def monthly_on_time(
    rows: Iterable[tuple[date, DeadlineRow]], *, start: date, end: date, now: datetime
) -> OrderedDict[date, Share]:
    """On-time share per month of the due date (local date given with each row)."""
    buckets: dict[date, list[DeadlineRow]] = {month: [] for month in months_between(start, end)}
    for local_due, row in rows:
        month = date(local_due.year, local_due.month, 1)
        if month in buckets:
            buckets[month].append(row)
    return OrderedDict((month, on_time_share(items, now=now)) for month, items in buckets.items())


def caseload_ratio(open_cases: int, target: int) -> float | None:
    """Open cases as a percentage of the consultant's target (100 = exactly on target)."""
    if not target:
        return None
    return round(100 * open_cases / target)


def count_by(values: Iterable[str]) -> Counter:
    return Counter(values)


def relapse_share(rows: Iterable[tuple[date, date | None]], *, months: int) -> Share:
    """Of the retained closings (closing date, first relapse date or None): how many relapsed within
    `months` of the closing. A closing younger than that still counts in the "out of" (it may yet relapse)."""
    values = list(rows)
    relapsed = sum(1 for closed_on, relapse_on in values
                   if relapse_on is not None and closed_on <= relapse_on <= add_months(closed_on, months))
    return Share(relapsed, len(values))
