"""Celery entry point for the morning mail (registered by `CasesConfig.ready()`). It only calls the service."""

from celery import shared_task

from .digest import digests_send


@shared_task(name="cases.dashboard.tasks.send_morning_digests", ignore_result=True)
def send_morning_digests() -> int:
    return digests_send()
