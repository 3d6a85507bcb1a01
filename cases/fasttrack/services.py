"""The fast-track path: the employer submits, the employee answers, the consultant triages.

Submitting saves the referral and its mails in one transaction; the mails leave through the outbox
after commit, so a mail server or broker that is down never loses a referral.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .. import deadlines, services
from ..channel.contacts import contact_points_from_employer
from ..identifiers import validate_cpr
from ..identity import ConsultantContact, LegalTexts, consultant_contact, legal_texts, legal_texts_from, sender_from
from ..models import Case, DeadlinePolicy, Employee, Organisation, Referral, Team
from ..notifications import Draft, notify_bulk, outbox_enqueue, outbox_enqueue_many, outbox_message
from ..ports import meetings as meetings_port
from ..ports.meetings import EmployerAgreement, EmployerMeeting, EmployerMeetings
from ..selectors import consultants_of
from . import signing


def receiving_team() -> Team:
    """The team marked as receiving fast-track referrals (admin), else the first team."""
    team = Team.objects.filter(receives_fast_track=True).order_by("name").first() or Team.objects.order_by("name").first()
    if team is None:
        raise ValidationError(_("No team is set up to receive fast-track referrals yet."))
    return team


def status_url(referral: Referral) -> str:
    token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    return settings.SITE_URL + reverse("fasttrack:status", args=[token])


def employee_url(referral: Referral) -> str:
    token = signing.make_token(referral.pk, salt=signing.EMPLOYEE_SALT)
    return settings.SITE_URL + reverse("fasttrack:employee", args=[token])


def referral_text(referral: Referral) -> str:
    """The filled template as plain text, fit to paste into an e-mail (the employer's part only)."""
    row = Organisation.objects.filter(pk=1).first()
    with override("da"):
        return render_to_string("cases/fasttrack/referral.txt", {
            "r": referral, "sender": sender_from(row), "legal": legal_texts_from(row)}).strip() + "\n"


# SDL § 13 b, stk. 2: the first follow-up conversation no later than 2 weeks after the request is received.
TWO_WEEKS = timedelta(weeks=2)


def two_week_promise(referral: Referral, legal: LegalTexts) -> date | None:
    """The day the job centre may promise the first follow-up conversation by, or None when the promise
    does not apply: the form is not the municipality's § 7 c channel (the request goes through NemRefusion),
    the request came more than 5 weeks after the first absence day, or the employee declined."""
    if not legal.form_is_request or not referral.two_week_rule_applies:
        return None
    return timezone.localdate(referral.received_at) + TWO_WEEKS


def receipt_context(referral: Referral) -> dict:
    """What the receipt page and the receipt mail say about the deadline (one place for both)."""
    legal = legal_texts()
    return {"legal": legal, "promise_day": two_week_promise(referral, legal)}


@transaction.atomic
def referral_submit(*, data: dict) -> Referral:
    """Store the referral, queue the receipt to the employer and the link to the employee, and tell
    the receiving team. Everything in one transaction; nothing is sent before it commits."""
    referral = Referral(reference="", team=receiving_team(), **data)
    referral.reference = "T-" + timezone.now().strftime("%H%M%S%f")
    referral.save()
    referral.reference = f"FT-{timezone.localdate(referral.received_at).year}-{referral.pk:05d}"
    Referral.objects.filter(pk=referral.pk).update(reference=referral.reference)

    with override("da"):
        context = {"r": referral, "status_url": status_url(referral), "employee_url": employee_url(referral),
                   "consent_days": settings.FASTTRACK_CONSENT_LINK_DAYS, **receipt_context(referral)}
        outbox_enqueue_many([
            outbox_message(
                to=referral.contact_email,
                subject=_("Fast-track request received: %(ref)s") % {"ref": referral.reference},
                text=render_to_string("cases/fasttrack/mail_receipt.txt", context),
                attachments=[(f"{referral.reference}.txt", referral_text(referral), "text/plain; charset=utf-8")],
                dedup_key=f"fasttrack:receipt:{referral.pk}",
            ),
            outbox_message(
                to=referral.employee_email,
                subject=_("Your employer has asked the job centre for fast track"),
                text=render_to_string("cases/fasttrack/mail_employee.txt", context),
                dedup_key=f"fasttrack:employee:{referral.pk}",
            ) if referral.employee_email else None,
        ])
        # The team sees it in the bell and the triage queue (one insert; no mail per consultant).
        title = _("New fast-track request %(ref)s") % {"ref": referral.reference}
        body = _("%(employer)s asks for fast track for %(name)s.") % {
            "employer": referral.employer_name, "name": referral.employee_name}
        url = reverse("fasttrack:triage_detail", args=[referral.pk])
        notify_bulk([
            Draft(recipient=consultant, kind="referral_received", title=title, body=body, url=url, email=False,
                  dedup_key=f"fasttrack:new:{referral.pk}:{consultant.pk}")
            for consultant in consultants_of([referral.team]).only("pk", "email")
        ])
    return referral


@dataclass
class EmployeeAnswer:
    consent: str
    functions: str = ""
    duration: str = ""
    adapted: str = ""


@transaction.atomic
def referral_employee_answer(*, referral: Referral, answer: EmployeeAnswer) -> Referral:
    """The employee's consent and own answers, once. Declining after acceptance cancels the fast-track clock
    (the case follows the ordinary rules)."""
    if answer.consent not in (Referral.Consent.GIVEN, Referral.Consent.DECLINED):
        raise ValidationError({"consent": _("Say whether you agree to fast track.")})
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.consent != Referral.Consent.PENDING:
        # Answered once through the link; a change goes through the job centre (the link is write-once).
        raise ValidationError(_("You have already answered. Contact the job centre if you want to change your answer."))
    referral.consent = answer.consent
    referral.consent_at = timezone.now()
    referral.employee_functions = answer.functions
    referral.employee_duration = answer.duration
    referral.employee_adapted = answer.adapted
    referral.save(update_fields=["consent", "consent_at", "employee_functions", "employee_duration", "employee_adapted"])
    if referral.case_id:
        case = referral.case
        services.event_record(case=case, actor=None, kind="referral_consent", summary=(
            _("The employee agrees to fast track.") if referral.fast_track_applies
            else _("The employee declines fast track; the ordinary rules apply.")))
        if not referral.fast_track_applies:
            for deadline in case.deadlines.unfinished().filter(kind=DeadlinePolicy.Kind.FAST_TRACK):
                deadlines.deadline_cancel(deadline=deadline, reason=_("the employee declined fast track"))
    return referral


def _check_undecided(referral: Referral) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.state != Referral.State.NEW:
        raise ValidationError(_("This referral has already been decided."))
    return referral


@transaction.atomic
def referral_accept(*, referral: Referral, actor, consultant=None) -> Case:
    """Open a case (or attach to the person's open case), matching the employer by CVR and the employee
    by CPR; start the 2-week fast-track clock from the request (not from the consent) unless the
    employee declined. case_open starts the first-meeting clock."""
    referral = _check_undecided(referral)
    person = _employee_from_referral(referral)
    # The case file's own values (after filling blanks only): case_open's upsert then changes nothing.
    employee = services.EmployeeData(cpr=person.cpr, name=person.name, phone=person.phone, email=person.email,
                                     job_title=person.job_title)
    employer = services.EmployerData(cvr=referral.cvr, name=referral.employer_name, address=referral.employer_address,
                                     p_number=referral.p_number)
    contact = services.ContactData(name=referral.contact_name, role=referral.contact_role, phone=referral.contact_phone,
                                   email=referral.contact_email)
    case = services.open_case_for(person)
    if case is None:
        case = services.case_open(
            actor=actor, employee=employee, employer=employer, contact=contact, team=referral.team,
            consultant=consultant or actor, source=Case.Source.FAST_TRACK, first_contact_at=referral.received_at,
            first_absence_day=referral.first_absence_day,
        )
    else:
        services.event_record(case=case, actor=actor, kind="referral_attached", summary=_(
            "Fast-track request %(ref)s attached to the open case.") % {"ref": referral.reference})
    if referral.fast_track_applies:
        deadlines.deadline_open(case=case, kind=DeadlinePolicy.Kind.FAST_TRACK, start=referral.received_at, actor=actor)
    _decide(referral, actor=actor, state=Referral.State.ACCEPTED, case=case)
    with override("da"):
        _mail_employer(referral, subject=_("Fast track %(ref)s: the job centre has opened a case"),
                       template="cases/fasttrack/mail_accepted.txt", consultant=consultant_contact(case.consultant))
    return case


def _employee_from_referral(referral: Referral) -> Employee:
    """The employer typed the employee's name and contact details. They fill only fields the case file
    has empty, never overwrite what it knows, and stay unverified: no health data goes to them before a
    consultant has confirmed them with the citizen (cases.channel)."""
    typed = {"name": referral.employee_name, "phone": referral.employee_phone, "email": referral.employee_email,
             "job_title": referral.job_title}
    person, created = Employee.objects.select_for_update().get_or_create(cpr=validate_cpr(referral.employee_cpr),
                                                                         defaults=typed)
    if not created:
        blanks = [field for field, value in typed.items() if value and not getattr(person, field)]
        for field in blanks:
            setattr(person, field, typed[field])
        if blanks:
            person.save()
    contact_points_from_employer(employee=person, phone=referral.employee_phone, email=referral.employee_email)
    return person


@transaction.atomic
def referral_reject(*, referral: Referral, actor, reason: str) -> Referral:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason that will be sent to the employer.")})
    referral = _check_undecided(referral)
    legal = legal_texts()
    _decide(referral, actor=actor, state=Referral.State.REJECTED, rejection_reason=reason.strip(),
            rejected_as_decision=legal.rejection_is_decision)
    with override("da"):
        # L7: a decision (afgørelse) only when the municipality says so; then with the complaint guidance.
        subject = (_("Fast track %(ref)s: decision on your request") if legal.rejection_is_decision
                   else _("Fast track %(ref)s: your request has been processed"))
        _mail_employer(referral, subject=subject, template="cases/fasttrack/mail_rejected.txt", legal=legal)
    return referral


def _decide(referral: Referral, *, actor, state: str, **fields) -> None:
    for name, value in {"state": state, "decided_at": timezone.now(), "decided_by": actor, **fields}.items():
        setattr(referral, name, value)
    # The CPR matched the person at triage; from now on the case link (if accepted) and a keyed hash do.
    forgotten = referral.forget_cpr()
    referral.save(update_fields=["state", "decided_at", "decided_by", *fields, *forgotten])


def _mail_employer(referral: Referral, *, subject: str, template: str, consultant: ConsultantContact | None = None,
                   legal: LegalTexts | None = None) -> None:
    """The triage decision to the employer's contact person, once (dedup key per referral and state);
    an opened case names its consultant and their direct contact."""
    outbox_enqueue(
        to=referral.contact_email, subject=subject % {"ref": referral.reference},
        text=render_to_string(template, {"r": referral, "status_url": status_url(referral), "consultant": consultant,
                                         "legal": legal}),
        dedup_key=f"fasttrack:{referral.state}:{referral.pk}",
    )


@dataclass(frozen=True)
class EmployerStatus:
    """The employer's status page: the allow-list. Received, case opened or not (with the job centre's
    reason when not), meeting time, place and state, and the agreements that are the employer's. Never
    diagnosis, screening, notes, the employee's answers or another party's agreements."""

    reference: str
    received_at: datetime
    state: str
    rejection_reason: str
    case_opened: bool
    rejected_as_decision: bool = False  # as the mail said it (the setting at the time of the rejection)
    meetings: tuple[EmployerMeeting, ...] = ()
    consultant: ConsultantContact | None = None  # name, direct phone and e-mail once a case is opened
    agreements: tuple[EmployerAgreement, ...] = ()


def employer_view(referral: Referral) -> EmployerStatus:
    """Meetings come through the meetings port (cases never imports roundtable)."""
    found = EmployerMeetings()
    port = meetings_port.provider()
    # One query for the case with its employer, contact and consultant (name and direct phone).
    case = (Case.objects.select_related("employer", "employer_contact", "consultant__consultant_profile")
            .filter(pk=referral.case_id).first() if referral.case_id else None)
    if case is not None and port is not None:
        names = [referral.contact_name, referral.employer_name, case.employer.name if case.employer else "",
                 case.employer_contact.name if case.employer_contact else "", "arbejdsgiver", "arbejdsgiveren", "employer"]
        found = port.employer_meetings(case, employer_names=names)
    return EmployerStatus(
        reference=referral.reference, received_at=referral.received_at, state=referral.state,
        rejection_reason=referral.rejection_reason if referral.state == Referral.State.REJECTED else "",
        rejected_as_decision=bool(referral.rejected_as_decision) and referral.state == Referral.State.REJECTED,
        case_opened=referral.case_id is not None, meetings=found.meetings, agreements=found.agreements,
        consultant=consultant_contact(case.consultant) if case is not None else None,
    )
