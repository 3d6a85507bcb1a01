"""What the meetings keep about a person, removed when the kernel anonymises a closed case
(cases/retention.py calls this through register_case_anonymiser; cases never imports roundtable).

Kept for statistics: kind, state, dates, place kind, the agreed step, placements, agreements' dates and
whether they were done. Removed: names, e-mails, titles and comments of participants, the plan, the
consultant's and specialists' notes, agreement texts, the week plan's tasks, reasons, and the minutes
(frozen content and both PDFs, files deleted from storage). Rows that never got a case are cleared by
`caseless_rows_clear` (register_caseless_sweeper) after the same period.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from .models import (
    Agreement,
    CalendarHold,
    CampaignInvitee,
    Meeting,
    MeetingSlot,
    MinutesVersion,
    Participant,
    PlanWeek,
    SpecialistNote,
    StartAnswer,
)

ANONYMISED = "anonymiseret"


def meetings_anonymise(case) -> None:
    meetings = Meeting.objects.filter(case=case)
    meetings.update(place="", online_link="", plan_text="", consultant_note="", cancel_reason="", correction_reason="")
    MeetingSlot.objects.filter(meeting__case=case).update(place="", online_link="", reason="")
    Participant.objects.filter(meeting__case=case).update(name=ANONYMISED, email="", title="", answer_comment="")
    SpecialistNote.objects.filter(meeting__case=case).update(author_name=ANONYMISED, author_title="", text="")
    Agreement.objects.filter(meeting__case=case).update(who=ANONYMISED, what=ANONYMISED)
    PlanWeek.objects.filter(meeting__case=case).update(tasks="")
    # Varde self-booking: what the employer typed about the employee when booking.
    CalendarHold.objects.filter(meeting__case=case).update(employee_name=ANONYMISED, employee_phone="", employee_email="")
    StartAnswer.objects.filter(meeting__case=case).update(answer="")  # the start conversation's answers
    for version in MinutesVersion.objects.filter(meeting__case=case):
        for name in ("pdf_full", "pdf_employer"):
            document = getattr(version, name)
            if document:
                document.delete(save=False)
            setattr(version, name, "")
        version.content = {}
        version.reason = ANONYMISED if version.number > 1 else ""  # a correction must keep a reason
        version.save(update_fields=["content", "reason", "pdf_full", "pdf_employer"])


def caseless_rows_clear(before: datetime) -> int:
    """Rows with personal data that never got a case, older than `before` (the closed-case period): a
    self-booked time whose employee was never identified keeps the time but not what the employer typed;
    a care-conversation campaign's list entry never invited is deleted (name, CPR, contact details)."""
    holds = CalendarHold.objects.filter(meeting__isnull=True, starts_at__lt=before).exclude(employee_name=ANONYMISED)
    cleared = holds.update(employee_name=ANONYMISED, employee_phone="", employee_email="")
    deleted, _by_model = CampaignInvitee.objects.filter(
        case__isnull=True, campaign__requested_on__lt=timezone.localdate(before)).delete()
    return cleared + deleted
