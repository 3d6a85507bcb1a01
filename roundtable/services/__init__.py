"""Use cases of the meeting: schedule, move, cancel, answer, the three goals, hold, follow-up,
specialist notes and the minutes. Each writes a case timeline event in the same transaction.

Deadlines only through `cases.deadlines`; e-mail only through `cases.notifications.outbox_enqueue`
(it leaves after commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import deadlines
from cases.identity import consultant_contact
from cases.identity import sender as organisation_sender
from cases.models import DeadlinePolicy
from cases.notifications import outbox_enqueue
from cases.services import event_record

from ..models import (
    Agreement,
    Meeting,
    MinutesVersion,
    Offer,
    Participant,
    Placement,
    PlanWeek,
    SpecialistNote,
    Step,
)

Kind = DeadlinePolicy.Kind
ANSWER_SALT = "roundtable.participant-answer"


def _fmt(moment: datetime) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "D j/n H:i")


# --- invitations and answers ---------------------------------------------------------------------


def answer_token(participant: Participant) -> str:
    return signing.dumps({"p": participant.pk, "m": participant.meeting_id}, salt=ANSWER_SALT, compress=True)


def participant_from_token(token: str) -> Participant | None:
    """The participant a link belongs to, or None for a forged or mangled token."""
    try:
        data = signing.loads(token, salt=ANSWER_SALT)
    except signing.BadSignature:
        return None
    return (
        Participant.objects.select_related("meeting", "meeting__case", "meeting__case__employee", "meeting__organiser")
        .filter(pk=data.get("p"), meeting_id=data.get("m"))
        .first()
    )


def _answer_url(participant: Participant) -> str:
    from django.conf import settings

    return settings.SITE_URL + reverse("roundtable:answer", args=[answer_token(participant)])


def _send_invitations(meeting: Meeting, *, event: str) -> None:
    """One mail and one .ics per participant with an address, each built from that participant's
    `Invitation` projection: the organiser and the recipient, nobody else."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from ..ics import ics_mimetype, invitation_ics
    from ..projections import invitation_for, meeting_summary

    cancel = event == "cancel"
    with translation.override("da"):
        subjects = {
            "invite": _("Invitation: %(summary)s, %(when)s"),
            "move": _("New time: %(summary)s, %(when)s"),
            "cancel": _("Cancelled: %(summary)s, %(when)s"),
        }
        when = _fmt(meeting.starts_at)
        subject = subjects[event] % {"summary": meeting_summary(meeting), "when": when}
        for participant in meeting.participants.all():
            if not participant.email:
                continue
            invitation = invitation_for(meeting, participant, event=event, when=when,
                                        answer_url="" if cancel else _answer_url(participant))
            outbox_enqueue(
                to=participant.email,
                subject=subject,
                text=render_to_string("roundtable/mail/invitation.txt", {"inv": invitation}),
                attachments=[("invitation.ics", invitation_ics(invitation), ics_mimetype(cancel=cancel))],
                dedup_key=f"meeting:{meeting.uid}:{meeting.sequence}:{event}:{participant.pk}",
                case=meeting.case,
            )


@transaction.atomic
def participant_answer(*, participant: Participant, answer: str, comment: str = "") -> Participant:
    meeting = participant.meeting
    if not meeting.is_active:
        raise ValidationError(_("The meeting is no longer open for answers."))
    if answer not in (Participant.Answer.COMING, Participant.Answer.OTHER_TIME, Participant.Answer.NOT_COMING):
        raise ValidationError({"answer": _("Choose an answer.")})
    if answer != Participant.Answer.COMING and not comment.strip():
        raise ValidationError({"comment": _("Write a short comment, e.g. which times suit you.")})
    participant.answer = answer
    participant.answer_comment = comment.strip()[:1000]
    participant.answered_at = timezone.now()
    participant.save(update_fields=["answer", "answer_comment", "answered_at"])
    event_record(
        case=meeting.case, actor=None, kind="meeting_answer",
        summary=_("%(name)s (%(role)s) answered: %(answer)s.") % {
            "name": participant.name, "role": participant.get_role_display(), "answer": participant.get_answer_display()},
    )
    return participant


