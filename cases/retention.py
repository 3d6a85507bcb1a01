"""Retention: what is kept, and for how long (GDPR art. 5(1)(e); the archive rules of domain.md).

A Celery beat job (cases.tasks.retention_run, nightly) does three things and records each run in a
RetentionRun row that the admin can read:

- a closed case, RETENTION_CLOSED_CASE_DAYS after its closing date, is anonymised: the person (name,
  CPR, phone, e-mail, job title), the free-text and health fields, the journal texts, the timeline and
  deadline notes, phone-call details, the referral's personal data, the case's notifications and mail
  contents, and whatever the feature apps registered (the meetings, see roundtable/retention.py). What
  statistics need stays: team, consultant, source, dates, status, complexity, outcome, the deadlines
  and the meetings' dates and states;
- a rejected referral, RETENTION_REJECTED_REFERRAL_DAYS after the decision, loses its personal data
  (employee, contact person, free texts, the CPR's birth date and hash); employer, dates and flags stay;
- a handled outbox mail, RETENTION_SENT_MAIL_DAYS after it was sent (or dropped / given up), loses its
  body and attachments (minutes PDFs, referral text); recipients, subject and dates stay as the record
  that it was sent.

Each row is handled in its own transaction: a row that fails is reported in the run (by id and
exception type, never its data) and the others go on. Nothing here runs for an open case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import (
    Case,
    CaseEvent,
    ContactPoint,
    Deadline,
    DeadlineEvent,
    Employee,
    GpPatient,
    GpRequest,
    JournalEntry,
    Notification,
    OneTimeCode,
    OutboxMessage,
    PhoneCall,
    Referral,
    RetentionRun,
    ScreeningAnswer,
    ScreeningMark,
)

logger = logging.getLogger(__name__)

ANONYMISED_NAME = "anonymiseret"

# Feature apps add what they keep about a case (the kernel imports no feature): each callable gets the
# case inside the anonymising transaction. Registered in the feature's AppConfig.ready().
_case_anonymisers: list[Callable[[Case], None]] = []


def register_case_anonymiser(anonymiser: Callable[[Case], None]) -> None:
    if anonymiser not in _case_anonymisers:
        _case_anonymisers.append(anonymiser)


# Feature apps' rows that hold personal data but never got a case (a self-booked time whose employee was
# never identified, a campaign's list entry never invited): each callable clears its own rows older than
# `before` and returns how many. Kept as long as a closed case, then cleared. Registered in ready().
_caseless_sweepers: list[Callable[[datetime], int]] = []


def register_caseless_sweeper(sweeper: Callable[[datetime], int]) -> None:
    if sweeper not in _caseless_sweepers:
        _caseless_sweepers.append(sweeper)


@dataclass(frozen=True)
class RetentionPeriods:
    closed_case_days: int
    rejected_referral_days: int
    sent_mail_days: int

    @classmethod
    def from_settings(cls) -> RetentionPeriods:
        return cls(closed_case_days=settings.RETENTION_CLOSED_CASE_DAYS,
                   rejected_referral_days=settings.RETENTION_REJECTED_REFERRAL_DAYS,
                   sent_mail_days=settings.RETENTION_SENT_MAIL_DAYS)


# --- one case ------------------------------------------------------------------------------------

CASE_TEXT_FIELDS = ("functional_limitations", "health_note", "risk_note", "closing_note")


def _blank(instance, names) -> list[str]:
    for name in names:
        model_field = instance._meta.get_field(name)
        setattr(instance, name, model_field.get_default())
    return list(names)


def _placeholder_cpr(prefix: str, pk: int) -> str:
    """Unique (Employee.cpr is), 10 characters, and never a valid CPR: it starts with a letter."""
    return f"{prefix}{pk:09d}"


@transaction.atomic
def case_anonymise(*, case: Case, now: datetime | None = None) -> bool:
    """Anonymise one closed case. False when there is nothing to do (open, or done already)."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().select_related("employee").get(pk=case.pk)
    if case.is_open or case.anonymised_at is not None:
        return False
    fields = _blank(case, sorted({*CASE_TEXT_FIELDS, *Case.SENSITIVE_FIELDS}))
    case.anonymised_at = now

    # The person: anonymised in place when no other case still needs them; otherwise this case moves
    # to a placeholder of its own, so the other (open or younger) case keeps its person.
    person = case.employee
    others_need_person = person.cases.exclude(pk=case.pk).filter(anonymised_at__isnull=True).exists()
    if others_need_person:
        placeholder = Employee.objects.create(cpr=_placeholder_cpr("A", case.pk), name=ANONYMISED_NAME)
        case.employee = placeholder
        fields.append("employee")
    else:
        person.cpr = _placeholder_cpr("E", person.pk)
        person.name = ANONYMISED_NAME
        person.phone = person.email = person.job_title = ""
        person.save()
        # The verified phone numbers and addresses of the citizen's channel, and its codes.
        OneTimeCode.objects.filter(employee=person).delete()
        ContactPoint.objects.filter(employee=person).delete()
    case.save(update_fields=[*fields, "anonymised_at"])

    JournalEntry.objects.filter(case=case).update(text="")
    # Screening answers that reveal health (GDPR art. 9) go; the score and complexity stay for statistics.
    ScreeningAnswer.objects.filter(case=case, question__health=True).delete()
    CaseEvent.objects.filter(case=case).update(summary="")
    DeadlineEvent.objects.filter(deadline__case=case).update(note="")
    Deadline.objects.filter(case=case).update(title="", pause_reason="", met_by="")
    PhoneCall.objects.filter(case=case).update(caller_name="", caller_contact="", summary="")
    Notification.objects.filter(case=case).delete()
    _purge_mails(OutboxMessage.objects.filter(case=case).exclude(state=OutboxMessage.State.PENDING), now=now,
                 recipients=True)
    # Vordingborg: the patient rows of GP meetings and the GP requests on the case (health information).
    GpPatient.objects.filter(case=case).update(name=ANONYMISED_NAME, cpr="", note="", feedback="")
    GpRequest.objects.filter(case=case).update(question="", answer_note="")
    for referral in Referral.objects.select_for_update().filter(case=case, anonymised_at__isnull=True):
        _referral_anonymise(referral, now=now)
    # Lyngby-Taarbæk's screening mark that led to this case: its health reasons and note go too.
    ScreeningMark.objects.filter(case=case).update(reasons=[], note="", booking_problem="")
    for anonymiser in _case_anonymisers:
        anonymiser(case)
    return True


