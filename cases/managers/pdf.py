"""The managers' templates as PDF (WeasyPrint, Danish, tagged PDF/A like every document of the app):
what the manager typed under the job centre's name. Rendered from the form's cleaned data, never
stored."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from ..archival import SENDER_CSS, archival_pdf
from ..identity import logo_data_uri, sender

# WeasyPrint logs every rendering step at INFO (as in roundtable/pdf.py): no progress report in the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

TEMPLATES = {
    "absence_conversation": "cases/managers/absence_conversation_pdf.html",
    "contact_note": "cases/managers/contact_note_pdf.html",
}


def template_pdf(kind: str, *, data: dict, extra: dict | None = None) -> bytes:
    current = sender()
    with override("da"):
        html = render_to_string(TEMPLATES[kind], {
            "d": data, "sender": current, "logo": logo_data_uri(current.logo), "sender_css": SENDER_CSS,
            "printed_on": timezone.localdate(), **(extra or {}),
        })
    return archival_pdf(html=html)
