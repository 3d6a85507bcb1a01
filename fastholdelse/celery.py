"""The Celery app. Broker and schedule come from settings (CELERY_* keys)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastholdelse.settings")

app = Celery("fastholdelse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _require_secret_key(**kwargs):
    """Workers sign links in e-mails: never with the development key. SystemExit, because Celery logs and
    swallows ordinary exceptions from signal handlers."""
    from .checks import MESSAGE, secret_key_missing

    if secret_key_missing():
        raise SystemExit(MESSAGE)
