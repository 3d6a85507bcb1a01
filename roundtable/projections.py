"""What an outside party may see of a meeting: the employer, the union representative, a specialist,
a GP. Each output (invitation mail and .ics, the employer-safe minutes, the status page) is built from
a frozen dataclass here, and a template or renderer gets only that dataclass, never a model object.

The rule is an allow-list: a field reaches an outside party only when it is declared on one of these
dataclasses. A new model field therefore stays internal until someone adds it here on purpose, and the
sentinel contract test (`tests/test_contract_employer.py`) fails if a field that is not on the list shows up.

What is never on the list: the case's health note and screening, the journal, specialist notes, the
consultant's note, participants' free-text titles (a title such as "psychologist" reveals health),
offers' internal names, providers and descriptions, cancel and correction reasons (free text written
for the file), the answers' comments, and the other participants' e-mail addresses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.identity import ConsultantContact, consultant_contact
from cases.ports.meetings import EmployerAgreement, EmployerMeeting

from .models import Meeting, Offer, Participant, Placement
from .staircase import staircase

# Roles whose presence alone would tell the employer something about the employee's health.
HEALTH_ROLES = (Participant.Role.SPECIALIST, Participant.Role.GP)


def role_label(role: str) -> str:
    """The role as outsiders see it: specialists and GPs by the neutral role "specialist"."""
    if role in HEALTH_ROLES:
        role = Participant.Role.SPECIALIST
    return str(Participant.Role(role).label) if role in Participant.Role.values else ""


def offer_label(offer: Offer) -> str:
    return offer.employer_label


def _organiser_email(meeting: Meeting) -> str:
    from email.utils import parseaddr

    return getattr(meeting.organiser, "email", "") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _organiser_name(meeting: Meeting) -> str:
    return meeting.organiser.get_full_name() or meeting.organiser.username


# --- invitations (mail + .ics), one per recipient -----------------------------------------------


@dataclass(frozen=True)
class Invitation:
    """What one invited person receives about a meeting: the organiser and this recipient, no one else."""

    uid: str
    sequence: int
    event: str  # invite | move | cancel
    kind: str  # label, e.g. "rundbordssamtale"
    summary: str
    starts_at: datetime  # Europe/Copenhagen
    ends_at: datetime
    duration_minutes: int
    when: str  # "tir 1/12 10:00"
    place: str
    online_link: str
    organiser_name: str
    organiser_email: str
    recipient_name: str
    recipient_email: str
    answer_url: str  # "" for a cancellation
    consultant: ConsultantContact  # the organiser's name and direct contact, for the signature

    @property
    def cancelled(self) -> bool:
        return self.event == "cancel"


def meeting_summary(meeting: Meeting) -> str:
    return _("%(kind)s: %(name)s") % {"kind": meeting.get_kind_display().capitalize(), "name": meeting.case.employee.name}


def invitation_for(meeting: Meeting, participant: Participant, *, event: str, answer_url: str, when: str) -> Invitation:
    starts_at = timezone.localtime(meeting.starts_at)
    return Invitation(
        uid=f"{meeting.uid}@fastholdelse", sequence=meeting.sequence, event=event, kind=str(meeting.get_kind_display()),
        summary=meeting_summary(meeting), starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=meeting.duration_minutes), duration_minutes=meeting.duration_minutes,
        when=when, place=meeting.place_display, online_link=meeting.online_link,
        organiser_name=_organiser_name(meeting), organiser_email=_organiser_email(meeting),
        recipient_name=participant.name, recipient_email=participant.email,
        answer_url="" if event == "cancel" else answer_url, consultant=consultant_contact(meeting.organiser),
    )


# --- the employer's status page -----------------------------------------------------------------


def employer_meeting(meeting: Meeting, *, minutes_final: bool) -> EmployerMeeting:
    return EmployerMeeting(
        kind=str(meeting.get_kind_display()), starts_at=meeting.starts_at, duration_minutes=meeting.duration_minutes,
        place=meeting.place_display, online_link=meeting.online_link, state=meeting.state,
        state_label=str(meeting.get_state_display()), minutes_final=minutes_final,
    )


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def employers_agreements(meeting: Meeting, *, employer_names: Iterable[str]) -> list[EmployerAgreement]:
    """The meeting's agreements whose "who" names the employer side: the given names (employer, contact
    person) or a participant with the employer role. Every other party's items stay out."""
    names = {_folded(name) for name in employer_names if name and name.strip()}
    names |= {_folded(p.name) for p in meeting.participants.all() if p.role == Participant.Role.EMPLOYER}
    return [
        EmployerAgreement(what=agreement.what, due_on=agreement.due_on, done=agreement.done_at is not None)
        for agreement in meeting.agreements.all() if _folded(agreement.who) in names
    ]