# --- referrals and mails ---------------------------------------------------------------------------

REFERRAL_PERSONAL_FIELDS = (
    "contact_name", "contact_role", "contact_phone", "contact_email",
    "employee_name", "employee_cpr", "employee_cpr_hash", "employee_email", "employee_phone", "job_title",
    "affected_functions", "affected_duration", "work_adapted", "adjustments_tried", "meeting_wishes",
    "employee_functions", "employee_duration", "employee_adapted", "rejection_reason",
)


def _referral_anonymise(referral: Referral, *, now: datetime) -> None:
    fields = _blank(referral, REFERRAL_PERSONAL_FIELDS)
    referral.anonymised_at = now
    referral.save(update_fields=[*fields, "anonymised_at"])


@transaction.atomic
def referral_anonymise(*, referral: Referral, now: datetime | None = None) -> bool:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.anonymised_at is not None or referral.state == Referral.State.NEW:
        return False
    _referral_anonymise(referral, now=now or timezone.now())
    return True


def _purge_mails(queryset, *, now: datetime, recipients: bool = False) -> int:
    """Empty the body and attachments (and, for an anonymised case, the addresses and subject)."""
    values = {"text": "", "html": "", "attachments": [], "headers": {}, "payload_purged_at": now}
    if recipients:
        values.update(to=[], subject="")
    return queryset.update(**values)


def mails_purge(*, before: datetime, now: datetime | None = None) -> int:
    handled = Q(state=OutboxMessage.State.SENT, sent_at__lt=before) | Q(
        state__in=[OutboxMessage.State.DROPPED, OutboxMessage.State.FAILED], created_at__lt=before)
    return _purge_mails(OutboxMessage.objects.filter(handled, payload_purged_at__isnull=True), now=now or timezone.now())


# --- the run ---------------------------------------------------------------------------------------


@dataclass
class _Tally:
    cases: int = 0
    referrals: int = 0
    errors: list[str] = field(default_factory=list)


