"""Test settings: the real settings with fast hashing, no HTTPS redirect and eager Celery.

DATABASE_URL / REDIS_URL are honoured exactly as in production, so the same suite runs on the
embedded default and on PostgreSQL + Redis (see .ci/run).
"""

import os

os.environ.setdefault("FASTHOLDELSE_TESTING", "1")

from .settings import *  # noqa: E402,F403
from .settings import VAR_DIR  # noqa: E402

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run in-process unless a test starts a real worker (tests/test_celery_integration.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = VAR_DIR / "test-media"
AXES_VERBOSE = False
SMS_BACKEND = "cases.channel.sms.LocmemBackend"
