"""Who sends the documents: the organisation settings and the consultant's direct contact, as frozen
plain data. Templates, PDFs and the employer's pages get these dataclasses, never a model object, so a
field that is not declared here cannot reach a document.

The minutes freeze the sender into their content (`Sender.as_content`): a version printed again later
names the job centre as it was when the minutes were finalised.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import asdict, dataclass

from django.core.files.storage import default_storage

from .models import Organisation
from .models.organisation import DEFAULT_COMPLAINT_GUIDANCE

logger = logging.getLogger(__name__)

_LOGO_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass(frozen=True)
class Sender:
    municipality: str
    job_centre: str
    address: str = ""
    phone: str = ""
    email: str = ""
    web: str = ""
    logo: str = ""  # the file's name in the default storage; "" without a logo

    @property
    def name(self) -> str:
        return self.job_centre or self.municipality

    @property
    def contact_line(self) -> str:
        """"Tlf. 87 13 10 00 · jobcenter@aarhus.dk · aarhus.dk": the parts that are filled in."""
        parts = [f"Tlf. {self.phone}" if self.phone else "", self.email, self.web]
        return " · ".join(part for part in parts if part)

    def as_content(self) -> dict:
        return asdict(self)

    @classmethod
    def from_content(cls, data: dict | None) -> Sender | None:
        if not data:
            return None
        return cls(**{name: str(data.get(name) or "") for name in cls.__dataclass_fields__})


def sender() -> Sender:
    """The organisation settings as they are now (one query). The migration creates the row; a database
    without it (an admin deleted it by SQL) still gets a neutral sender rather than an error in a mail."""
    return sender_from(Organisation.objects.filter(pk=1).first())


def sender_from(row: Organisation | None) -> Sender:
    if row is None:
        return Sender(municipality="", job_centre="Jobcenter")
    return Sender(
        municipality=row.municipality, job_centre=row.job_centre, address=row.address, phone=row.phone,
        email=row.email, web=row.web, logo=row.logo.name if row.logo else "",
    )


@dataclass(frozen=True)
class LegalTexts:
    """The municipality's choices where the legal status of a text depends on it (danish-review.md L6, L7,
    tone 6), with defaults that claim no more than the law: the form is not the § 7 c request, a rejection
    is not a decision, the footer names the job centre."""

    form_is_request: bool = False  # the municipality accepts this form as the SDL § 7 c request
    intro: str = ""  # replaces the form's first paragraph; "" = the default text
    rejection_is_decision: bool = False
    complaint_guidance: str = DEFAULT_COMPLAINT_GUIDANCE
    mail_name: str = "Jobcentret"  # "Denne e-mail er sendt automatisk fra <mail_name>."


def legal_texts() -> LegalTexts:
    """The organisation row's legal settings (one query); the safe defaults without the row."""
    return legal_texts_from(Organisation.objects.filter(pk=1).first())


def legal_texts_from(row: Organisation | None) -> LegalTexts:
    if row is None:
        return LegalTexts()
    return LegalTexts(
        form_is_request=row.fasttrack_channel == Organisation.FastTrackChannel.FORM, intro=row.fasttrack_intro.strip(),
        rejection_is_decision=row.rejection_is_decision, complaint_guidance=row.complaint_guidance.strip(),
        mail_name=(row.mail_sender_name or row.job_centre or row.municipality or "Jobcentret").strip(),
    )


def logo_data_uri(name: str) -> str:
    """The logo inlined as a data: URI, so WeasyPrint needs no URL fetcher or base URL. "" when there is
    no logo or the file is gone (a document is still printed, with the name only)."""
    kind = _LOGO_TYPES.get(name.rsplit(".", 1)[-1].lower()) if name else None
    if kind is None:
        return ""
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except OSError:
        logger.warning("The organisation logo %s could not be read; printing without it.", name)
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


@dataclass(frozen=True)
class ConsultantContact:
    """The consultant as an employer or employee may reach them: name, direct phone, e-mail."""

    name: str
    phone: str = ""
    email: str = ""


def consultant_contact(user) -> ConsultantContact | None:
    """From the user (name, e-mail) and the consultant profile (direct phone); None without a user."""
    if user is None:
        return None
    profile = getattr(user, "consultant_profile", None)  # a missing profile raises an AttributeError subclass
    return ConsultantContact(
        name=user.get_full_name() or user.username, phone=getattr(profile, "phone", "") or "", email=user.email or "",
    )
