"""Deadline sweep cost: 1,000 due rows among 10,000 and among 1,000,000 open deadlines.

The sweep reads only rows whose next_check_at has come (partial index), so the two timings should be
about equal (sweep_open_ratio close to 1). Prints BENCH lines; see README for targets and latest figures.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_setup, report  # noqa: E402

DUE = 1_000
REPEATS = 3


def fill(open_rows: int) -> None:
    """open_rows open first-meeting deadlines spread over the scaled cases; DUE of them overdue now."""
    from django.db import connection

    from cases.models import Case, DeadlineEvent, DeadlinePolicy, Notification, OutboxMessage

    with connection.cursor() as cursor:
        for model in (Notification, OutboxMessage, DeadlineEvent):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
        cursor.execute("DELETE FROM cases_deadline")
        policy = DeadlinePolicy.objects.get(kind="first_meeting").pk
        cases = Case.objects.count()
        first_case = Case.objects.order_by("pk").values_list("pk", flat=True).first()
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                INSERT INTO cases_deadline (case_id, policy_id, kind, title, owner_id, start_at, due_at, derivation, state,
                    met_by, pause_reason, next_check_at, created_at)
                SELECT %s + (i %% %s), %s, 'first_meeting', '', NULL, now() - interval '3 days',
                       CASE WHEN i <= %s THEN now() - interval '1 hour' ELSE now() + (1 + i %% 30) * interval '1 day' END,
                       'bench', 'open', '', '',
                       CASE WHEN i <= %s THEN now() - interval '1 hour'
                            ELSE now() + (1 + i %% 30) * interval '1 day' - interval '8 hours' END,
                       now()
                FROM generate_series(1, %s) AS i
                """,
                [first_case, cases, policy, DUE, DUE, open_rows],
            )
            cursor.execute("ANALYZE cases_deadline")
        else:
            cursor.execute(
                """
                WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %s)
                INSERT INTO cases_deadline (case_id, policy_id, kind, title, owner_id, start_at, due_at, derivation, state,
                    met_by, pause_reason, next_check_at, created_at)
                SELECT %s + (i %% %s), %s, 'first_meeting', '', NULL, datetime('now', '-3 days'),
                       CASE WHEN i <= %s THEN datetime('now', '-1 hours') ELSE datetime('now', '+' || (1 + i %% 30) || ' days') END,
                       'bench', 'open', '', '',
                       CASE WHEN i <= %s THEN datetime('now', '-1 hours')
                            ELSE datetime('now', '+' || (1 + i %% 30) || ' days', '-8 hours') END,
                       datetime('now')
                FROM seq
                """,
                [open_rows, first_case, cases, policy, DUE, DUE],
            )
            cursor.execute("ANALYZE")


def reset_due() -> None:
    """Put the DUE processed rows back as they were, so the sweep can be timed again."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from cases.models import CaseEvent, Deadline, DeadlineEvent, Notification, OutboxMessage

    now = timezone.now()
    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()
    DeadlineEvent.objects.all().delete()
    CaseEvent.objects.filter(kind="deadline_breached").delete()
    Deadline.objects.filter(state="breached").update(
        state="open", breached_at=None, last_reminder_on=None, escalated_at=None, warned_at=None,
        next_check_at=now - timedelta(hours=1), due_at=now - timedelta(hours=1),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_deadline") if connection.connection.autocommit else None


def time_sweep() -> float:
    from cases.models import Deadline
    from cases.sweep import sweep_deadlines

    timings = []
    for _ in range(REPEATS):
        reset_due()
        started = time.perf_counter()
        processed = sweep_deadlines()
        timings.append(time.perf_counter() - started)
        assert processed == DUE, f"expected {DUE} due rows, processed {processed}"
        assert Deadline.objects.filter(state="breached").count() == DUE
    return statistics.median(timings)


def main() -> None:
    django_setup("sweep")
    from django.core.management import call_command

    call_command("seed_scale", cases=2000, stdout=open("/dev/null", "w"))
    results = {}
    for open_rows, name in ((10_000, "sweep_due1k_open10k_s"), (1_000_000, "sweep_due1k_open1m_s")):
        fill(open_rows)
        results[name] = time_sweep()
        report(name, results[name], "s")
    report("sweep_open_ratio", results["sweep_due1k_open1m_s"] / results["sweep_due1k_open10k_s"], "ratio")
    report("sweep_peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MB")


if __name__ == "__main__":
    main()
