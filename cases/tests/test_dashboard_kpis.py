"""The dashboard's key figures against small data sets counted by hand."""

from datetime import UTC, date, datetime, timedelta

from cases.dashboard import kpis
from cases.dashboard.kpis import DeadlineRow, Share

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def test_on_time_share_counts_met_on_time_over_met_and_overdue():
    rows = [
        DeadlineRow(due_at=at(2), state="met", met_at=at(1)),  # on time
        DeadlineRow(due_at=at(3), state="met", met_at=at(3)),  # on time (exactly at due)
        DeadlineRow(due_at=at(4), state="met", met_at=at(5)),  # late
        DeadlineRow(due_at=at(5), state="breached"),  # missed
        DeadlineRow(due_at=at(6), state="open"),  # overdue, still open: missed so far
        DeadlineRow(due_at=at(25), state="open"),  # still running: not counted
        DeadlineRow(due_at=at(7), state="cancelled"),  # not counted
        DeadlineRow(due_at=at(8), state="paused"),  # not counted
    ]
    share = kpis.on_time_share(rows, now=NOW)
    assert share == Share(2, 5)
    assert share.percent == 40.0


def test_share_without_data_is_none_not_zero():
    assert kpis.on_time_share([], now=NOW).percent is None
    assert Share(0, 0).percent is None
    assert Share(1, 3).percent == 33.3


def test_median_duration_odd_and_even():
    start = at(1, 8)
    assert kpis.median_duration([(start, start + timedelta(hours=h)) for h in (10, 30, 20)]) == timedelta(hours=20)
    assert kpis.median_duration([(start, start + timedelta(hours=h)) for h in (10, 30, 20, 40)]) == timedelta(hours=25)
    assert kpis.median_duration([]) is None
    assert kpis.hours(timedelta(minutes=90)) == 1.5


def test_outcome_shares():
    counts = {"retained": 5, "retained_adjusted": 2, "relocated": 1, "partial_return": 4, "new_job": 2, "other": 1}
    shares = kpis.outcome_shares(counts)
    assert shares["retained"] == Share(8, 15)
    assert shares["attached"] == Share(4, 15)
    assert shares["retained"].percent == 53.3


def test_calls_settled_share_kolding():
    # Kolding: of five calls a week, three or four are settled on the phone.
    assert kpis.calls_settled_share([True, True, False, True, False]) == Share(3, 5)


def test_monthly_on_time_puts_rows_in_their_month_and_keeps_empty_months():
    rows = [
        (date(2026, 1, 5), DeadlineRow(due_at=datetime(2026, 1, 5, tzinfo=UTC), state="met",
                                       met_at=datetime(2026, 1, 4, tzinfo=UTC))),
        (date(2026, 1, 9), DeadlineRow(due_at=datetime(2026, 1, 9, tzinfo=UTC), state="breached")),
        (date(2026, 3, 2), DeadlineRow(due_at=datetime(2026, 3, 2, tzinfo=UTC), state="met",
                                       met_at=datetime(2026, 3, 1, tzinfo=UTC))),
        (date(2025, 12, 30), DeadlineRow(due_at=datetime(2025, 12, 30, tzinfo=UTC), state="breached")),  # outside
    ]
    series = kpis.monthly_on_time(rows, start=date(2026, 1, 1), end=date(2026, 3, 18), now=NOW)
    assert list(series) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert series[date(2026, 1, 1)] == Share(1, 2)
    assert series[date(2026, 2, 1)] == Share(0, 0)
    assert series[date(2026, 3, 1)] == Share(1, 1)


def test_months_between_crosses_the_new_year():
    assert kpis.months_between(date(2025, 11, 20), date(2026, 2, 1)) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_caseload_ratio():
    assert kpis.caseload_ratio(44, 37) == 119
    assert kpis.caseload_ratio(0, 37) == 0
    assert kpis.caseload_ratio(3, 0) is None