# --- the employer-safe minutes (from a version's frozen content) --------------------------------


@dataclass(frozen=True)
class SafeParticipant:
    name: str
    role: str  # neutral label


@dataclass(frozen=True)
class SafePlacement:
    party: str  # label
    position: int
    step: str


@dataclass(frozen=True)
class SafeWeek:
    week: int
    hours: Decimal
    tasks: str


@dataclass(frozen=True)
class SafeAgreement:
    who: str
    what: str
    due_on: date | None


@dataclass(frozen=True)
class EmployerMinutes:
    """The minutes as every participant but the employee receives them."""

    reference: str
    number: int
    corrected: bool  # a correction; its reason is free text for the file and stays out
    finalised_at: datetime
    kind: str
    employee_name: str
    employer_name: str
    held_at: datetime | None
    place: str
    online_link: str
    consultant_name: str
    participants: tuple[SafeParticipant, ...]
    placements: tuple[SafePlacement, ...]
    agreed_position: int | None
    agreed_step: str
    placements_differ: bool
    functional_limitations: str
    plan_text: str
    weeks: tuple[SafeWeek, ...]
    offers: tuple[str, ...]  # employer labels only
    agreements: tuple[SafeAgreement, ...]
    follow_up_at: datetime | None
    follow_up_proposed: datetime | None
    stairs: dict


def _dt(value: str | None) -> datetime | None:
    return timezone.localtime(datetime.fromisoformat(value)) if value else None


def _content_offer_label(offer: dict) -> str:
    # Versions frozen before offers had an employer label show the neutral "other offer", never the name.
    return offer.get("employer_label") or str(Offer.Category.OTHER.label)


def employer_minutes(*, content: dict, number: int, finalised_at: datetime) -> EmployerMinutes:
    placements = content.get("placements", {})
    party_labels = dict(Placement.Party.choices)
    agreed = content.get("agreed") or {}
    place = str(Meeting.PlaceKind(content["place_kind"]).label)
    if content.get("place"):
        place = f"{place}: {content['place']}"
    return EmployerMinutes(
        reference=content["reference"], number=number, corrected=number > 1, finalised_at=finalised_at,
        kind=str(Meeting.Kind(content["kind"]).label), employee_name=content["employee_name"],
        employer_name=content.get("employer_name", ""), held_at=_dt(content.get("held_at") or content["starts_at"]),
        place=place, online_link=content.get("online_link", ""), consultant_name=content["consultant_name"],
        participants=tuple(SafeParticipant(name=p["name"], role=role_label(p["role"])) for p in content.get("participants", [])),
        placements=tuple(
            SafePlacement(party=str(party_labels[party]), position=placements[party]["position"], step=placements[party]["name"])
            for party in Placement.Party.values if party in placements
        ),
        agreed_position=agreed.get("position"), agreed_step=agreed.get("name", ""),
        placements_differ=len({p["position"] for p in placements.values()}) > 1,
        functional_limitations=content.get("functional_limitations", ""), plan_text=content.get("plan_text", ""),
        weeks=tuple(SafeWeek(week=w["week"], hours=Decimal(w["hours"]), tasks=w["tasks"]) for w in content.get("weeks", [])),
        offers=tuple(dict.fromkeys(_content_offer_label(o) for o in content.get("offers", []))),
        agreements=tuple(
            SafeAgreement(who=a["who"], what=a["what"], due_on=date.fromisoformat(a["due_on"]) if a.get("due_on") else None)
            for a in content.get("agreements", [])
        ),
        follow_up_at=_dt(content.get("follow_up_at")), follow_up_proposed=_dt(content.get("follow_up_proposed")),
        stairs=staircase(
            ladder=content.get("ladder", []),
            placements={party: value["position"] for party, value in placements.items()},
            agreed=agreed.get("position"),
        ),
    )

