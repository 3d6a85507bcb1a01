"""The door for reads: every view that shows case data opens it here.

One call checks that the user may see the thing (404 otherwise: a guessed address learns nothing)
and writes the access log row with its purpose. A view cannot show a case, a meeting, a referral or
a phone call without passing through one of these:

- `case_for_reading`, `referral_for_reading`, `call_for_reading` (and `roundtable.access.
  meeting_for_reading`): open one thing for a page, an export or a document;
- `read_record`: log a read of what a view already holds (a list page, an export of many rows, a
  re-render; `cases.web.render_read` calls it for every page shown again after a refused POST);
- `*_for_change`: the same visibility check for a POST that changes something and then redirects:
  it shows nothing, so it logs nothing (the change itself is on the timeline).

Views never call `cases.audit.access_record` themselves (fastholdelse/tests/test_door.py checks it).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .audit import AccessLog, access_record, access_record_many, access_record_people
from .cpr import referrals_for_cpr
from .models import Case, Employee, GpMeeting, GpRequest, PhoneCall, Referral
from .selectors import cases_visible_to, teams_of

# Purposes written to the access log (Danish: the citizen reads them in the insight export).
PURPOSE_CASEWORK = "sagsbehandling"
PURPOSE_TEAM_MANAGEMENT = "teamledelse"
PURPOSE_ADMINISTRATION = "administration"
# Calls from the systems around (the API): the sending system is the actor.
PURPOSE_REPORTING = "kommunens egen rapportering"
PURPOSE_API_REFERRAL = "fast track-anmodning fra arbejdsgiverens system"

View = AccessLog.Action.VIEW


def read_record(
    *, user, purpose: str, action: str = View, case: Case | None = None, employee: Employee | None = None,
    referral: Referral | None = None, detail: str = "",
) -> AccessLog:
    """Log a read of data the view already holds (lists, exports, re-renders)."""
    if referral is not None and case is None and employee is None:
        case, employee = referral_subject(referral)
    return access_record(user=user, action=action, purpose=purpose, case=case, employee=employee, referral=referral,
                         detail=detail)


def read_records(*, user, purpose: str, subjects, detail: str = "", action: str = View) -> list[AccessLog]:
    """Log a list page's read of many people at once: one row per (employee, case-or-None), one query."""
    return access_record_people(user=user, action=action, purpose=purpose, subjects=list(subjects), detail=detail)


# --- cases ---------------------------------------------------------------------------------------


def case_for_change(*, user, reference: str) -> Case:
    """The case if the user may see it, else 404. For a POST that changes it and redirects."""
    try:
        return cases_visible_to(user).select_related("employee", "employer", "employer_contact", "team", "consultant").get(
            reference=reference
        )
    except Case.DoesNotExist:
        raise Http404 from None


def case_for_reading(*, user, reference: str, purpose: str, action: str = View, detail: str = "") -> Case:
    """The case if the user may see it (else 404), with the read logged for `purpose`."""
    case = case_for_change(user=user, reference=reference)
    access_record(user=user, action=action, purpose=purpose, case=case, detail=detail)
    return case


# --- fast-track referrals (triage) ---------------------------------------------------------------


def referral_subject(referral: Referral) -> tuple[Case | None, Employee | None]:
    """The case and the citizen a referral is about, as far as they are known: the insight export
    finds a triage read by the citizen, even when it happened before the referral was accepted."""
    if referral.case_id:
        return referral.case, referral.case.employee
    # After triage the referral keeps only the birth date and a keyed hash (Referral.forget_cpr):
    # its reads are then found through the referral itself (access_log_of, referrals_for_cpr).
    if len(referral.employee_cpr) != 10:
        return None, None
    return None, Employee.objects.filter(cpr=referral.employee_cpr).first()


def referrals_visible_to(user) -> QuerySet[Referral]:
    """The referrals sent to the user's teams (the triage queue)."""
    return Referral.objects.filter(team__in=teams_of(user)).select_related("team", "case__employee", "decided_by")


def referral_for_change(*, user, pk: int) -> Referral:
    try:
        return referrals_visible_to(user).get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404 from None


def referral_for_reading(*, user, pk: int, purpose: str, action: str = View, detail: str = "") -> Referral:
    referral = referral_for_change(user=user, pk=pk)
    read_record(user=user, action=action, purpose=purpose, referral=referral, detail=detail or referral.reference)
    return referral


