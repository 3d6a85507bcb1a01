"""The simulated quarter, shortened: two weeks over Easter 2027 (holidays and the summer-time change)
with fewer cases, through the real services on a moving clock; every count must be 0.

The full quarter is `bench/bench_sim_quarter.py` (make bench). The simulation runs once per session
and each check is its own test, so a failure names the check that found it.
"""

from datetime import date

import pytest

from bench.simquarter import run

_result = {}

# Transactional, so on_commit mails and dashboard-cache bumps run as in production; the flush after each
# test re-creates the seeded policies and steps (post_migrate in cases/roundtable apps.py).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quarter():
    """Run once; later tests read the figures (the database itself is emptied after each test)."""
    if "run" not in _result:
        _result["run"] = run(weeks=2, cases=25, seed=9, start=date(2027, 3, 22), minutes_share=0.2)
    return _result["run"]


def _assert_zero(result, name):
    assert result.counts[name] == 0, "\n".join(result.details[name][:20])


def test_the_short_quarter_exercises_the_services(quarter):
    """Guards the checks below against passing on an empty run."""
    stats, errors = quarter.stats, "\n".join(quarter.details["errors"][:20])
    opened = stats["cases opened by phone"] + stats["cases opened from referrals"] + stats["cases opened directly"]
    assert opened >= 20, errors
    assert stats["meetings held"] >= 10, errors
    assert stats["minutes finalised"] >= 2, errors
    assert not [line for line in quarter.details["errors"] if "CRASH" in line], errors


def test_no_invariant_violations(quarter):
    _assert_zero(quarter, "sim_invariant_violations")


def test_no_duplicate_notifications(quarter):
    _assert_zero(quarter, "sim_duplicate_notifications")


def test_no_missed_notifications(quarter):
    _assert_zero(quarter, "sim_missed_notifications")


def test_no_deadline_mails_outside_working_hours(quarter):
    _assert_zero(quarter, "sim_offhours_mails")


def test_overview_cards_match_their_lists_every_morning(quarter):
    _assert_zero(quarter, "sim_card_list_mismatches")
