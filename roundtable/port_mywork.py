"""The roundtable's side of `cases.ports.mywork`: meetings for "Mit arbejde", registered in `RoundtableConfig.ready()`."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from cases.ports.mywork import InvitationItem, MeetingItem, ParticipantAnswer

from .models import Meeting, Participant

PLANNED = (Meeting.State.INVITED, Meeting.State.MOVED)


def _url(meeting: Meeting) -> str:
    return reverse("roundtable:detail", args=[meeting.case.reference, meeting.pk])


class MyWorkMeetings:
    """Two queries per call, whatever the number of meetings."""

    def meetings_between(self, *, cases: QuerySet, start: datetime, end: datetime) -> list[MeetingItem]:
        meetings = (
            Meeting.objects.filter(case__in=cases.values("pk"), state__in=PLANNED, starts_at__gte=start, starts_at__lt=end)
            .select_related("case__employee")
            .prefetch_related(Prefetch("participants", queryset=Participant.objects.order_by("pk")))
            .order_by("starts_at", "pk")
        )
        return [
            MeetingItem(
                case_reference=m.case.reference, employee_name=m.case.employee.name, kind=str(m.get_kind_display()),
                starts_at=m.starts_at, place=m.place_display, url=_url(m),
                participants=tuple(
                    ParticipantAnswer(name=p.name, role=str(p.get_role_display()), answer=str(p.get_answer_display()),
                                      answered=bool(p.answer))
                    for p in m.participants.all() if p.role != Participant.Role.CONSULTANT
                ),
            )
            for m in meetings
        ]

    def unanswered_invitations(self, *, cases: QuerySet, now: datetime) -> list[InvitationItem]:
        rows = (
            Participant.objects.filter(
                meeting__case__in=cases.values("pk"), meeting__state__in=PLANNED, meeting__starts_at__gte=now, answer="",
            )
            .exclude(role=Participant.Role.CONSULTANT)
            .select_related("meeting__case__employee")
            .order_by("meeting__starts_at", "pk")
        )
        return [
            InvitationItem(
                case_reference=p.meeting.case.reference, employee_name=p.meeting.case.employee.name,
                starts_at=p.meeting.starts_at, participant=p.name, role=str(p.get_role_display()), url=_url(p.meeting),
            )
            for p in rows
        ]
