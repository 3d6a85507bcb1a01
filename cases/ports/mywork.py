"""The "Mit arbejde" port: the meetings and unanswered invitations of a consultant's cases.

`cases` never imports `roundtable`; the roundtable app registers its provider here in
`RoundtableConfig.ready()`. A renamed meeting field then fails the provider's test, not a page.
Without a provider (an installation without the roundtable app) the pages show no meetings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db.models import QuerySet


@dataclass(frozen=True)
class ParticipantAnswer:
    name: str
    role: str  # the role's label, translated
    answer: str  # the answer's label, translated ("no answer yet" when none)
    answered: bool


@dataclass(frozen=True)
class MeetingItem:
    """One meeting as "Mit arbejde" shows it: when, where, for which case, and who has answered."""

    case_reference: str
    employee_name: str
    kind: str
    starts_at: datetime
    place: str
    url: str
    participants: tuple[ParticipantAnswer, ...]


@dataclass(frozen=True)
class InvitationItem:
    """An invitation to a coming meeting that its participant has not answered."""

    case_reference: str
    employee_name: str
    starts_at: datetime
    participant: str
    role: str
    url: str


class MeetingsProvider(Protocol):
    def meetings_between(self, *, cases: QuerySet, start: datetime, end: datetime) -> Sequence[MeetingItem]:
        """Planned (not cancelled, not held) meetings of these cases starting in [start, end)."""

    def unanswered_invitations(self, *, cases: QuerySet, now: datetime) -> Sequence[InvitationItem]:
        """Participants of these cases' coming meetings who have not answered their invitation."""


class _NoMeetings:
    def meetings_between(self, *, cases, start, end):
        return []

    def unanswered_invitations(self, *, cases, now):
        return []


_meetings: MeetingsProvider = _NoMeetings()


def register_meetings_provider(provider: MeetingsProvider) -> None:
    global _meetings
    _meetings = provider


def meetings_provider() -> MeetingsProvider:
    return _meetings
