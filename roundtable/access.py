"""The door for reads of a meeting (see `cases.access`): the meeting if the user may see its case
(404 otherwise), with the read logged against the case and its purpose."""

from __future__ import annotations

from cases.access import read_record
from cases.audit import AccessLog

from .models import Meeting
from .selectors import meeting_get_visible


def meeting_for_change(*, user, reference: str, pk: int) -> Meeting:
    """For a POST that changes the meeting and redirects: visibility only (it shows nothing)."""
    return meeting_get_visible(user, reference=reference, pk=pk)


def meeting_for_reading(
    *, user, reference: str, pk: int, purpose: str, action: str = AccessLog.Action.VIEW, detail: str = ""
) -> Meeting:
    """The meeting (with its visible case) and its read logged: notes and minutes hold health details."""
    meeting = meeting_get_visible(user, reference=reference, pk=pk)
    read_record(user=user, action=action, purpose=purpose, case=meeting.case, detail=detail or meeting_detail(meeting))
    return meeting


def meeting_detail(meeting: Meeting) -> str:
    """How a meeting read is named in the access log."""
    return f"møde {meeting.pk}"
