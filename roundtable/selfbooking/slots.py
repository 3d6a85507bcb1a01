"""Free slots from a weekly pattern, exceptions, closed days and busy times: pure, no database.

Everything is laid out on the Copenhagen wall clock (a pattern "Tuesday 9-12" means 9-12 local time
also across a daylight-saving change) and returned in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from cases.duetime import LOCAL_TZ


@dataclass(frozen=True)
class Pattern:
    weekday: int  # 0 = Monday
    start: time
    end: time
    minutes: int


@dataclass(frozen=True)
class Extra:
    day: date
    start: time
    minutes: int


@dataclass(frozen=True)
class Slot:
    consultant_id: int
    starts_at: datetime  # UTC
    ends_at: datetime

    @property
    def key(self) -> str:
        """What the form posts: the consultant and the start in UTC (no personal data)."""
        return f"{self.consultant_id}-{self.starts_at.astimezone(UTC):%Y%m%dT%H%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def parse_key(key: str) -> tuple[int, datetime] | None:
    try:
        consultant, moment = key.split("-", 1)
        return int(consultant), datetime.strptime(moment, "%Y%m%dT%H%M").replace(tzinfo=UTC)
    except (ValueError, AttributeError):
        return None


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LOCAL_TZ).astimezone(UTC)


def _overlaps(start: datetime, end: datetime, busy: Iterable[tuple[datetime, datetime]]) -> bool:
    return any(start < busy_end and busy_start < end for busy_start, busy_end in busy)


def free_slots(
    *, consultant_id: int, patterns: Iterable[Pattern], extras: Iterable[Extra] = (), days_off: Iterable[date] = (),
    closed: Callable[[date], bool], busy: Iterable[tuple[datetime, datetime]] = (), earliest: datetime, latest: datetime,
) -> list[Slot]:
    """The consultant's bookable slots starting in [earliest, latest): the pattern's slots and the
    extra slots, minus days off, closed days (weekends, public holidays, the admin's closed days) and
    anything overlapping a busy time."""
    patterns, extras, busy = list(patterns), list(extras), list(busy)
    days_off = set(days_off)
    found: dict[datetime, Slot] = {}
    day = earliest.astimezone(LOCAL_TZ).date()
    last = latest.astimezone(LOCAL_TZ).date()
    while day <= last:
        if day not in days_off and not closed(day):
            candidates: list[tuple[datetime, int]] = []
            for pattern in patterns:
                if pattern.weekday != day.weekday() or pattern.minutes <= 0:
                    continue
                step = timedelta(minutes=pattern.minutes)
                cursor = datetime.combine(day, pattern.start)
                stop = datetime.combine(day, pattern.end)
                while cursor + step <= stop:
                    candidates.append((_at(day, cursor.time()), pattern.minutes))
                    cursor += step
            candidates += [(_at(day, extra.start), extra.minutes) for extra in extras if extra.day == day]
            for start, minutes in candidates:
                end = start + timedelta(minutes=minutes)
                if earliest <= start < latest and start not in found and not _overlaps(start, end, busy):
                    found[start] = Slot(consultant_id=consultant_id, starts_at=start, ends_at=end)
        day += timedelta(days=1)
    return sorted(found.values(), key=lambda slot: slot.starts_at)