# --- goal 1: a shared picture ------------------------------------------------------------------


def _require_editable(meeting: Meeting) -> Meeting:
    """Lock the meeting's row and check the fresh copy: finalising takes the same lock, so no goal
    edit can land after a version of the minutes is frozen. Returns the locked row to edit."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("case").get(pk=meeting.pk)
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(_("The meeting is cancelled."))
    if meeting.minutes_locked:
        raise ValidationError(_("The minutes are finalised. Start a correction to change them."))
    return meeting


def _ladder() -> list[list]:
    return [[step.position, step.name] for step in Step.objects.filter(active=True).order_by("position")]


@transaction.atomic
def placements_save(*, meeting: Meeting, actor, placements: dict[str, Step | None], agreed: Step | None) -> Meeting:
    """Record each party's placement and the agreed step, with the step names as they are today."""
    meeting = _require_editable(meeting)
    ladder = meeting.ladder or _ladder()
    positions = {position for position, _name in ladder}
    for party, step in list(placements.items()) + [("agreed", agreed)]:
        if step is not None and step.position not in positions:
            raise ValidationError({party: _("That step is not on the step model.")})
        if party != "agreed" and party not in Placement.Party.values:
            raise ValueError(party)
    meeting.ladder = ladder
    names = dict((position, name) for position, name in ladder)
    for party, step in placements.items():
        if step is None:
            meeting.placements.filter(party=party).delete()
            continue
        Placement.objects.update_or_create(
            meeting=meeting, party=party,
            defaults={"step": step, "position": step.position, "step_name": names[step.position]},
        )
    meeting.agreed_step = agreed
    meeting.agreed_step_position = agreed.position if agreed else None
    meeting.agreed_step_name = names[agreed.position] if agreed else ""
    meeting.save(update_fields=["ladder", "agreed_step", "agreed_step_position", "agreed_step_name"])
    if agreed is not None:
        # Offers no longer suited to the agreed step are dropped from the plan.
        for offer in list(meeting.offers.all()):
            if not offer.suits(agreed.position):
                meeting.offers.remove(offer)
    event_record(
        case=meeting.case, actor=actor, kind="meeting_placements",
        summary=_("Step model: placements recorded; agreed step: %(step)s.") % {
            "step": meeting.agreed_step_name or _("not yet agreed")},
    )
    return meeting


def offers_for(meeting: Meeting):
    """The catalogue filtered to the agreed step (all active offers until a step is agreed)."""
    qs = Offer.objects.filter(active=True)
    if meeting.agreed_step_position is not None:
        qs = qs.filter(step_from__lte=meeting.agreed_step_position, step_to__gte=meeting.agreed_step_position)
    return qs.order_by("name")


# --- goal 2: the plan ----------------------------------------------------------------------------


@dataclass
class WeekData:
    week: int
    hours: Decimal
    tasks: str = ""


@transaction.atomic
def plan_save(*, meeting: Meeting, actor, plan_text: str, weeks: list[WeekData], offers: list[Offer]) -> Meeting:
    meeting = _require_editable(meeting)
    errors = {}
    seen = set()
    for week in weeks:
        if week.week < 1 or week.week > 104:
            errors["weeks"] = _("Weeks are numbered from 1 to 104.")
        elif week.week in seen:
            errors["weeks"] = _("Week %(week)s appears twice.") % {"week": week.week}
        elif week.hours < 0 or week.hours > 60:
            errors["weeks"] = _("Hours per week must be between 0 and 60.")
        seen.add(week.week)
    allowed = set(offers_for(meeting).values_list("pk", flat=True))
    if any(offer.pk not in allowed for offer in offers):
        errors["offers"] = _("Choose offers that suit the agreed step.")
    if errors:
        raise ValidationError(errors)
    meeting.plan_text = plan_text.strip()
    meeting.save(update_fields=["plan_text"])
    meeting.plan_weeks.all().delete()
    PlanWeek.objects.bulk_create(
        [PlanWeek(meeting=meeting, week=w.week, hours=w.hours, tasks=w.tasks.strip()[:500]) for w in sorted(weeks, key=lambda w: w.week)]
    )
    meeting.offers.set(offers)
    event_record(case=meeting.case, actor=actor, kind="meeting_plan", summary=_("Plan for the return saved."))
    return meeting


