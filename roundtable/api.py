"""Meetings out, for the municipality's own reporting (scope reporting:read): the roundtable's router,
mounted by the project's API (fastholdelse/api.py), so `cases` never imports roundtable.

Allow-list: kind, state, time, length, the kind of place and whether the minutes are approved and
locked. Never the address, the online link, notes, plans, placements, agreements or participants.
Each call is logged through the door, one row per case, with the system as the actor.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cases.access import PURPOSE_REPORTING, system_reads_cases
from cases.api.auth import Scope, SystemToken, system_of
from cases.api.problems import PROBLEM_RESPONSES
from cases.api.reporting import SCOPE_READ, Paging, aware

from .models import Meeting

router = Router(tags=["reporting"])


class MeetingOut(Schema):
    id: int
    case: str = Field(description="The case's reference")
    kind: str = Field(description="roundtable | follow_up | start | care")
    state: str = Field(description="invited | moved | cancelled | held")
    starts_at: datetime
    duration_minutes: int
    place_kind: str = Field(description="workplace | job_centre | online | other")
    held_at: datetime | None = None
    minutes_locked: bool = Field(description="The minutes are approved and locked")


class MeetingPage(Schema):
    count: int
    items: list[MeetingOut]


class MeetingFilters(Paging):
    state: Literal["invited", "moved", "cancelled", "held"] | None = None
    starts_after: datetime | None = None
    starts_before: datetime | None = None


def meeting_out(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk, "case": meeting.case.reference, "kind": meeting.kind, "state": meeting.state,
        "starts_at": meeting.starts_at, "duration_minutes": meeting.duration_minutes,
        "place_kind": meeting.place_kind, "held_at": meeting.held_at, "minutes_locked": meeting.minutes_locked,
    }


@router.get("/meetings", response={200: MeetingPage, **PROBLEM_RESPONSES}, auth=SystemToken(Scope.REPORTING_READ),
            operation_id="meetings_list", description=SCOPE_READ, summary="Meetings: kind, state and time (no notes, no places)")
def meetings_list(request: HttpRequest, filters: Query[MeetingFilters]):
    meetings = Meeting.objects.select_related("case").order_by("starts_at", "pk")
    if filters.state:
        meetings = meetings.filter(state=filters.state)
    if filters.starts_after:
        meetings = meetings.filter(starts_at__gte=aware(filters.starts_after))
    if filters.starts_before:
        meetings = meetings.filter(starts_at__lt=aware(filters.starts_before))
    count = meetings.count()
    page = list(meetings[filters.offset:filters.offset + filters.limit])
    query = request.GET.urlencode()
    system_reads_cases(system=system_of(request), purpose=PURPOSE_REPORTING, cases=[m.case for m in page],
                       detail=f"API {request.path}" + (f"?{query}" if query else ""))
    return {"count": count, "items": [meeting_out(meeting) for meeting in page]}
