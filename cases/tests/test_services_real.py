"""Tests against the real services: parallel sweeps on PostgreSQL, a real Celery worker + beat on Redis.

Deselected on the embedded default (see conftest.py); with DATABASE_URL / REDIS_URL set, a service
that does not answer fails these tests.
"""

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

from cases import deadlines
from cases.models import Deadline, DeadlineEvent, Notification, OutboxMessage
from cases.sweep import sweep_deadlines
from cases.tests.factories import make_case, make_team, make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def overdue_cases():
    team = make_team("Nord")
    consultant = make_user("mette", team=team, email="mette@kommune.example")
    make_user("birgitte", team=team, lead=True, email="birgitte@kommune.example")
    now = timezone.now()
    cases = []
    for _ in range(40):
        case = make_case(team=team, consultant=consultant, first_absence_day=None)
        Deadline.objects.filter(case=case).update(due_at=now - timedelta(hours=1), next_check_at=now - timedelta(hours=1))
        cases.append(case)
    return cases


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_in_parallel_send_each_notification_once(overdue_cases):
    assert connection.vendor == "postgresql"
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def sweep():
        try:
            barrier.wait()
            counts.append(sweep_deadlines(batch=5))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(counts) == 40, counts  # every row claimed by exactly one of the two (SKIP LOCKED)
    assert Deadline.objects.filter(state=Deadline.State.BREACHED).count() == 40
    assert DeadlineEvent.objects.filter(kind="breached").count() == 40
    assert Notification.objects.filter(kind="deadline_breach").count() == 40
    assert OutboxMessage.objects.filter(dedup_key__startswith="mail:deadline:").count() == 40
    # A third sweep (a retried task, a second beat) finds nothing new to send.
    sweep_deadlines()
    assert Notification.objects.filter(kind="deadline_breach").count() == 40


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_and_beat_on_redis_breach_an_overdue_deadline(overdue_cases):
    """Start `celery worker --beat` against the test database and Redis; within seconds the overdue
    deadlines are breached and their notifications exist."""
    assert connection.vendor == "postgresql"
    settings_dict = connection.settings_dict
    database_url = (f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
                    f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}")
    env = {
        **os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "fastholdelse.settings",
        "FASTHOLDELSE_TESTING": "1", "DEADLINE_SWEEP_SECONDS": "1", "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "FASTHOLDELSE_VAR_DIR": str(ROOT / "var" / "celery-test"),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "fastholdelse", "worker", "--beat", "--concurrency=1", "--pool=solo",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-s", str(ROOT / "var" / "celery-test" / "beat-schedule")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            if Notification.objects.filter(kind="deadline_breach").count() == len(overdue_cases):
                break
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.5)
        breached = Deadline.objects.filter(state=Deadline.State.BREACHED).count()
        if breached != len(overdue_cases):
            worker.terminate()
            pytest.fail(f"worker breached {breached} of {len(overdue_cases)}; its output:\n{worker.communicate(timeout=15)[0]}")
        assert Notification.objects.filter(kind="deadline_breach").count() == len(overdue_cases)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


@pytest.mark.django_db
def test_a_deadline_met_between_warning_and_breach_never_breaches(overdue_cases):
    case = overdue_cases[0]
    first = case.deadlines.get(kind="first_meeting")
    now = timezone.now()
    Deadline.objects.filter(pk=first.pk).update(due_at=now + timedelta(hours=2), next_check_at=now - timedelta(minutes=1))
    sweep_deadlines(now=now)
    first.refresh_from_db()
    assert first.warned_at is not None
    deadlines.deadline_meet(case=case, kinds=["first_meeting"], at=now + timedelta(hours=1), by="møde holdt")
    sweep_deadlines(now=now + timedelta(hours=3))
    first.refresh_from_db()
    assert first.state == Deadline.State.MET
    assert not Notification.objects.filter(deadline=first, kind="deadline_breach").exists()
