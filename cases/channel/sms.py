"""Text messages through a backend named by SMS_BACKEND, the way Django sends mail.

A gateway backend (the municipality's SMS provider) is a class with `send_messages(messages)` that
returns the number sent and raises on failure. Development uses the console or file backends; the
tests use the local-memory backend (`sms.outbox`); production without a gateway uses the disabled
backend, and the channel then offers e-mail or a code handed over in person instead.
"""

from __future__ import annotations

import abc
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    sender: str = ""


class SmsUnavailable(Exception):
    """No gateway is configured, or it refused the message."""


class BaseSmsBackend(abc.ABC):
    """The interface of an SMS backend (SMS_BACKEND), as Django's mail backends: console, file, locmem,
    disabled here; a gateway's backend in production."""

    available = True

    @abc.abstractmethod
    def send_messages(self, messages: list[SmsMessage]) -> int: ...


class ConsoleBackend(BaseSmsBackend):
    """Development: prints each message (never use it in production: codes would land in the log)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            self.stream.write(f"SMS from {message.sender} to {message.to}:\n{message.text}\n{'-' * 40}\n")
        self.stream.flush()
        return len(messages)


class FileBackend(BaseSmsBackend):
    """Development: one file per message in SMS_FILE_PATH."""

    _lock = threading.Lock()

    def send_messages(self, messages: list[SmsMessage]) -> int:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            for message in messages:
                name = f"{datetime.now():%Y%m%d-%H%M%S-%f}-{message.to.lstrip('+')}.txt"
                (folder / name).write_text(f"From: {message.sender}\nTo: {message.to}\n\n{message.text}\n", encoding="utf-8")
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemBackend(BaseSmsBackend):
    """Tests: messages collect in `cases.channel.sms.outbox`."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


class DisabledBackend(BaseSmsBackend):
    available = False

    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise SmsUnavailable("No SMS gateway is configured (SMS_BACKEND).")


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_available() -> bool:
    return get_backend().available


def send_sms(*, to: str, text: str) -> None:
    """Send one text message now; raises SmsUnavailable when it cannot be sent."""
    try:
        sent = get_backend().send_messages([SmsMessage(to=to, text=text, sender=settings.SMS_SENDER_NAME)])
    except SmsUnavailable:
        raise
    except Exception as error:  # a gateway that is down: the caller offers another way
        raise SmsUnavailable(str(error)) from error
    if sent != 1:
        raise SmsUnavailable("The SMS gateway did not accept the message.")
