"""The sickness period engine and the alert rules at their edges (pure functions, no database)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cases.absence.periods import Spell, end_of_week, merge_spells, statutory_dates, week_of
from cases.absence.rules import consecutive_days_hits, spells_in_window_hits

D = timedelta(days=1)
MON = date(2026, 1, 5)  # a Monday; 3 months later (5 April) is exactly 90 days later


def spell(first: date, days: int | None) -> Spell:
    return Spell(first, None if days is None else first + (days - 1) * D)


# --- gaps: 15 / 16 / 17 non-sick days with G = 16 ---------------------------------------------------


def _two_with_gap(gap: int) -> list[Spell]:
    first = spell(MON, 5)  # 5-9 January
    return [first, spell(first.last_day + (gap + 1) * D, 3)]


def test_a_gap_of_15_days_keeps_one_period():
    periods = merge_spells(_two_with_gap(15), gap_days=16)
    assert len(periods) == 1 and periods[0].first_day == MON


def test_a_gap_of_16_days_starts_a_new_period():
    periods = merge_spells(_two_with_gap(16), gap_days=16)
    assert [p.first_day for p in periods] == [MON, date(2026, 1, 26)]


def test_a_gap_of_17_days_starts_a_new_period():
    assert len(merge_spells(_two_with_gap(17), gap_days=16)) == 2


def test_an_ongoing_spell_swallows_what_follows():
    periods = merge_spells([spell(MON, None), spell(MON + 60 * D, 2)], gap_days=16)
    assert len(periods) == 1 and periods[0].ongoing


# --- consecutive days: day 6 / 7 / 8 -----------------------------------------------------------------


def test_six_days_raise_nothing():
    assert consecutive_days_hits([spell(MON, 6)], days=7, gap_days=16, today=MON + 30 * D) == []


def test_the_seventh_day_raises_one_alert_on_that_day():
    (hit,) = consecutive_days_hits([spell(MON, 7)], days=7, gap_days=16, today=MON + 30 * D)
    assert hit.key == MON and hit.triggered_on == MON + 6 * D


def test_eight_days_raise_the_same_single_alert():
    (hit,) = consecutive_days_hits([spell(MON, 8)], days=7, gap_days=16, today=MON + 30 * D)
    assert hit.triggered_on == MON + 6 * D


def test_an_ongoing_spell_counts_to_today():
    ongoing = [spell(MON, None)]
    assert consecutive_days_hits(ongoing, days=7, gap_days=16, today=MON + 5 * D) == []
    assert len(consecutive_days_hits(ongoing, days=7, gap_days=16, today=MON + 6 * D)) == 1


def test_touching_spells_are_consecutive_days_but_a_gap_day_is_not():
    touching = [spell(MON, 4), spell(MON + 4 * D, 3)]
    assert len(consecutive_days_hits(touching, days=7, gap_days=16, today=MON + 30 * D)) == 1
    gap = [spell(MON, 4), spell(MON + 5 * D, 3)]
    assert consecutive_days_hits(gap, days=7, gap_days=16, today=MON + 30 * D) == []


# --- 3 spells in 89 / 90 / 92 days ------------------------------------------------------------------


def _three_spanning(days: int) -> list[Spell]:
    return [spell(MON, 2), spell(MON + 40 * D, 1), spell(MON + days * D, 1)]


def test_three_spells_within_89_days_raise_an_alert():
    (hit,) = spells_in_window_hits(_three_spanning(89), count=3, months=3, today=MON + 120 * D)
    assert hit.key == MON and hit.triggered_on == MON + 89 * D


def test_three_spells_90_days_apart_are_outside_three_months():
    assert (MON + 90 * D) == date(2026, 4, 5)  # the same date three months later
    assert spells_in_window_hits(_three_spanning(90), count=3, months=3, today=MON + 120 * D) == []


def test_three_spells_92_days_apart_raise_nothing():
    assert spells_in_window_hits(_three_spanning(92), count=3, months=3, today=MON + 120 * D) == []


def test_windows_do_not_overlap_four_spells_give_one_alert_six_give_two():
    four = [spell(MON + i * 10 * D, 1) for i in range(4)]
    six = [spell(MON + i * 10 * D, 1) for i in range(6)]
    assert len(spells_in_window_hits(four, count=3, months=3, today=MON + 100 * D)) == 1
    assert len(spells_in_window_hits(six, count=3, months=3, today=MON + 100 * D)) == 2


# --- statutory dates ----------------------------------------------------------------------------------


def test_week_8_and_week_22_from_the_first_day():
    dates = statutory_dates(MON)
    assert dates.first_follow_up == date(2026, 3, 1) == end_of_week(MON, 8)  # Sunday of week 8
    assert dates.reassessment == MON + (22 * 7 - 1) * D
    assert dates.follow_ups[0] == dates.first_follow_up + timedelta(weeks=4)
    assert week_of(MON, date(2026, 3, 1)) == 8 and week_of(MON, date(2026, 3, 2)) == 9


# --- properties: order-independence and idempotence ---------------------------------------------------

days = st.integers(min_value=0, max_value=400)
spells = st.lists(st.tuples(days, st.one_of(st.none(), st.integers(min_value=1, max_value=40))), max_size=12).map(
    lambda items: [spell(MON + start * D, length) for start, length in items])


@given(spells, st.randoms(use_true_random=False), st.integers(min_value=1, max_value=30))
def test_merge_is_order_independent(items, rnd, gap):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert merge_spells(items, gap_days=gap) == merge_spells(shuffled, gap_days=gap)


@given(spells, st.integers(min_value=1, max_value=30))
def test_merge_is_idempotent_and_duplicates_count_once(items, gap):
    once = merge_spells(items, gap_days=gap)
    assert merge_spells(items + items, gap_days=gap) == once
    again = merge_spells([Spell(p.first_day, p.last_day) for p in once], gap_days=gap)
    assert [(p.first_day, p.last_day) for p in again] == [(p.first_day, p.last_day) for p in once]


@given(spells, st.integers(min_value=1, max_value=30))
def test_every_spell_lies_in_exactly_one_period_and_periods_are_separated_by_the_gap(items, gap):
    periods = merge_spells(items, gap_days=gap)
    assert sum(len(p.spells) for p in periods) == len(set(items))
    for before, after in zip(periods, periods[1:]):
        assert before.last_day is not None
        assert (after.first_day - before.last_day).days - 1 >= gap