# --- phone calls ---------------------------------------------------------------------------------


def call_for_change(*, user, pk: int) -> PhoneCall:
    try:
        return PhoneCall.objects.select_related("team", "case__employee", "taken_by").get(pk=pk, team__in=teams_of(user))
    except PhoneCall.DoesNotExist:
        raise Http404 from None


def call_for_reading(*, user, pk: int, purpose: str, action: str = View, detail: str = "") -> PhoneCall:
    """A call's summary can hold health details: reading it is logged (with its case, once it has one)."""
    call = call_for_change(user=user, pk=pk)
    access_record(user=user, action=action, purpose=purpose, case=call.case, detail=detail or f"opkald {call.pk}")
    return call


# --- GP meetings and GP requests (Vordingborg) --------------------------------------------------


def gp_meeting_for_reading(*, user, pk: int, purpose: str, action: str = View) -> GpMeeting:
    """A GP meeting's patient rows are case data (names, CPR, health notes): the meeting if it belongs to
    a practice of the user's teams (else 404), with one read logged naming the meeting and the cases of
    the patients linked to one."""
    try:
        meeting = GpMeeting.objects.select_related("practice", "registered_by").get(
            pk=pk, practice__team__in=teams_of(user))
    except GpMeeting.DoesNotExist:
        raise Http404 from None
    refs = sorted(meeting.patients.filter(case__isnull=False).values_list("case__reference", flat=True))
    detail = f"lægemøde {meeting.pk}" + (f" ({', '.join(refs)})" if refs else "")
    access_record(user=user, action=action, purpose=purpose, detail=detail[:500])
    return meeting


def gp_request_for_change(*, user, reference: str, pk: int) -> GpRequest:
    """A GP request on a case the user may see (else 404). For a POST that changes it and redirects."""
    case = case_for_change(user=user, reference=reference)
    try:
        return GpRequest.objects.select_related("case", "deadline").get(pk=pk, case=case)
    except GpRequest.DoesNotExist:
        raise Http404 from None


# --- the citizen's insight -----------------------------------------------------------------------


def access_log_of(*, employee: Employee) -> QuerySet[AccessLog]:
    """Every logged read about this person: of their cases, and of referrals about them (also those
    read in triage before the referral was matched to them; a decided referral is found by the keyed
    hash it keeps instead of the CPR)."""
    return AccessLog.objects.filter(
        Q(employee=employee) | Q(referral__case__employee=employee) | Q(referral__in=referrals_for_cpr(employee.cpr))
    ).select_related("case", "user").order_by("at", "id")


# --- systems (the API): the sending system is the actor ----------------------------------------


def system_read_record(
    *, system: str, purpose: str, action: str = View, case: Case | None = None, referral: Referral | None = None,
    detail: str = "",
) -> AccessLog:
    """Log one API call of a system (a write, a refused call, or a read of one thing)."""
    employee = None
    if referral is not None and case is None:
        case, employee = referral_subject(referral)
    return access_record(user=None, actor_system=system, action=action, purpose=purpose, case=case,
                         employee=employee, referral=referral, detail=detail)


def cases_for_system() -> QuerySet[Case]:
    """What the municipality's own systems may list: every case (their scope was checked by the token)."""
    return Case.objects.select_related("employee", "employer", "team", "consultant")


def system_reads_cases(*, system: str, purpose: str, cases, detail: str,
                       action: str = AccessLog.Action.EXPORT) -> None:
    """Log a system's read of a page of cases: one row per case (the citizen's insight finds it), or
    one row without a case when the page is empty (every call is logged)."""
    unique = list({case.pk: case for case in cases}.values())
    if unique:
        access_record_many(actor_system=system, action=action, purpose=purpose, cases=unique, detail=detail)
    else:
        system_read_record(system=system, purpose=purpose, action=action, detail=detail)


def case_for_system(*, system: str, reference: str, purpose: str, detail: str = "") -> Case:
    """One case for a system (404 if there is none), with the read logged."""
    try:
        case = cases_for_system().get(reference=reference)
    except Case.DoesNotExist:
        raise Http404 from None
    system_read_record(system=system, purpose=purpose, case=case, detail=detail or case.reference)
    return case