# --- goal 3: agreements --------------------------------------------------------------------------


def _due_at(day) -> datetime:
    """An agreement 'by Wednesday' is due at the end of that working day, 16:00 local time."""
    return timezone.make_aware(datetime.combine(day, time(16, 0)))


@transaction.atomic
def agreement_add(*, meeting: Meeting, actor, who: str, what: str, due_on=None) -> Agreement:
    meeting = _require_editable(meeting)
    errors = {}
    if not who.strip():
        errors["who"] = _("Write who does it.")
    if not what.strip():
        errors["what"] = _("Write what is agreed.")
    if due_on is not None and due_on < timezone.localdate(meeting.held_at or timezone.now()):
        errors["due_on"] = _("The date cannot lie before the meeting.")
    if errors:
        raise ValidationError(errors)
    agreement = Agreement.objects.create(meeting=meeting, who=who.strip()[:200], what=what.strip()[:500], due_on=due_on)
    if due_on is not None:
        agreement.deadline = deadlines.deadline_open(
            case=meeting.case, kind=Kind.AGREEMENT_ITEM, start=timezone.now(), actor=actor, due_at=_due_at(due_on),
            title=_("Agreement: %(who)s – %(what)s") % {"who": agreement.who, "what": agreement.what},
        )
        agreement.save(update_fields=["deadline"])
    else:
        event_record(case=meeting.case, actor=actor, kind="meeting_agreement",
                     summary=_("Agreement: %(who)s – %(what)s") % {"who": agreement.who, "what": agreement.what})
    return agreement


@transaction.atomic
def agreement_remove(*, agreement: Agreement, actor) -> None:
    _require_editable(agreement.meeting)
    if agreement.deadline is not None:
        deadlines.deadline_cancel(deadline=agreement.deadline, actor=actor, reason=_("agreement removed"))
    agreement.delete()


@transaction.atomic
def agreement_done(*, agreement: Agreement, actor, at: datetime | None = None) -> Agreement:
    if agreement.done_at is not None:
        return agreement
    agreement.done_at = at or timezone.now()
    agreement.save(update_fields=["done_at"])
    who = actor.get_full_name() or actor.username if actor else ""
    if agreement.deadline is not None:
        deadlines.deadline_meet_one(deadline=agreement.deadline, at=agreement.done_at, actor=actor,
                                    by=_("agreement done (%(who)s)") % {"who": who})
    else:
        event_record(case=agreement.meeting.case, actor=actor, kind="meeting_agreement_done",
                     summary=_("Agreement done: %(what)s") % {"what": agreement.what})
    return agreement


@transaction.atomic
def specialist_note_add(*, meeting: Meeting, actor, author_name: str, author_title: str, text: str) -> SpecialistNote:
    errors = {}
    if not author_name.strip():
        errors["author_name"] = _("Write the specialist's name.")
    if not text.strip():
        errors["text"] = _("Write the note.")
    if errors:
        raise ValidationError(errors)
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(_("The meeting is cancelled."))
    note = SpecialistNote.objects.create(
        meeting=meeting, author_name=author_name.strip(), author_title=author_title.strip(), text=text.strip(),
        added_by=actor,
    )
    # The timeline names the note, never its text: it may hold health details.
    event_record(case=meeting.case, actor=actor, kind="meeting_specialist_note",
                 summary=_("Note from %(name)s added to the meeting.") % {"name": note.author_name})
    return note


@transaction.atomic
def meeting_note_save(*, meeting: Meeting, actor, text: str) -> Meeting:
    meeting = _require_editable(meeting)
    meeting.consultant_note = text.strip()
    meeting.save(update_fields=["consultant_note"])
    return meeting


# --- minutes -------------------------------------------------------------------------------------


def minutes_problems(meeting: Meeting) -> list[str]:
    """What stops the minutes from being finalised, in plain Danish."""
    problems = []
    if meeting.state != Meeting.State.HELD:
        problems.append(_("The meeting has not been marked as held."))
    if meeting.agreed_step_position is None:
        problems.append(_("Goal 1: record the agreed step."))
    if not meeting.plan_text.strip():
        problems.append(_("Goal 2: write the plan for the return."))
    if not meeting.agreements.exists():
        problems.append(_("Goal 3: record at least one agreement."))
    return problems


