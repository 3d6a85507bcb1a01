"""Project-level views: the health check."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from .celery import app as celery_app

# The sweep counts as stuck when it has not completed for this many beat intervals.
SWEEP_LATE_AFTER_INTERVALS = 5


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def _sweep() -> dict:
    """The deadline sweep's last completed run: "ok", "late" (none within five intervals) or "never".
    Two indexed single-row reads, so the check stays cheap."""
    from cases.models import Deadline, SweepRun

    run = SweepRun.objects.filter(name="deadlines").values("finished_at", "processed", "failed", "duration_s").first()
    failing = Deadline.objects.filter(sweep_failures__gt=0).count()
    if run is None:
        return {"sweep": "never", "sweep_failing_rows": failing}
    age = timezone.now() - run["finished_at"]
    late = age > timedelta(seconds=settings.DEADLINE_SWEEP_SECONDS * SWEEP_LATE_AFTER_INTERVALS)
    return {
        "sweep": "late" if late else "ok",
        "sweep_last_completed_at": run["finished_at"].isoformat(),
        "sweep_age_s": round(age.total_seconds(), 1),
        "sweep_processed": run["processed"],
        "sweep_failed": run["failed"],
        "sweep_duration_s": run["duration_s"],
        "sweep_failing_rows": failing,
    }


def healthz(request):
    """JSON for load balancers and monitors: 200 when the database and the broker answer and the deadline
    sweep completed within five sweep intervals (DEADLINE_SWEEP_SECONDS), else 503. Rows the sweep could
    not process are isolated and counted (`sweep_failing_rows`), not a reason for 503."""
    database, broker = _database_ok(), _broker_ok()
    body = {"database": "ok" if database else "down", "broker": "ok" if broker else "down"}
    sweep_ok = False
    if database:
        try:
            body.update(_sweep())
            sweep_ok = body["sweep"] == "ok"
        except Exception:  # e.g. not migrated yet
            body["sweep"] = "unknown"
    return JsonResponse(body, status=200 if database and broker and sweep_ok else 503)
