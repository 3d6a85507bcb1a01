"""Celery entry points. They only call services."""

from celery import shared_task

from .notifications import outbox_kick_register, outbox_send_due
from .retention import retention_run
from .sweep import sweep_deadlines


@shared_task(name="cases.tasks.sweep_deadlines", ignore_result=True)
def sweep_deadlines_task() -> int:
    """Beat runs this every DEADLINE_SWEEP_SECONDS (default 60); then it sends what the sweep queued."""
    processed = sweep_deadlines()
    outbox_send_due()
    return processed


@shared_task(name="cases.tasks.send_outbox", ignore_result=True)
def send_outbox() -> int:
    return outbox_send_due()


@shared_task(name="cases.tasks.retention_run", ignore_result=True)
def retention_run_task() -> int:
    """Beat runs this nightly: anonymise and empty what has been kept long enough (cases/retention.py)."""
    return retention_run().pk


def kick_send_outbox() -> None:
    """Queue a send now (looked up at call time, so a test can stand in for the broker)."""
    send_outbox.delay()


outbox_kick_register(kick_send_outbox)