def minutes_content(meeting: Meeting) -> dict:
    """Everything the minutes hold, frozen as plain data (a later edit never changes a version)."""
    case = meeting.case
    follow_up = meeting.follow_up
    return {
        "reference": case.reference,
        "kind": meeting.kind,
        "starts_at": meeting.starts_at.isoformat(),
        "held_at": meeting.held_at.isoformat() if meeting.held_at else None,
        "duration_minutes": meeting.duration_minutes,
        "place_kind": meeting.place_kind,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "employee_name": case.employee.name,
        "employer_name": case.employer.name if case.employer else "",
        "consultant_name": (meeting.organiser.get_full_name() or meeting.organiser.username),
        # The sender as it is today, frozen: a version printed again later names the same job centre.
        "sender": organisation_sender().as_content(),
        "participants": [
            {"role": p.role, "name": p.name, "title": p.title, "answer": p.answer} for p in meeting.participants.all()
        ],
        "ladder": meeting.ladder or _ladder(),
        "placements": {p.party: {"position": p.position, "name": p.step_name} for p in meeting.placements.all()},
        "agreed": {"position": meeting.agreed_step_position, "name": meeting.agreed_step_name},
        "plan_text": meeting.plan_text,
        "weeks": [{"week": w.week, "hours": str(w.hours), "tasks": w.tasks} for w in meeting.plan_weeks.all()],
        "offers": [
            {"name": o.name, "provider": o.provider, "contact": o.contact, "description": o.description,
             "employer_label": o.employer_label}
            for o in meeting.offers.order_by("name")
        ],
        "agreements": [
            {"who": a.who, "what": a.what, "due_on": a.due_on.isoformat() if a.due_on else None}
            for a in meeting.agreements.all()
        ],
        "follow_up_at": follow_up.starts_at.isoformat() if follow_up and follow_up.state != Meeting.State.CANCELLED else None,
        "follow_up_proposed": follow_up_proposal(meeting).isoformat(),
        "functional_limitations": case.functional_limitations,
        # Sensitive: the full copy only.
        "sensitive": {
            "health_note": case.health_note,
            "consultant_note": meeting.consultant_note,
            "specialist_notes": [
                {"name": n.author_name, "title": n.author_title, "text": n.text} for n in meeting.specialist_notes.all()
            ],
        },
    }


@transaction.atomic
def minutes_finalise(*, meeting: Meeting, actor, send: bool = True) -> MinutesVersion:
    """Freeze the minutes as a new version, render both PDFs and send the finalised copy to the participants."""
    from .. import pdf

    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("case", "case__employee", "case__employer", "organiser")
        .get(pk=meeting.pk)
    )
    if meeting.minutes_locked:
        raise ValidationError(_("The minutes are already finalised."))
    problems = minutes_problems(meeting)
    if problems:
        raise ValidationError(problems)
    last = meeting.versions.order_by("-number").first()
    number = last.number + 1 if last else 1
    reason = meeting.correction_reason if number > 1 else ""
    if number > 1 and not reason:
        raise ValidationError(_("A correction needs a reason."))
    version = MinutesVersion(
        meeting=meeting, number=number, reason=reason, content=minutes_content(meeting), finalised_at=timezone.now(),
        finalised_by=actor,
    )
    pdf.attach_pdfs(version)
    version.save()
    meeting.minutes_locked = True
    meeting.correction_reason = ""
    meeting.save(update_fields=["minutes_locked", "correction_reason"])
    summary = _("Minutes finalised (version %(number)s).") % {"number": number}
    if reason:
        summary = _("Minutes corrected (version %(number)s): %(reason)s") % {"number": number, "reason": reason}
    event_record(case=meeting.case, actor=actor, kind="minutes_finalised", summary=summary)
    if send:
        _send_minutes(meeting, version)
    return version


