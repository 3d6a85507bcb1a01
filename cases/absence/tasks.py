"""Celery entry point for the nightly evaluation (registered by `CasesConfig.ready()`). It only calls the service."""

from celery import shared_task

from ..notifications import outbox_send_due
from .alerts import alerts_evaluate


@shared_task(name="cases.absence.tasks.evaluate_absence_alerts", ignore_result=True)
def evaluate_absence_alerts() -> int:
    """Nightly: an ongoing spell reaches the rule's day without any new import. Idempotent."""
    raised = alerts_evaluate()
    outbox_send_due()
    return len(raised)
