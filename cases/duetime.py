"""Deadline arithmetic for sick-leave follow-up, with no database access.

Why a module of its own: deadlines here are legal obligations ("by the end of week 8"), so the
arithmetic must be deterministic, testable without a database and explainable to a caseworker
("why is this due on Tuesday?"). The rules are written for the Danish wall clock, so everything is
counted in Europe/Copenhagen and only converted to UTC at the end, for storage.

Holiday names are kept as ENGLISH msgids (as the `holidays` package returns them with
language="en_US") and translated only when shown, so stored data is language-neutral.
"""

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")
# A day-based deadline runs to the last instant of its end day: anything done that day is on time,
# and a deadline counted from "today" can never lie before a start late in the evening.
END_OF_DAY = time.max  # 23:59:59.999999, shown as 23:59
WEEKEND = "weekend"  # closed_reason() sentinel; a msgid, translated in explain()

_WEEKDAYS = (gettext_noop("Mon"), gettext_noop("Tue"), gettext_noop("Wed"), gettext_noop("Thu"),
             gettext_noop("Fri"), gettext_noop("Sat"), gettext_noop("Sun"))
# Marked for makemessages only: these are the en_US names `holidays` 0.109 gives for Denmark, plus
# our default extra closed days; explain() passes any stored name through gettext.
_HOLIDAY_NAMES = (
    gettext_noop("New Year's Day"), gettext_noop("Maundy Thursday"), gettext_noop("Good Friday"),
    gettext_noop("Easter Sunday"), gettext_noop("Easter Monday"), gettext_noop("Great Prayer Day"),
    gettext_noop("Ascension Day"), gettext_noop("Pentecost"), gettext_noop("Pentecost Monday"),
    gettext_noop("Christmas Day"), gettext_noop("Second Day of Christmas"),
    gettext_noop("Constitution Day"), gettext_noop("Christmas Eve"), gettext_noop("New Year's Eve"),
    gettext_noop("closed day"),  # an extra closed day given without a name
)


class Unit(StrEnum):
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"


class CalendarMode(StrEnum):
    CLOCK = "clock"  # calendar time; day/week deadlines still roll off a closed end day
    WORKING = "working"  # only working days count


@dataclass(frozen=True)
class WorkCalendar:
    """Which local dates are working days. Weekends are always closed, so only list other days.

    The caller must cover every year a deadline can reach (start year and the next, typically):
    a date outside the loaded years silently counts as an ordinary weekday.
    """

    closed_days: frozenset[date]
    names: Mapping[date, str] = field(default_factory=dict, hash=False)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.closed_days

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def closed_reason(self, d: date) -> str | None:
        """WEEKEND, the day's name (an untranslated msgid) or None if the day is open.

        Weekend wins over a holiday on a Saturday or Sunday (Easter Sunday, Pentecost) so that
        explanations say "weekend" once rather than naming days that are closed anyway.
        """
        if d.weekday() >= 5:
            return WEEKEND
        if d in self.closed_days:
            return self.names.get(d) or gettext_noop("closed day")
        return None


def DEFAULT_EXTRA_CLOSED_DAYS(year: int) -> dict[date, str]:
    """Days the municipality is closed although they are not public holidays in `holidays`.

    Upper-case name kept from the agreed API (it reads like the constant table it is)."""
    return {
        date(year, 6, 5): gettext_noop("Constitution Day"),  # Grundlovsdag
        date(year, 12, 24): gettext_noop("Christmas Eve"),  # Juleaftensdag
        date(year, 12, 31): gettext_noop("New Year's Eve"),  # Nytårsaftensdag
    }


@functools.lru_cache(maxsize=32)
def _public_holidays(years: tuple[int, ...]) -> tuple[tuple[date, str], ...]:
    """Pure and costly (the library builds every rule): computed once per set of years and process."""
    # The library knows Store Bededag was abolished after 2023; en_US keeps names language-neutral.
    return tuple(holidays.Denmark(years=list(years), language="en_US").items())