def _send_minutes(meeting: Meeting, version: MinutesVersion) -> None:
    """Who gets what: the employer and other outside participants get the employer-safe copy (no health
    data by construction); the citizen gets a letter with a signed link to the full minutes, opened with
    a one-time code. The full minutes never leave as an attachment; the consultant sends, not receives."""
    from django.template.loader import render_to_string
    from django.utils import translation

    case = meeting.case
    participants = list(meeting.participants.all())
    with translation.override("da"):
        subject = _("Minutes: %(kind)s %(when)s (version %(number)s)") % {
            "kind": meeting.get_kind_display(), "when": _fmt(meeting.held_at or meeting.starts_at), "number": version.number}
        employer_copy = None
        for participant in participants:
            if not participant.email or participant.role == Participant.Role.CONSULTANT or participant.sees_health_details:
                continue
            if employer_copy is None:
                with version.pdf_employer.open("rb") as handle:
                    employer_copy = handle.read()
            outbox_enqueue(
                to=participant.email, subject=subject,
                text=render_to_string("roundtable/mail/minutes.txt", {
                    "participant": participant, "version": version, "consultant": consultant_contact(meeting.organiser)}),
                attachments=[(f"referat-{case.reference}-v{version.number}-arbejdsgiver.pdf", employer_copy,
                              "application/pdf")],
                dedup_key=f"minutes:{meeting.uid}:{version.number}:{participant.pk}", case=case,
            )
    minutes_letter_send(version=version, subject=subject)


def minutes_letter_send(*, version: MinutesVersion, actor=None, subject: str = "", again: bool = False) -> str | None:
    """Send the citizen a letter with a signed link to the full minutes of this version (no document,
    no health data). `again`: a fresh link, e.g. when the first one expired. Returns where it went, or
    None when the citizen has no address (the consultant hands the minutes over in person)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from cases.channel.senders import CitizenLetter, letter_send

    from ..citizen import minutes_url

    meeting = version.meeting
    case = meeting.case
    employee = next((p for p in meeting.participants.all() if p.sees_health_details), None)
    with translation.override("da"):
        subject = subject or _("Minutes: %(kind)s %(when)s (version %(number)s)") % {
            "kind": meeting.get_kind_display(), "when": _fmt(meeting.held_at or meeting.starts_at), "number": version.number}
        key = f"minutes:{meeting.uid}:{version.number}:citizen" + (f":{timezone.now().isoformat()}" if again else "")
        sent_to = letter_send(letter=CitizenLetter(
            employee=case.employee, case=case, subject=subject,
            text=render_to_string("roundtable/mail/minutes_citizen.txt", {
                "name": employee.name if employee else case.employee.name, "version": version,
                "url": minutes_url(version), "consultant": consultant_contact(meeting.organiser)}),
            dedup_key=key, email_hint=employee.email if employee else "",
        ))
        event_record(case=case, actor=actor, kind="minutes_link", summary=(
            _("The citizen was sent a link to the full minutes (version %(number)s).") if sent_to else
            _("The citizen has no e-mail address: give them the full minutes (version %(number)s) in person."))
            % {"number": version.number})
    return sent_to


@transaction.atomic
def minutes_correct(*, meeting: Meeting, actor, reason: str) -> Meeting:
    """Reopen finalised minutes for a correction; finalising again makes a new version with this reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the correction.")})
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    if not meeting.minutes_locked:
        raise ValidationError(_("The minutes are not finalised yet; just edit them."))
    meeting.minutes_locked = False
    meeting.correction_reason = reason.strip()[:500]
    meeting.save(update_fields=["minutes_locked", "correction_reason"])
    event_record(case=meeting.case, actor=actor, kind="minutes_correction",
                 summary=_("Correction of the minutes started: %(reason)s") % {"reason": meeting.correction_reason})
    return meeting


# Split by concept; the public names stay importable from `roundtable.services`. Imported last:
# these modules use the helpers above.
from .clocks import LATE_CODE, clocks_met_by, clocks_missed, is_late_refusal  # noqa: E402, F401
from .conference import default_start, offer_decide, offer_started, offer_withdraw  # noqa: E402, F401
from .holding import follow_up_book, follow_up_proposal, meeting_hold  # noqa: E402, F401
from .scheduling import (  # noqa: E402, F401
    ParticipantData,
    SlotData,
    meeting_cancel,
    meeting_move,
    meeting_schedule,
)
