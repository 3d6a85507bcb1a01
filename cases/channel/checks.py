"""Deployment checks of the channel (`manage.py check --deploy`): mail without TLS, and an SMS backend
that writes one-time codes to the console, a file or memory, are development set-ups only."""

from django.conf import settings
from django.core.checks import Warning, register

DEVELOPMENT_SMS = ("cases.channel.sms.ConsoleBackend", "cases.channel.sms.FileBackend", "cases.channel.sms.LocmemBackend")


@register(deploy=True)
def channel_deploy_checks(app_configs=None, **kwargs):
    problems = []
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and not (settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL):
        problems.append(Warning(
            "Outgoing mail is sent without TLS (EMAIL_USE_TLS and EMAIL_USE_SSL are off).",
            hint="Personal data sent by e-mail must be encrypted in transit; remove EMAIL_USE_TLS=0.",
            id="cases.W101"))
    if settings.SMS_BACKEND in DEVELOPMENT_SMS:
        problems.append(Warning(
            f"SMS_BACKEND is {settings.SMS_BACKEND}: one-time codes are not sent but printed or stored.",
            hint="Set SMS_BACKEND to the municipality's SMS gateway, or to cases.channel.sms.DisabledBackend.",
            id="cases.W102"))
    return problems