def danish_calendar(
    *, years: Iterable[int], extra_closed: Mapping[date, str] | Iterable[date] = ()
) -> WorkCalendar:
    """Danish public holidays for `years` plus `extra_closed` (not added automatically, so the
    caller decides, e.g. `DEFAULT_EXTRA_CLOSED_DAYS(y)` or the municipality's own list)."""
    names: dict[date, str] = dict(_public_holidays(tuple(sorted(set(years)))))
    if isinstance(extra_closed, Mapping):
        names.update(extra_closed)
    else:
        names.update((d, gettext_noop("closed day")) for d in extra_closed)
    return WorkCalendar(closed_days=frozenset(names), names=names)


def _to_utc(local: datetime) -> datetime:
    """Local wall time -> UTC. fold=0 picks the first of an ambiguous pair and, for a wall time
    skipped by the spring change, the pre-change offset (so 02:30 becomes 03:30 summer time)."""
    return local.replace(tzinfo=LOCAL_TZ, fold=0).astimezone(UTC)


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(LOCAL_TZ)


@dataclass(frozen=True)
class DueTime:
    start: datetime
    due_at: datetime  # UTC
    amount: int
    unit: Unit
    mode: CalendarMode
    skipped: tuple[tuple[date, str], ...] = ()  # closed days passed over, with closed_reason()
    rolled_from: date | None = None  # the computed end date, when it was closed and moved on
    start_is_day_one: bool = False

    def explain(self) -> str:
        """One line for caseworkers, e.g. "48 working hours from Fri 14/3 15:00: weekend skipped
        → Tue 18/3 15:00", so a deadline can be checked by hand."""
        n, start = self.amount, _fmt_moment(self.start)
        if self.unit is Unit.HOURS and self.mode is CalendarMode.WORKING:
            head = ngettext(
                "%(n)s working hour from %(start)s", "%(n)s working hours from %(start)s", n
            )
        elif self.unit is Unit.HOURS:
            head = ngettext("%(n)s hour from %(start)s", "%(n)s hours from %(start)s", n)
        elif self.unit is Unit.WEEKS:
            head = ngettext("%(n)s week from %(start)s", "%(n)s weeks from %(start)s", n)
        elif self.mode is CalendarMode.WORKING:
            head = ngettext(
                "%(n)s working day from %(start)s", "%(n)s working days from %(start)s", n
            )
        else:
            head = ngettext("%(n)s day from %(start)s", "%(n)s days from %(start)s", n)
        text = head % {"n": n, "start": start}
        if self.start_is_day_one:
            text += " " + _("(start day counts as day 1)")
        # Only day/week deadlines roll, and those skip nothing while counting: one detail is enough.
        if self.rolled_from is not None:
            ends, reason = _fmt_date(self.rolled_from), self.skipped[0][1]
            if reason != WEEKEND:  # the weekday already says "weekend"; a holiday needs its name
                ends += f" ({_(reason)})"
            text += ": " + _("ends %(date)s, moved to next working day") % {"date": ends}
        elif self.skipped:
            text += ": " + _("%(days)s skipped") % {"days": _describe_skipped(self.skipped)}
        return f"{text} → {_fmt_moment(self.due_at)}"


def _fmt_date(d: date) -> str:
    # Own weekday table rather than the process locale, which is not Danish on most servers.
    return f"{_(_WEEKDAYS[d.weekday()])} {d.day}/{d.month}"


def _fmt_moment(moment: datetime) -> str:
    local = moment.astimezone(LOCAL_TZ)
    return f"{_fmt_date(local.date())} {local:%H:%M}"


def _describe_skipped(skipped: tuple[tuple[date, str], ...]) -> str:
    """Distinct reasons in order; weekends are counted, not listed day by day."""
    reasons: list[str] = []
    weekends = {d.isocalendar()[:2] for d, reason in skipped if reason == WEEKEND}
    for _d, reason in skipped:
        if reason == WEEKEND:
            label = ngettext("weekend", "%(n)s weekends", len(weekends)) % {"n": len(weekends)}
        else:
            label = _(reason)
        if label not in reasons:
            reasons.append(label)
    return ", ".join(reasons)


