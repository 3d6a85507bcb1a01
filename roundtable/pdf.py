"""The minutes as PDF (WeasyPrint, from a Django template): the full copy for the case and the
employer-safe copy for every other participant, rendered from `projections.EmployerMinutes`.

Rendered from a MinutesVersion's frozen content, so a PDF always matches its version.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cases.archival import SENDER_CSS, archival_pdf
from cases.identity import Sender, logo_data_uri

from .models import Meeting, MinutesVersion, Participant, Placement
from .projections import employer_minutes
from .staircase import staircase

# WeasyPrint logs every rendering step at INFO; the minutes need no progress report in the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FULL = "full"
EMPLOYER = "employer"


def _dt(value: str | None):
    return timezone.localtime(datetime.fromisoformat(value)) if value else None


def role_with_title(label: str, title: str) -> str:
    """ "Specialist, psykolog", never "Specialist, Specialist, psykolog" nor "Fastholdelseskonsulent,
    fastholdelseskonsulent": a title that already starts with the role label is printed alone."""
    label, title = str(label).strip(), (title or "").strip()
    if not title:
        return label[:1].upper() + label[1:]
    if not label or title.casefold().startswith(label.casefold()):
        return title[:1].upper() + title[1:]
    return f"{label[:1].upper()}{label[1:]}, {title}"


def sender_context(content: dict) -> dict:
    """The sender frozen in the version (None for versions finalised before the organisation settings)."""
    frozen = Sender.from_content(content.get("sender"))
    return {"sender": frozen, "logo": logo_data_uri(frozen.logo) if frozen else "", "sender_css": SENDER_CSS}


def pdf_context(*, content: dict, number: int, reason: str, finalised_at, variant: str) -> dict:
    party_labels = dict(Placement.Party.choices)
    role_labels = dict(Participant.Role.choices)
    answer_labels = dict(Participant.Answer.choices)
    placements = content.get("placements", {})
    return {
        "c": content,
        **sender_context(content),
        "variant": variant,
        "number": number,
        "reason": reason,
        "finalised_at": finalised_at,
        "kind_label": Meeting.Kind(content["kind"]).label,
        "place_label": Meeting.PlaceKind(content["place_kind"]).label,
        "starts_at": _dt(content["starts_at"]),
        "held_at": _dt(content.get("held_at")),
        "follow_up_at": _dt(content.get("follow_up_at")),
        "follow_up_proposed": _dt(content.get("follow_up_proposed")),
        "participants": [
            {**p, "role_text": role_with_title(role_labels.get(p["role"], p["role"]), p.get("title", "")),
             "answer_label": answer_labels.get(p["answer"], "")}
            for p in content.get("participants", [])
        ],
        "placements": [
            {"label": party_labels[party], **placements[party]} for party in Placement.Party.values if party in placements
        ],
        "mismatch": len({p["position"] for p in placements.values()}) > 1,
        "agreements": [
            {**a, "due": date.fromisoformat(a["due_on"]) if a.get("due_on") else None} for a in content.get("agreements", [])
        ],
        "stairs": staircase(
            ladder=content.get("ladder", []),
            placements={party: value["position"] for party, value in placements.items()},
            agreed=(content.get("agreed") or {}).get("position"),
        ),
    }


def render_minutes_pdf(*, content: dict, number: int, reason: str, finalised_at, variant: str) -> bytes:
    """The full copy from the frozen content; the employer copy from its projection only
    (`projections.EmployerMinutes`), so a field not on that allow-list cannot reach it. Both carry the
    sender frozen in the version (the job centre's own data, not the case file's), tagged PDF/A."""
    with translation.override("da"):
        if variant == EMPLOYER:
            html = render_to_string("roundtable/pdf/minutes_employer.html", {
                "m": employer_minutes(content=content, number=number, finalised_at=finalised_at),
                **sender_context(content)})
        else:
            html = render_to_string(
                "roundtable/pdf/minutes.html",
                pdf_context(content=content, number=number, reason=reason, finalised_at=finalised_at, variant=variant),
            )
        return archival_pdf(html=html)


def attach_pdfs(version: MinutesVersion) -> None:
    """Render both copies and store them with their SHA-256 on the (unsaved) version."""
    reference = version.content["reference"]
    for variant, field, digest in ((FULL, "pdf_full", "pdf_full_sha256"), (EMPLOYER, "pdf_employer", "pdf_employer_sha256")):
        data = render_minutes_pdf(content=version.content, number=version.number, reason=version.reason,
                                  finalised_at=version.finalised_at, variant=variant)
        setattr(version, digest, hashlib.sha256(data).hexdigest())
        suffix = "" if variant == FULL else "-arbejdsgiver"
        getattr(version, field).save(f"referat-{reference}-v{version.number}{suffix}.pdf", ContentFile(data), save=False)


def read_pdf(version: MinutesVersion, variant: str) -> bytes:
    field = version.pdf_full if variant == FULL else version.pdf_employer
    with field.open("rb") as handle:
        return handle.read()
