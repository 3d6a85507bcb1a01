"""Reads for the meeting pages. Every read starts from the case the user may see (404 otherwise)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from cases.selectors import case_get_visible

from .models import Agreement, Meeting, MinutesVersion


def meeting_get_visible(user, *, reference: str, pk: int) -> Meeting:
    case = case_get_visible(user, reference=reference)
    try:
        meeting = (
            Meeting.objects.select_related("organiser", "follow_up", "agreed_step")
            .prefetch_related(
                "participants", "placements", "plan_weeks", "offers", "specialist_notes__added_by", "slots__created_by",
                Prefetch("agreements", queryset=Agreement.objects.select_related("deadline")),
                Prefetch("versions", queryset=MinutesVersion.objects.select_related("finalised_by").order_by("-number")),
            )
            .get(case=case, pk=pk)
        )
    except Meeting.DoesNotExist:
        raise Http404 from None
    meeting.case = case  # the visible case, already joined with its people
    return meeting
