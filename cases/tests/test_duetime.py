"""Deadline arithmetic (cases.duetime): pure functions, no database."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.duetime import (
    DEFAULT_EXTRA_CLOSED_DAYS,
    WEEKEND,
    CalendarMode,
    Unit,
    WorkCalendar,
    compute_due,
    danish_calendar,
    is_working_time,
    next_working_time,
)

CPH = ZoneInfo("Europe/Copenhagen")
YEARS = range(2023, 2033)
EXTRA = {d: name for y in YEARS for d, name in DEFAULT_EXTRA_CLOSED_DAYS(y).items()}
CAL = danish_calendar(years=YEARS, extra_closed=EXTRA)
HOLIDAYS_ONLY = danish_calendar(years=YEARS)


def local(*args, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=CPH, fold=fold)


def due(start, amount, unit, mode, calendar=CAL, **kw):
    return compute_due(start=start, amount=amount, unit=unit, mode=mode, calendar=calendar, **kw)


def working_hours(start, amount, calendar=CAL):
    return due(start, amount, Unit.HOURS, CalendarMode.WORKING, calendar).due_at


# --- calendar -------------------------------------------------------------------------------


def test_store_bededag_only_until_2023():
    assert not CAL.is_working_day(date(2023, 5, 5))
    assert CAL.is_working_day(date(2024, 4, 26))


def test_closed_reasons_and_next_working_day():
    assert CAL.closed_reason(date(2026, 4, 3)) == "Good Friday"
    assert CAL.closed_reason(date(2026, 4, 5)) == WEEKEND  # Easter Sunday: weekend wins
    assert CAL.closed_reason(date(2026, 6, 5)) == "Constitution Day"
    assert CAL.closed_reason(date(2026, 6, 4)) is None
    assert CAL.next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert CAL.next_working_day(date(2026, 12, 28)) == date(2026, 12, 28)
    assert HOLIDAYS_ONLY.is_working_day(date(2026, 12, 24))  # extra days are opt-in


def test_extra_closed_days_without_names():
    cal = danish_calendar(years=[2026], extra_closed=[date(2026, 8, 3)])
    assert not cal.is_working_day(date(2026, 8, 3))
    assert cal.closed_reason(date(2026, 8, 3)) == "closed day"
    plain = WorkCalendar(closed_days=frozenset())
    assert plain.is_working_day(date(2026, 12, 25)) and not plain.is_working_day(date(2026, 12, 26))
    assert hash(CAL)  # frozen and usable as a cache key


# --- working hours --------------------------------------------------------------------------


def test_friday_afternoon_plus_48_working_hours_is_tuesday():
    result = due(local(2025, 3, 14, 15), 48, Unit.HOURS, CalendarMode.WORKING)
    assert result.due_at == local(2025, 3, 18, 15).astimezone(UTC)
    assert result.due_at.tzinfo is UTC
    assert [d for d, _ in result.skipped] == [date(2025, 3, 15), date(2025, 3, 16)]
    assert result.rolled_from is None


def test_monday_plus_48_working_hours_is_wednesday():
    assert working_hours(local(2025, 3, 10, 9), 48) == local(2025, 3, 12, 9)


def test_start_on_saturday_counts_from_monday_midnight():
    assert working_hours(local(2025, 3, 15, 11, 30), 48) == local(2025, 3, 19, 0)
    assert working_hours(local(2025, 3, 15, 11, 30), 10) == local(2025, 3, 17, 10)


def test_ending_exactly_at_midnight_before_weekend_stays_on_friday():
    # Friday 00:00 + 24 h ends at Friday 24:00 (= Saturday 00:00), not Monday.
    assert working_hours(local(2025, 3, 14, 0), 24) == local(2025, 3, 15, 0)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # Easter 2025: Maundy Thu 17/4, Good Fri 18/4, Easter Mon 21/4.
        (local(2025, 4, 16, 15), 48, local(2025, 4, 23, 15)),
        # Easter 2026: 2/4, 3/4, 6/4.
        (local(2026, 4, 1, 15), 48, local(2026, 4, 8, 15)),
        # Ascension 2026 (Thu 14/5); the Friday after is a working day.
        (local(2026, 5, 13, 10), 24, local(2026, 5, 15, 10)),
        # Whit Monday 2026 (25/5).
        (local(2026, 5, 22, 10), 24, local(2026, 5, 26, 10)),
        # Christmas 2026: 24/12 (extra closed), 25, 26, then Sunday 27.
        (local(2026, 12, 23, 12), 24, local(2026, 12, 28, 12)),
        # New Year: 31/12/2026 (extra closed), 1/1/2027 (Friday), weekend.
        (local(2026, 12, 30, 12), 24, local(2027, 1, 4, 12)),
        # Grundlovsdag 5/6/2026 is a Friday.
        (local(2026, 6, 4, 12), 24, local(2026, 6, 8, 12)),
    ],
)
def test_working_hours_skip_holidays(start, hours, expected):
    assert working_hours(start, hours) == expected


def test_grundlovsdag_is_only_closed_as_an_extra_day():
    assert working_hours(local(2026, 6, 4, 12), 24, HOLIDAYS_ONLY) == local(2026, 6, 5, 12)


def test_easter_skipped_days_are_named():
    result = due(local(2025, 4, 16, 15), 48, Unit.HOURS, CalendarMode.WORKING)
    assert dict(result.skipped) == {
        date(2025, 4, 17): "Maundy Thursday",
        date(2025, 4, 18): "Good Friday",
        date(2025, 4, 19): WEEKEND,
        date(2025, 4, 20): WEEKEND,
        date(2025, 4, 21): "Easter Monday",
    }


# --- DST ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected_local", "utc_offset_hours"),
    [
        # 29 March 2026: clocks go forward, 48 elapsed hours end an hour later on the wall clock.
        (local(2026, 3, 28, 12), local(2026, 3, 30, 13), 2),
        # 25 October 2026: clocks go back, 48 elapsed hours end an hour earlier.
        (local(2026, 10, 24, 12), local(2026, 10, 26, 11), 1),
    ],
)
def test_clock_hours_across_dst(start, expected_local, utc_offset_hours):
    result = due(start, 48, Unit.HOURS, CalendarMode.CLOCK)
    assert result.due_at - start.astimezone(UTC) == timedelta(hours=48)
    assert result.due_at == expected_local
    assert result.due_at.astimezone(CPH).utcoffset() == timedelta(hours=utc_offset_hours)
    assert result.skipped == () and result.rolled_from is None  # clock hours never roll


def test_working_hours_across_dst_keep_wall_time():
    assert working_hours(local(2026, 3, 27, 15), 48) == local(2026, 3, 31, 15)
    assert working_hours(local(2026, 10, 23, 15), 48) == local(2026, 10, 27, 15)


@pytest.mark.parametrize(
    ("start", "days", "expected_utc"),
    [
        # Winter time start, summer time end: 23:59:59 local = 21:59:59 UTC.
        (local(2026, 3, 25, 10), 7, datetime(2026, 4, 1, 21, 59, 59, 999999, tzinfo=UTC)),
        # Start on the spring-forward Sunday itself.
        (local(2026, 3, 29, 3, 30), 1, datetime(2026, 3, 30, 21, 59, 59, 999999, tzinfo=UTC)),
        # Summer time start, winter time end: 23:59:59 local = 22:59:59 UTC.
        (local(2026, 10, 21, 10), 7, datetime(2026, 10, 28, 22, 59, 59, 999999, tzinfo=UTC)),
        (local(2026, 10, 25, 2, 30, fold=1), 1, datetime(2026, 10, 26, 22, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_day_deadlines_across_dst_end_at_local_2359(start, days, expected_utc):
    assert due(start, days, Unit.DAYS, CalendarMode.CLOCK).due_at == expected_utc


# --- days and weeks -------------------------------------------------------------------------


def test_four_weeks_ending_on_sunday_moves_to_monday():
    result = due(local(2026, 3, 1, 10), 4, Unit.WEEKS, CalendarMode.CLOCK)
    assert result.rolled_from == date(2026, 3, 29)
    assert result.due_at.astimezone(CPH).date() == date(2026, 3, 30)
    assert result.due_at.astimezone(CPH).strftime("%H:%M") == "23:59"


def test_eight_days():
    result = due(local(2026, 3, 2, 10), 8, Unit.DAYS, CalendarMode.CLOCK)
    assert result.due_at == datetime.combine(date(2026, 3, 10), time.max, tzinfo=CPH)
    assert result.rolled_from is None


def test_end_of_week_eight_from_first_absence_day():
    # First absence day Wed 7/1/2026 is day 1, so week 8 ends on day 56 = Tue 3/3.
    result = due(local(2026, 1, 7, 9), 8, Unit.WEEKS, CalendarMode.CLOCK, start_is_day_one=True)
    assert result.due_at.astimezone(CPH).date() == date(2026, 1, 7) + timedelta(days=55)
    # Starting on a Monday the 56th day is a Sunday, which rolls to Monday.
    result = due(local(2026, 1, 5, 9), 8, Unit.WEEKS, CalendarMode.CLOCK, start_is_day_one=True)
    assert result.rolled_from == date(2026, 3, 1)
    assert result.due_at.astimezone(CPH).date() == date(2026, 3, 2)


def test_two_weeks_ending_christmas_eve_moves_to_28_december():
    result = due(local(2026, 12, 10, 10), 2, Unit.WEEKS, CalendarMode.WORKING)
    assert result.rolled_from == date(2026, 12, 24)
    assert result.due_at.astimezone(CPH).date() == date(2026, 12, 28)
    # 26/12/2026 is a Saturday, so it is reported as weekend.
    assert result.skipped == (
        (date(2026, 12, 24), "Christmas Eve"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), WEEKEND),
        (date(2026, 12, 27), WEEKEND),
    )


def test_working_days_skip_closed_days():
    # Wed 1/4/2026 + 3 working days: Thu/Fri/Sat/Sun/Mon closed for Easter -> Tue, Wed, Thu.
    result = due(local(2026, 4, 1, 10), 3, Unit.DAYS, CalendarMode.WORKING)
    assert result.due_at.astimezone(CPH).date() == date(2026, 4, 9)
    assert len(result.skipped) == 5 and result.rolled_from is None
    # With start_is_day_one the (working) start day itself is day 1.
    result = due(local(2026, 4, 1, 10), 3, Unit.DAYS, CalendarMode.WORKING, start_is_day_one=True)
    assert result.due_at.astimezone(CPH).date() == date(2026, 4, 8)
    # ...but a closed start day is not: day 1 is the next working day.
    result = due(local(2026, 4, 4, 10), 1, Unit.DAYS, CalendarMode.WORKING, start_is_day_one=True)
    assert result.due_at.astimezone(CPH).date() == date(2026, 4, 7)


def test_string_units_and_modes_are_accepted():
    result = due(local(2026, 3, 2, 10), 1, "weeks", "clock")
    assert result.unit is Unit.WEEKS and result.mode is CalendarMode.CLOCK


@pytest.mark.parametrize(
    "kwargs",
    [
        {"amount": 0},
        {"amount": -3},
        {"amount": True},
        {"amount": 1.5},
        {"unit": "months"},
        {"mode": "lunar"},
        {"start": datetime(2026, 3, 2, 10)},  # naive
    ],
)
def test_invalid_input_raises_value_error(kwargs):
    args = {"start": local(2026, 3, 2, 10), "amount": 1, "unit": Unit.DAYS, "mode": "clock"}
    with pytest.raises(ValueError):
        compute_due(**{**args, **kwargs}, calendar=CAL)


# --- explain() ------------------------------------------------------------------------------


def test_explain_in_english():
    with translation.override("en"):
        assert due(local(2025, 3, 14, 15), 48, Unit.HOURS, CalendarMode.WORKING).explain() == (
            "48 working hours from Fri 14/3 15:00: weekend skipped → Tue 18/3 15:00"
        )
        start_day_one = due(
            local(2026, 3, 2, 10), 4, Unit.WEEKS, CalendarMode.CLOCK, start_is_day_one=True
        )
        assert start_day_one.explain() == (
            "4 weeks from Mon 2/3 10:00 (start day counts as day 1): "
            "ends Sun 29/3, moved to next working day → Mon 30/3 23:59"
        )
        christmas = due(local(2026, 12, 10, 10), 2, Unit.WEEKS, CalendarMode.WORKING).explain()
        assert christmas == (
            "2 weeks from Thu 10/12 10:00: ends Thu 24/12 (Christmas Eve), "
            "moved to next working day → Mon 28/12 23:59"
        )
        easter = due(local(2025, 4, 16, 15), 48, Unit.HOURS, CalendarMode.WORKING).explain()
        assert easter == (
            "48 working hours from Wed 16/4 15:00: Maundy Thursday, Good Friday, weekend, "
            "Easter Monday skipped → Wed 23/4 15:00"
        )
        three_weeks = due(local(2026, 3, 2, 10), 15, Unit.DAYS, CalendarMode.WORKING).explain()
        assert three_weeks == "15 working days from Mon 2/3 10:00: 3 weekends skipped → Mon 23/3 23:59"
        assert due(local(2026, 3, 2, 10), 1, Unit.HOURS, CalendarMode.CLOCK).explain() == (
            "1 hour from Mon 2/3 10:00 → Mon 2/3 11:00"
        )


def test_explain_in_danish_keeps_numbers_dates_and_arrow():
    # Translations may not be compiled yet: accept the Danish or the English words.
    with translation.override("da"):
        text = due(local(2025, 4, 16, 15), 48, Unit.HOURS, CalendarMode.WORKING).explain()
    assert text.startswith("48 ")
    assert any(w in text for w in ("ons 16/4 15:00", "Wed 16/4 15:00"))
    assert any(w in text for w in ("→ ons 23/4 15:00", "→ Wed 23/4 15:00"))
    assert any(w in text for w in ("Langfredag", "Good Friday"))


# --- working time for reminders -------------------------------------------------------------


def test_friday_evening_reminder_waits_until_monday_morning():
    friday = local(2026, 3, 6, 17)
    assert not is_working_time(friday, CAL)
    nxt = next_working_time(friday, CAL)
    assert nxt == local(2026, 3, 9, 8) and nxt.tzinfo is UTC
    assert is_working_time(nxt, CAL)


def test_next_working_time_skips_holidays_and_keeps_working_moments():
    assert next_working_time(local(2026, 4, 1, 16), CAL) == local(2026, 4, 7, 8)  # Easter
    assert next_working_time(local(2026, 4, 7, 6, 30), CAL) == local(2026, 4, 7, 8)
    inside = local(2026, 4, 7, 9, 15)
    assert next_working_time(inside, CAL) == inside
    assert not is_working_time(local(2026, 4, 7, 16), CAL)  # day_end is exclusive
    assert is_working_time(local(2026, 4, 7, 16), CAL, day_end=time(17))
    assert next_working_time(local(2026, 4, 7, 7), CAL, day_start=time(9)) == local(2026, 4, 7, 9)


def test_working_time_rejects_naive_datetimes():
    with pytest.raises(ValueError):
        is_working_time(datetime(2026, 4, 7, 9), CAL)
    with pytest.raises(ValueError):
        next_working_time(datetime(2026, 4, 7, 9), CAL)


# --- properties -----------------------------------------------------------------------------

starts = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 12, 31, 23, 59),
    timezones=st.sampled_from([UTC, CPH]),
)
policies = st.tuples(
    st.sampled_from(list(Unit)),
    st.sampled_from(list(CalendarMode)),
    st.integers(min_value=1, max_value=60),
    st.booleans(),
)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)


@PROPERTY_SETTINGS
@given(start=starts, policy=policies)
def test_due_is_never_before_start_and_day_deadlines_end_on_working_days(start, policy):
    unit, mode, amount, day_one = policy
    result = due(start, amount, unit, mode, start_is_day_one=day_one)
    assert result.due_at.tzinfo is UTC
    assert result.due_at >= start
    if unit is not Unit.HOURS:
        end = result.due_at.astimezone(CPH)
        assert CAL.is_working_day(end.date())
        assert end.time() == time.max
    assert all(not CAL.is_working_day(d) for d, _ in result.skipped)


@PROPERTY_SETTINGS
@given(a=starts, b=starts, policy=policies)
def test_a_later_start_never_gives_an_earlier_due_time(a, b, policy):
    unit, mode, amount, day_one = policy
    early, late = sorted((a, b))
    assert (
        due(early, amount, unit, mode, start_is_day_one=day_one).due_at
        <= due(late, amount, unit, mode, start_is_day_one=day_one).due_at
    )


@PROPERTY_SETTINGS
@given(start=starts, amount=st.integers(min_value=1, max_value=200))
def test_working_hours_count_exactly_the_hours_on_working_days(start, amount):
    # Re-count by wall clock: the hours between start and due that fall on working days.
    begin = start.astimezone(CPH).replace(tzinfo=None)
    end = due(start, amount, Unit.HOURS, CalendarMode.WORKING).due_at.astimezone(CPH)
    end = end.replace(tzinfo=None)
    counted, day = timedelta(), begin.date()
    while day <= end.date():
        lo = max(begin, datetime.combine(day, time()))
        hi = min(end, datetime.combine(day + timedelta(days=1), time()))
        if CAL.is_working_day(day) and hi > lo:
            counted += hi - lo
        day += timedelta(days=1)
    assert counted == timedelta(hours=amount)
