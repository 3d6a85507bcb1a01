"""The full minutes as a citizen document: opened by the employee behind a signed link and a one-time
code (cases.channel), never sent as an attachment. Registered in RoundtableConfig.ready()."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.channel.documents import CitizenDocument, document_url

from .models import MinutesVersion

KIND = "referat"


def minutes_document(version_id: int) -> CitizenDocument | None:
    version = (MinutesVersion.objects.select_related("meeting", "meeting__case", "meeting__case__employee")
               .filter(pk=version_id).first())
    if version is None:
        return None
    meeting = version.meeting
    when = date_format(timezone.localtime(meeting.held_at or meeting.starts_at), "j. F Y")

    def read() -> bytes:
        from .pdf import FULL, read_pdf

        return read_pdf(version, FULL)

    return CitizenDocument(
        case=meeting.case,
        # The title shows before the code: the date and the version, not the kind of meeting.
        title=_("Minutes of your meeting with the job centre on %(when)s (version %(number)s)") % {
            "when": when, "number": version.number},
        filename=f"referat-{meeting.case.reference}-v{version.number}.pdf",
        access_detail=f"referat møde {meeting.pk} v{version.number} (fuld)",
        read=read,
    )


def minutes_url(version: MinutesVersion) -> str:
    return document_url(KIND, version)
