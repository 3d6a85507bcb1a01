"""A simulated quarter: one team of 5 consultants and a team lead, about 150 cases through the real
services, 13 weeks on a moving clock with the sweep and the outbox every 10 simulated minutes.

Prints BENCH sim_quarter_s and the five counts that must be 0 (see bench/simquarter/checks.py), then
the cases behind any non-zero count. SIM_WEEKS, SIM_CASES, SIM_SEED and SIM_START (a Monday) override the defaults.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_setup, report  # noqa: E402


def main() -> None:
    # The overview and the list are read through the test client: plain HTTP, no HTTPS redirect.
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        os.environ[name] = "0"
    os.environ["FASTHOLDELSE_TESTING"] = "1"  # plain static files: nothing is collected for the bench
    django_setup("sim_quarter")
    import logging

    from django.test import override_settings
    from django.test.utils import setup_test_environment

    from fastholdelse.celery import app as celery_app

    for noisy in ("celery", "axes", "weasyprint", "fontTools"):  # a line per task and per login would bury the figures
        logging.getLogger(noisy).setLevel(logging.WARNING)
    setup_test_environment()  # locmem e-mail backend; the client records the pages' context
    # The worker that the outbox kicks after each commit runs in-process, as soon as the commit is done.
    celery_app.conf.task_always_eager = True
    from simquarter import COUNTS, run

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        result = run(weeks=int(os.environ.get("SIM_WEEKS", "13")), cases=int(os.environ.get("SIM_CASES", "150")),
                     seed=int(os.environ.get("SIM_SEED", "2027")),
                     start=date.fromisoformat(os.environ.get("SIM_START", "2027-03-01")))
    report("sim_quarter_s", result.seconds, "s")
    for name in COUNTS:
        report(name, result.counts[name], "count")
    report("sim_sweep_failures", result.counts["sim_sweep_failures"], "count")
    print("\nWhat happened:", flush=True)
    for key, value in sorted(result.stats.items()):
        print(f"  {key}: {value}")
    for name in (*COUNTS, "sim_sweep_failures", "errors"):
        lines = result.details.get(name, [])
        if lines:
            print(f"\n{name} ({len(lines)}), first 60:")
            for line in lines[:60]:
                print("  " + line)


if __name__ == "__main__":
    main()
