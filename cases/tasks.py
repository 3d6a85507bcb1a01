"""Celery entry points. They only call services."""

from celery import shared_task

from .notifications import outbox_kick_register, outbox_send_due
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


def kick_send_outbox() -> None:
    """Queue a send now (looked up at call time, so a test can stand in for the broker)."""
    send_outbox.delay()


outbox_kick_register(kick_send_outbox)
