"""Project-level views: the health check, the favicon, the accessibility statement and the page for a
refused form (CSRF)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from .celery import app as celery_app

logger = logging.getLogger(__name__)

# The sweep counts as stuck when it has not completed for this many beat intervals.
SWEEP_LATE_AFTER_INTERVALS = 5



# --- Probes ---------------------------------------------------------------------------------------
# Each probe runs in its own thread with one deadline for all of them (HEALTHZ_TIMEOUT_SECONDS), so
# /healthz answers within that time whatever is down or hanging (a blackholed host, a stuck socket):
# a probe that has not answered by then is reported "timeout". A probe still running from an earlier
# request is not started again (it is reported "timeout" at once), so a hanging service cannot pile up
# threads in a web worker.

def _probe_database() -> None:
    # Its own connection in the probe thread, closed afterwards: a probe never holds a database
    # connection between requests (and a test database can be dropped after the suite).
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            if cursor.fetchone()[0] != 1:
                raise RuntimeError("SELECT 1 did not answer 1")
    finally:
        connection.close()


def _probe_broker() -> None:
    with celery_app.connection_for_write() as conn:
        # No sleeping between attempts: kombu's defaults wait 2 s before the retry.
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, interval_max=0,
                               timeout=settings.HEALTHZ_TIMEOUT_SECONDS)


def _probe_cache() -> None:
    cache.get("healthz:probe")


PROBES: dict[str, Callable[[], None]] = {
    "database": _probe_database,
    "broker": _probe_broker,
    "cache": _probe_cache,
}

_executors: dict[str, ThreadPoolExecutor] = {}
_running: dict[str, Future] = {}
_lock = threading.Lock()


def _submit(name: str) -> Future | None:
    """Start probe `name` in its thread; None while an earlier run of it is still hanging."""
    with _lock:
        previous = _running.get(name)
        if previous is not None and not previous.done():
            return None
        executor = _executors.get(name)
        if executor is None:  # created lazily: after gunicorn forked the worker
            executor = _executors[name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"healthz-{name}")
        future = _running[name] = executor.submit(PROBES[name])
        return future


def probe_all(timeout: float | None = None) -> dict[str, str]:
    """{"database": "ok" | "down" | "timeout", "broker": ..., "cache": ...} within `timeout` seconds."""
    timeout = settings.HEALTHZ_TIMEOUT_SECONDS if timeout is None else timeout
    deadline = time.monotonic() + timeout
    futures = {name: _submit(name) for name in PROBES}
    results = {}
    for name, future in futures.items():
        if future is None:
            results[name] = "timeout"
            continue
        try:
            future.result(timeout=max(0.0, deadline - time.monotonic()))
            results[name] = "ok"
        except FutureTimeout:
            results[name] = "timeout"
        except Exception as exc:
            logger.warning("Health probe %s failed: %s", name, exc)
            results[name] = "down"
    return results


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
    """JSON for load balancers and monitors: each part ("ok", "down" or "timeout"), and the deadline sweep's
    last completed run. 200 when the database, broker and cache answer and the sweep completed within five
    sweep intervals (DEADLINE_SWEEP_SECONDS), else 503. The probes answer within HEALTHZ_TIMEOUT_SECONDS
    whatever is down. Rows the sweep could not process are isolated and counted (`sweep_failing_rows`),
    not a reason for 503."""
    body: dict = probe_all()
    healthy = all(state == "ok" for state in body.values())
    sweep_ok = False
    if body["database"] == "ok":
        try:
            body.update(_sweep())
            sweep_ok = body["sweep"] == "ok"
        except Exception:  # e.g. not migrated yet
            logger.warning("Could not read the sweep's last run.", exc_info=True)
            body["sweep"] = "unknown"
    return JsonResponse(body, status=200 if healthy and sweep_ok else 503)


def favicon(request):
    """Browsers ask for /favicon.ico on every page whatever the page links: send them to the SVG icon
    instead of a 404 in the log."""
    return redirect(static("favicon.svg"), permanent=True)


def accessibility_statement(request):
    """The accessibility statement ("tilgængelighedserklæring") public bodies must publish: public,
    no login, no case data. The contact address is a setting (ACCESSIBILITY_CONTACT_EMAIL)."""
    return render(request, "accessibility.html", {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL})


def csrf_failure(request, reason: str = ""):
    """A refused form (expired page, cookies off): a Danish page in the site's layout, never Django's
    English one. The reason stays in the server log only."""
    return render(request, "403_csrf.html", status=403)
