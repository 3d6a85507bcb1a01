"""Reads for the retention phone: the roster weeks and the call log of a team."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..deadlines import work_calendar
from ..duetime import WEEKEND
from ..models import DutyShift, PhoneCall, ShiftSwap, Team
from ..selectors import teams_of

ROSTER_WEEKS = 4


def team_for(user, team_id: str | None) -> Team | None:
    """The chosen team if the user is on it (or leads it); the first of theirs otherwise."""
    teams = teams_of(user)
    if team_id and str(team_id).isdigit():
        return get_object_or_404(teams, pk=int(team_id))
    return teams.first()


def members_of(team: Team) -> QuerySet:
    return team.members.filter(is_active=True).order_by("first_name", "last_name", "username")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class RosterDay:
    date: date
    closed: str | None  # an untranslated msgid, or "weekend"
    shift: DutyShift | None = None
    swaps: list[ShiftSwap] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()


def roster_weeks(team: Team, *, start: date, weeks: int = ROSTER_WEEKS) -> list[list[RosterDay]]:
    """Monday to Friday of each week; closed days (holidays, the admin's extra days) are marked."""
    end = start + timedelta(weeks=weeks)
    calendar = work_calendar(years=range(start.year, end.year + 1))
    shifts = {s.date: s for s in DutyShift.objects.filter(team=team, date__gte=start, date__lt=end)
              .select_related("consultant")}
    pending: dict[int, list[ShiftSwap]] = {}
    for swap in (ShiftSwap.objects.filter(shift__team=team, shift__date__gte=start, shift__date__lt=end,
                                          state=ShiftSwap.State.PENDING)
                 .select_related("requested_by", "counterpart", "counterpart_shift")):
        pending.setdefault(swap.shift_id, []).append(swap)
    result = []
    for week in range(weeks):
        monday = start + timedelta(weeks=week)
        days = []
        for offset in range(5):
            day = monday + timedelta(days=offset)
            reason = calendar.closed_reason(day)
            shift = shifts.get(day)
            days.append(RosterDay(date=day, closed=None if reason == WEEKEND else reason, shift=shift,
                                  swaps=pending.get(shift.pk, []) if shift else []))
        result.append(days)
    return result


def swaps_waiting_for(user, team: Team) -> QuerySet[ShiftSwap]:
    return (ShiftSwap.objects.filter(shift__team=team, state=ShiftSwap.State.PENDING)
            .filter(Q(counterpart=user) | Q(requested_by=user))
            .select_related("shift", "counterpart_shift", "requested_by", "counterpart"))


def upcoming_shifts(team: Team, *, consultant=None) -> QuerySet[DutyShift]:
    qs = DutyShift.objects.filter(team=team, date__gte=timezone.localdate()).select_related("consultant")
    return qs.filter(consultant=consultant) if consultant is not None else qs


def calls_of(team: Team, *, limit: int = 50) -> QuerySet[PhoneCall]:
    return (PhoneCall.objects.filter(team=team).select_related("taken_by", "case", "case__consultant")
            .order_by("-received_at", "-id")[:limit])
