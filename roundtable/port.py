"""The roundtable side of `cases.ports.meetings`: the meeting data kernel pages show, as the typed
dataclasses the kernel declares. Registered in `RoundtableConfig.ready()`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch
from django.urls import reverse

from cases.models import Case
from cases.ports.meetings import CaseMeeting, EmployerMeetings, MeetingAnswer

from .models import Agreement, Meeting, MinutesVersion, Participant, Placement
from .projections import employer_meeting, employers_agreements


def _placement(placements: dict[str, Placement], party: str) -> str:
    placement = placements.get(party)
    return f"{placement.position}. {placement.step_name}" if placement else ""


class RoundtableMeetings:
    def case_meetings(self, case: Case) -> list[CaseMeeting]:
        rows = []
        for meeting in Meeting.objects.filter(case=case).for_case_page():
            placements = meeting.placement_by_party()
            latest = next(iter(meeting.versions.all()), None)  # for_case_page orders versions newest first
            rows.append(CaseMeeting(
                url=reverse("roundtable:detail", args=[case.reference, meeting.pk]),
                kind=str(meeting.get_kind_display()), starts_at=meeting.starts_at, held_at=meeting.held_at,
                place=meeting.place_display, state=meeting.state, state_label=str(meeting.get_state_display()),
                answers=tuple(MeetingAnswer(name=p.name, answer=str(p.get_answer_display()))
                              for p in meeting.participants.all() if p.answer),
                minutes_version=latest.number if latest else None,
                minutes_url=reverse("roundtable:pdf", args=[case.reference, meeting.pk, latest.number, "full"]) if latest else "",
                placement_employee=_placement(placements, Placement.Party.EMPLOYEE),
                placement_employer=_placement(placements, Placement.Party.EMPLOYER),
                placement_consultant=_placement(placements, Placement.Party.CONSULTANT),
                agreed_step=f"{meeting.agreed_step_position}. {meeting.agreed_step_name}" if meeting.agreed_step_name else "",
                placements_differ=meeting.placements_mismatch,
            ))
        return rows

    def booking_url(self, case: Case) -> str:
        return reverse("roundtable:create", args=[case.reference])

    def employer_meetings(self, case: Case, *, employer_names: Iterable[str]) -> EmployerMeetings:
        names = list(employer_names)
        meetings = (
            # Only the meetings the employer takes part in (Meeting.EMPLOYER_SEES, an allow-list).
            Meeting.objects.filter(case=case, kind__in=Meeting.EMPLOYER_SEES)
            .order_by("starts_at", "pk")
            .prefetch_related(
                Prefetch("participants", queryset=Participant.objects.only("pk", "meeting_id", "role", "name")),
                Prefetch("agreements", queryset=Agreement.objects.order_by("due_on", "pk")),
                Prefetch("versions", queryset=MinutesVersion.objects.only("pk", "meeting_id")),
            )
        )
        shown, agreements = [], []
        for meeting in meetings:
            shown.append(employer_meeting(meeting, minutes_final=bool(meeting.versions.all())))
            if meeting.state != Meeting.State.CANCELLED:
                agreements.extend(employers_agreements(meeting, employer_names=names))
        return EmployerMeetings(meetings=tuple(shown), agreements=tuple(agreements))
