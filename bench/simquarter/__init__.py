"""A simulated quarter of one team's work against the real services (issue 9's proof).

Used by bench/bench_sim_quarter.py (13 weeks, about 150 cases) and by
cases/tests/test_sim_quarter.py (2 weeks, fewer cases). Never imported by the app. All calls into
the app are in `adapter`; the checks in `checks`; the team's behaviour in `scenario` and `meetings`.
"""

from .runner import COUNTS, Result, run

__all__ = ["COUNTS", "Result", "run"]
