"""The meetings port: how kernel pages (the case page, the employer's fast-track status page) read
meetings, which the roundtable app owns.

Two shapes, on purpose:
- `CaseMeeting` is the staff view of the case page's meeting list;
- `EmployerMeeting` / `EmployerAgreement` are what an employer may see: an allow-list. A field that is
  not declared here cannot reach the status page.

With no provider registered (roundtable not installed) the pages show no meetings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from ..models import Case


@dataclass(frozen=True)
class MeetingAnswer:
    name: str
    answer: str  # the answer's label, e.g. "kommer"


@dataclass(frozen=True)
class CaseMeeting:
    """One meeting on the case page (staff only)."""

    url: str
    kind: str  # label
    starts_at: datetime
    held_at: datetime | None
    place: str
    state: str  # invited | moved | cancelled | held
    state_label: str
    answers: tuple[MeetingAnswer, ...] = ()
    minutes_version: int | None = None
    minutes_url: str = ""
    # Goal 1, as "4. Sygemeldt med kontakt ..." per party (employee, employer, consultant); "" when not placed.
    placement_employee: str = ""
    placement_employer: str = ""
    placement_consultant: str = ""
    agreed_step: str = ""
    placements_differ: bool = False

    @property
    def has_placements(self) -> bool:
        return bool(self.placement_employee or self.placement_employer or self.placement_consultant or self.agreed_step)


@dataclass(frozen=True)
class EmployerMeeting:
    """A meeting as the employer sees it: kind, time, place and state. Nothing else."""

    kind: str  # label
    starts_at: datetime
    duration_minutes: int
    place: str
    online_link: str
    state: str  # invited | moved | cancelled | held
    state_label: str
    minutes_final: bool


@dataclass(frozen=True)
class EmployerAgreement:
    """An agreement whose "who" is the employer side: what and by when, never the other parties' items."""

    what: str
    due_on: date | None
    done: bool


@dataclass(frozen=True)
class EmployerMeetings:
    meetings: tuple[EmployerMeeting, ...] = ()
    agreements: tuple[EmployerAgreement, ...] = ()


class MeetingsPort(Protocol):
    def case_meetings(self, case: Case) -> list[CaseMeeting]:
        """The case's meetings, newest first, in a fixed number of queries."""

    def booking_url(self, case: Case) -> str:
        """Where a consultant books a meeting for the case."""

    def employer_meetings(self, case: Case, *, employer_names: Iterable[str]) -> EmployerMeetings:
        """Meetings in time order and the agreements whose "who" is one of `employer_names` or an
        employer participant of the meeting."""


_provider: MeetingsPort | None = None


def register(provider: MeetingsPort) -> None:
    global _provider
    _provider = provider


def provider() -> MeetingsPort | None:
    return _provider