def compute_due(
    *,
    start: datetime,
    amount: int,
    unit: Unit,
    mode: CalendarMode,
    calendar: WorkCalendar,
    start_is_day_one: bool = False,
) -> DueTime:
    """When a deadline of `amount` `unit`s from `start` falls due, and why.

    HOURS: CLOCK adds elapsed hours; WORKING counts all 24 wall-clock hours of each working day
    and none of a closed day. DAYS/WEEKS run to END_OF_DAY of the end date, which moves to the
    next working day if closed; WORKING DAYS count working days only. `start_is_day_one` makes
    the start day day 1 ("by the end of week 8 from the first absence day" = first day + 55).
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"amount must be a positive integer, got {amount!r}")
    try:
        unit, mode = Unit(unit), CalendarMode(mode)
    except ValueError as exc:
        raise ValueError(f"unknown unit or calendar mode: {exc}") from None
    local = _local(start)
    skipped: list[tuple[date, str]] = []
    rolled_from = None

    def skip(d: date) -> None:
        skipped.append((d, calendar.closed_reason(d)))

    if unit is Unit.HOURS and mode is CalendarMode.CLOCK:
        due = start.astimezone(UTC) + timedelta(hours=amount)
    elif unit is Unit.HOURS:
        # Walk naive wall time date by date, so a working day is always 24 counted hours.
        cursor, remaining = local.replace(tzinfo=None), timedelta(hours=amount)
        while True:
            midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
            if calendar.is_working_day(cursor.date()):
                if remaining <= midnight - cursor:  # "<=": ending at 24:00 must not jump to Monday
                    break
                remaining -= midnight - cursor
            else:
                skip(cursor.date())
            cursor = midnight
        due = _to_utc(cursor + remaining)
    elif mode is CalendarMode.WORKING and unit is Unit.DAYS:
        d = local.date()
        if start_is_day_one:
            while not calendar.is_working_day(d):  # day 1 is the first working day from start
                skip(d)
                d += timedelta(days=1)
            counted = 1
        else:
            counted = 0
        while counted < amount:
            d += timedelta(days=1)
            if calendar.is_working_day(d):
                counted += 1
            else:
                skip(d)
        due = _to_utc(datetime.combine(d, END_OF_DAY))
    else:  # DAYS in CLOCK mode, WEEKS in either mode: calendar days, then roll off a closed day
        days = amount * 7 if unit is Unit.WEEKS else amount
        end = local.date() + timedelta(days=days - 1 if start_is_day_one else days)
        if not calendar.is_working_day(end):
            rolled_from = end
            while not calendar.is_working_day(end):
                skip(end)
                end += timedelta(days=1)
        due = _to_utc(datetime.combine(end, END_OF_DAY))

    return DueTime(
        start=start, due_at=due, amount=amount, unit=unit, mode=mode, skipped=tuple(skipped),
        rolled_from=rolled_from, start_is_day_one=start_is_day_one and unit is not Unit.HOURS,
    )


def is_working_time(
    moment: datetime,
    calendar: WorkCalendar,
    *,
    day_start: time = time(8, 0),
    day_end: time = time(16, 0),
) -> bool:
    """Whether `moment` is in office hours: reminders are not sent at night or on holidays."""
    local = _local(moment)
    return calendar.is_working_day(local.date()) and day_start <= local.time() < day_end


def next_working_time(
    moment: datetime,
    calendar: WorkCalendar,
    *,
    day_start: time = time(8, 0),
    day_end: time = time(16, 0),
) -> datetime:
    """`moment` (in UTC) if it is working time, else the next opening time (UTC), to which a
    reminder outside office hours is postponed."""
    local = _local(moment)
    if is_working_time(moment, calendar, day_start=day_start, day_end=day_end):
        return moment.astimezone(UTC)
    d = local.date()
    if not (calendar.is_working_day(d) and local.time() < day_start):
        d = calendar.next_working_day(d + timedelta(days=1))
    return _to_utc(datetime.combine(d, day_start))


# --- pausing a clock: the stopped time, counted in the clock's own calendar ---------------------


def working_time_between(start: datetime, end: datetime, calendar: WorkCalendar) -> timedelta:
    """How much working time lies between two moments: all 24 wall-clock hours of a working day, none
    of a closed day (the same measure `compute_due` uses for working-hour clocks)."""
    if end <= start:
        return timedelta(0)
    cursor, stop = _local(start).replace(tzinfo=None), _local(end).replace(tzinfo=None)
    total = timedelta(0)
    while cursor < stop:
        midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
        piece_end = min(midnight, stop)
        if calendar.is_working_day(cursor.date()):
            total += piece_end - cursor
        cursor = piece_end
    return total


def add_working_time(moment: datetime, amount: timedelta, calendar: WorkCalendar) -> datetime:
    """`moment` plus `amount` of working time (closed days do not count). Ends at 24:00 of a working
    day rather than jumping to the next one, like `compute_due`."""
    cursor, remaining = _local(moment).replace(tzinfo=None), amount
    if remaining <= timedelta(0):
        return moment
    while True:
        midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
        if calendar.is_working_day(cursor.date()):
            if remaining <= midnight - cursor:
                break
            remaining -= midnight - cursor
        cursor = midnight
    return _to_utc(cursor + remaining)


@dataclass(frozen=True)
class PauseShift:
    due_at: datetime  # UTC
    added: str  # for people: "18 working hours", "2 days"


def shift_for_pause(
    *, due_at: datetime, paused_at: datetime, resumed_at: datetime, unit: Unit, mode: CalendarMode,
    calendar: WorkCalendar,
) -> PauseShift:
    """The due time after a pause from `paused_at` to `resumed_at`, counted in the clock's calendar.

    - hours on the clock: the wall-clock time paused is added;
    - working hours: only the working time paused is added, to the due time in working time (a pause over
      a weekend adds nothing for Saturday and Sunday);
    - days or weeks: the calendar days the clock stood still (working days only for a working-day
      clock) move the end day, which still runs to 23:59 and moves off a closed day.
    """
    unit, mode = Unit(unit), CalendarMode(mode)
    if resumed_at <= paused_at:
        return PauseShift(due_at=due_at, added=_("nothing"))
    if unit is Unit.HOURS and mode is CalendarMode.CLOCK:
        paused = resumed_at - paused_at
        return PauseShift(due_at=due_at + paused, added=_hours_text(paused, working=False))
    if unit is Unit.HOURS:
        paused = working_time_between(paused_at, resumed_at, calendar)
        return PauseShift(due_at=add_working_time(due_at, paused, calendar), added=_hours_text(paused, working=True))
    first, last = _local(paused_at).date(), _local(resumed_at).date()
    end = _local(due_at).date()
    if mode is CalendarMode.WORKING:
        stood = sum(1 for n in range((last - first).days) if calendar.is_working_day(first + timedelta(days=n)))
        for _n in range(stood):
            end = calendar.next_working_day(end + timedelta(days=1))
        added = ngettext("%(n)s working day", "%(n)s working days", stood) % {"n": stood}
    else:
        stood = (last - first).days
        end = calendar.next_working_day(end + timedelta(days=stood))
        added = ngettext("%(n)s day", "%(n)s days", stood) % {"n": stood}
    if stood == 0:
        return PauseShift(due_at=due_at, added=added)
    return PauseShift(due_at=_to_utc(datetime.combine(end, END_OF_DAY)), added=added)


def _hours_text(delta: timedelta, *, working: bool) -> str:
    hours = round(delta.total_seconds() / 3600, 1)
    shown = int(hours) if hours == int(hours) else hours
    if working:
        return ngettext("%(n)s working hour", "%(n)s working hours", int(hours) if hours == int(hours) else 2) % {"n": shown}
    return ngettext("%(n)s hour", "%(n)s hours", int(hours) if hours == int(hours) else 2) % {"n": shown}
