"""Start-up guards for production mode."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

MESSAGE = "SECRET_KEY must be set when DEBUG is off (see README)."


def secret_key_missing() -> bool:
    return not (settings.SECRET_KEY_FROM_ENVIRONMENT or settings.DEBUG or settings.DEMO_MODE or settings.TESTING)


def require_secret_key() -> None:
    """Called by the processes that sign sessions and links (web, Celery worker and beat)."""
    if secret_key_missing():
        raise ImproperlyConfigured(MESSAGE)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    return [Error(MESSAGE, id="fastholdelse.E001")] if secret_key_missing() else []
