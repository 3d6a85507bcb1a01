"""The Celery app. Broker and schedule come from settings (CELERY_* keys)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastholdelse.settings")

app = Celery("fastholdelse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
