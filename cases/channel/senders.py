"""Letters to the citizen: a message that carries no health data, only a signed link.

Callers build a `CitizenLetter` and call `letter_send`; which way it travels is configuration
(CITIZEN_LETTER_SENDERS, tried in order). Today the e-mail sender queues it in the outbox. A Digital
Post (SF1601) sender is one more class with the same two methods, put first in the setting: it reaches
every citizen by CPR, so the callers never change.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from ..models import Case, Employee
from ..notifications import outbox_enqueue


@dataclass(frozen=True)
class CitizenLetter:
    employee: Employee
    subject: str
    text: str  # no health data: say what is ready and give the link
    dedup_key: str
    case: Case | None = None
    # Where the e-mail sender may write when the employee has no verified address (the letter holds
    # no health data, and the link opens nothing without a code sent to a verified contact point).
    email_hint: str = ""


class LetterSender(abc.ABC):
    """One way to reach a citizen (an interface: the e-mail sender below; a Digital Post adapter later).
    `can_send` decides without side effects; `send` queues the letter
    durably (it must not be lost if the far end is down) and returns a short description."""

    name = "base"

    @abc.abstractmethod
    def can_send(self, letter: CitizenLetter) -> bool: ...

    @abc.abstractmethod
    def send(self, letter: CitizenLetter) -> str: ...


class EmailLetterSender(LetterSender):
    name = "email"

    @staticmethod
    def address(letter: CitizenLetter) -> str:
        verified = letter.employee.contact_points.filter(kind="email", verified_at__isnull=False).first()
        return verified.value if verified else (letter.email_hint or letter.employee.email)

    def can_send(self, letter: CitizenLetter) -> bool:
        return bool(self.address(letter))

    def send(self, letter: CitizenLetter) -> str:
        address = self.address(letter)
        outbox_enqueue(to=address, subject=letter.subject, text=letter.text, dedup_key=letter.dedup_key, case=letter.case)
        return address


def letter_senders() -> list[LetterSender]:
    return [import_string(path)() for path in settings.CITIZEN_LETTER_SENDERS]


def letter_send(*, letter: CitizenLetter) -> str | None:
    """Send through the first sender that can reach the citizen. None: nobody could (the consultant
    hands the link over instead)."""
    for sender in letter_senders():
        if sender.can_send(letter):
            return sender.send(letter)
    return None