def _each(ids, handle: Callable[[int], bool], label: str, tally: _Tally) -> int:
    done = 0
    for pk in ids:
        try:
            done += bool(handle(pk))
        except Exception as exc:  # one bad row never stops the rest; the run reports it
            logger.exception("retention: %s %s failed", label, pk)
            tally.errors.append(f"{label} {pk}: {type(exc).__name__}")
    return done


def gp_patients_anonymise(*, before: datetime) -> int:
    """The patient rows of GP meetings held before `before` that never became a case: the name, CPR,
    note and feedback go; the meeting, its date and the outcomes stay for the statistics."""
    return GpPatient.objects.filter(case__isnull=True, meeting__held_at__lt=before).exclude(
        name=ANONYMISED_NAME, cpr="", note="", feedback="").update(name=ANONYMISED_NAME, cpr="", note="", feedback="")


def retention_run(*, now: datetime | None = None, periods: RetentionPeriods | None = None) -> RetentionRun:
    """One run of the retention rules (idempotent: a second run the same night finds nothing)."""
    now = now or timezone.now()
    periods = periods or RetentionPeriods.from_settings()
    run = RetentionRun.objects.create(started_at=now, settings_used={
        "closed_case_days": periods.closed_case_days, "rejected_referral_days": periods.rejected_referral_days,
        "sent_mail_days": periods.sent_mail_days})
    tally = _Tally()

    closed_before = timezone.localdate(now) - timedelta(days=periods.closed_case_days)
    case_ids = Case.objects.filter(status=Case.Status.CLOSED, closed_on__lt=closed_before,
                                   anonymised_at__isnull=True).values_list("pk", flat=True)
    run.cases_anonymised = _each(list(case_ids), lambda pk: case_anonymise(case=Case(pk=pk), now=now), "case", tally)

    decided_before = now - timedelta(days=periods.rejected_referral_days)
    referral_ids = Referral.objects.filter(state=Referral.State.REJECTED, decided_at__lt=decided_before,
                                           anonymised_at__isnull=True).values_list("pk", flat=True)
    run.referrals_anonymised = _each(
        list(referral_ids), lambda pk: referral_anonymise(referral=Referral(pk=pk), now=now), "referral", tally)

    # Patients discussed at a GP meeting without a case: kept as long as a closed case, from the meeting.
    try:
        gp_rows = gp_patients_anonymise(before=now - timedelta(days=periods.closed_case_days))
        if gp_rows:
            logger.info("retention: %s GP patient rows without a case anonymised", gp_rows)
    except Exception as exc:
        logger.exception("retention: anonymising GP patient rows failed")
        tally.errors.append(f"gp patients: {type(exc).__name__}")
    # Screening marks that never led to a case (not in the target group, never booked) hold health data
    # with no case to keep them: deleted after the closed-case period.
    ScreeningMark.objects.filter(case__isnull=True,
                                 marked_at__lt=now - timedelta(days=periods.closed_case_days)).delete()

    for sweeper in _caseless_sweepers:
        try:
            cleared = sweeper(now - timedelta(days=periods.closed_case_days))
            if cleared:
                logger.info("retention: %s rows without a case cleared by %s", cleared, sweeper.__qualname__)
        except Exception as exc:
            logger.exception("retention: %s failed", sweeper.__qualname__)
            tally.errors.append(f"{sweeper.__qualname__}: {type(exc).__name__}")

    # Spent one-time codes: only their hash and counters; kept a day for the per-hour limit and support.
    OneTimeCode.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()

    try:
        run.mails_purged = mails_purge(before=now - timedelta(days=periods.sent_mail_days), now=now)
    except Exception as exc:
        logger.exception("retention: purging mails failed")
        tally.errors.append(f"mails: {type(exc).__name__}")

    run.errors = "\n".join(tally.errors)
    run.state = RetentionRun.State.DONE_WITH_ERRORS if tally.errors else RetentionRun.State.DONE
    run.finished_at = timezone.now()
    run.save()
    logger.info("retention: %s cases, %s referrals anonymised, %s mails emptied, %s errors",
                run.cases_anonymised, run.referrals_anonymised, run.mails_purged, len(tally.errors))
    return run
