"""Self-booking use cases: free time, booking links, booking, cancelling and moving.

No double booking. Every booking first locks the consultant's calendar row (`ConsultantCalendar`,
SELECT ... FOR UPDATE), then re-computes the consultant's free slots inside the transaction (live
holds and the consultant's own active meetings are busy), then inserts the hold. On PostgreSQL the
exclusion constraint `calendar_hold_no_overlap` (migration 0003) is the last word: two live holds of
one consultant can never overlap, whatever the code does. On SQLite, FOR UPDATE is a no-op, but every
transaction begins IMMEDIATE (settings), so writers are serialised and the check-then-insert inside
one transaction cannot interleave with another booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from cases import services as case_services
from cases.channel.contacts import contact_points_from_employer
from cases.deadlines import work_calendar
from cases.identifiers import validate_cpr
from cases.identity import consultant_contact
from cases.models import Case, Employee, Employer
from cases.notifications import notify, outbox_enqueue
from cases.signing import LinkExpired, LinkInvalid, make_link, read_link

from ..models import (
    AvailabilityException,
    AvailabilityRule,
    BookingLink,
    CalendarHold,
    ConsultantCalendar,
    Meeting,
    Participant,
    WorkplaceConsultant,
)
from ..services import ParticipantData, SlotData, _fmt, meeting_cancel, meeting_move, meeting_schedule
from .slots import Extra, Pattern, Slot, free_slots, parse_key

User = get_user_model()
LINK_PURPOSE = "selfbooking"
SLOT_TAKEN = "slot_taken"
LIVE_MEETING = (Meeting.State.INVITED, Meeting.State.MOVED)


def horizon_days() -> int:
    return getattr(settings, "SELFBOOKING_HORIZON_DAYS", 21)


def lead_time() -> timedelta:
    """A slot can be booked until this long before it starts."""
    return timedelta(hours=getattr(settings, "SELFBOOKING_LEAD_HOURS", 2))


def link_days() -> int:
    return getattr(settings, "SELFBOOKING_LINK_DAYS", 365)


def _name(user) -> str:
    return user.get_full_name() or user.username


# --- the consultant's free time --------------------------------------------------------------------


@transaction.atomic
def rule_add(*, consultant, weekday: int, start_time, end_time, slot_minutes: int) -> AvailabilityRule:
    errors = {}
    if weekday not in AvailabilityRule.Weekday.values:
        errors["weekday"] = _("Choose a weekday.")
    if start_time is None or end_time is None or start_time >= end_time:
        errors["end_time"] = _("The end must lie after the start.")
    if not 15 <= (slot_minutes or 0) <= 240:
        errors["slot_minutes"] = _("A meeting lasts between 15 and 240 minutes.")
    if errors:
        raise ValidationError(errors)
    ConsultantCalendar.objects.get_or_create(consultant=consultant)
    return AvailabilityRule.objects.create(consultant=consultant, weekday=weekday, start_time=start_time,
                                           end_time=end_time, slot_minutes=slot_minutes)


@transaction.atomic
def exception_add(*, consultant, kind: str, date, start_time=None, duration_minutes: int = 60) -> AvailabilityException:
    if kind not in AvailabilityException.Kind.values:
        raise ValidationError({"kind": _("Choose a day off or an extra free time.")})
    if date is None or date < timezone.localdate():
        raise ValidationError({"date": _("Choose a date from today on.")})
    if kind == AvailabilityException.Kind.EXTRA:
        if start_time is None:
            raise ValidationError({"start_time": _("An extra free time needs a start time.")})
        if not 15 <= (duration_minutes or 0) <= 240:
            raise ValidationError({"duration_minutes": _("A meeting lasts between 15 and 240 minutes.")})
        reason = work_calendar(years=[date.year]).closed_reason(date)
        if reason is not None:
            raise ValidationError({"date": _("The job centre is closed that day: no meetings can be booked.")})
    ConsultantCalendar.objects.get_or_create(consultant=consultant)
    return AvailabilityException.objects.create(
        consultant=consultant, kind=kind, date=date,
        start_time=start_time if kind == AvailabilityException.Kind.EXTRA else None,
        duration_minutes=duration_minutes or 60)


def workplace_attach(*, consultant, employer: Employer) -> WorkplaceConsultant:
    row, _created = WorkplaceConsultant.objects.get_or_create(employer=employer, consultant=consultant)
    return row


# --- slots -----------------------------------------------------------------------------------------


def consultants_for(employer: Employer) -> list:
    ids = WorkplaceConsultant.objects.filter(employer=employer).values_list("consultant_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "last_name"))


def _busy(consultant_ids: list[int], earliest: datetime, latest: datetime, *, exclude_hold: int | None = None) -> dict:
    """Live holds and the consultants' own active meetings (booked by hand), per consultant."""
    busy: dict[int, list[tuple[datetime, datetime]]] = {pk: [] for pk in consultant_ids}
    holds = CalendarHold.objects.filter(consultant_id__in=consultant_ids, cancelled_at__isnull=True,
                                        ends_at__gt=earliest, starts_at__lt=latest)
    if exclude_hold is not None:
        holds = holds.exclude(pk=exclude_hold)
    for consultant_id, starts_at, ends_at in holds.values_list("consultant_id", "starts_at", "ends_at"):
        busy[consultant_id].append((starts_at, ends_at))
    meetings = Meeting.objects.filter(organiser_id__in=consultant_ids, state__in=LIVE_MEETING,
                                      starts_at__lt=latest, starts_at__gt=earliest - timedelta(hours=8))
    if exclude_hold is not None:
        meetings = meetings.exclude(hold__pk=exclude_hold)
    for organiser_id, starts_at, minutes in meetings.values_list("organiser_id", "starts_at", "duration_minutes"):
        busy[organiser_id].append((starts_at, starts_at + timedelta(minutes=minutes)))
    return busy


def free_slots_of(consultant_ids: list[int], *, now: datetime | None = None, exclude_hold: int | None = None) -> list[Slot]:
    """Every free slot of these consultants from the lead time to the horizon (a constant number of queries)."""
    now = now or timezone.now()
    earliest, latest = now + lead_time(), now + timedelta(days=horizon_days())
    if not consultant_ids:
        return []
    calendar = work_calendar(years=range(timezone.localtime(earliest).year, timezone.localtime(latest).year + 1))
    patterns: dict[int, list[Pattern]] = {pk: [] for pk in consultant_ids}
    for rule in AvailabilityRule.objects.filter(consultant_id__in=consultant_ids):
        patterns[rule.consultant_id].append(Pattern(rule.weekday, rule.start_time, rule.end_time, rule.slot_minutes))
    extras: dict[int, list[Extra]] = {pk: [] for pk in consultant_ids}
    days_off: dict[int, set] = {pk: set() for pk in consultant_ids}
    for row in AvailabilityException.objects.filter(consultant_id__in=consultant_ids, date__gte=timezone.localdate(now)):
        if row.kind == AvailabilityException.Kind.DAY_OFF:
            days_off[row.consultant_id].add(row.date)
        else:
            extras[row.consultant_id].append(Extra(row.date, row.start_time, row.duration_minutes))
    busy = _busy(consultant_ids, earliest, latest, exclude_hold=exclude_hold)
    found: list[Slot] = []
    for pk in consultant_ids:
        found += free_slots(consultant_id=pk, patterns=patterns[pk], extras=extras[pk], days_off=days_off[pk],
                            closed=lambda day: calendar.closed_reason(day) is not None, busy=busy[pk],
                            earliest=earliest, latest=latest)
    return sorted(found, key=lambda slot: (slot.starts_at, slot.consultant_id))


# --- booking links ---------------------------------------------------------------------------------


class LinkClosed(Exception):
    """The link is forged, expired or revoked: the page tells the contact person to call the job centre."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def link_create(*, actor, employer: Employer, contact_name: str, contact_email: str = "", contact_phone: str = "",
                days: int | None = None) -> BookingLink:
    if not contact_name.strip():
        raise ValidationError({"contact_name": _("Write the contact person's name.")})
    if not WorkplaceConsultant.objects.filter(employer=employer, consultant=actor).exists():
        workplace_attach(consultant=actor, employer=employer)
    return BookingLink.objects.create(
        employer=employer, contact_name=contact_name.strip(), contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(), created_by=actor,
        expires_at=timezone.now() + timedelta(days=days or link_days()),
        notice_hours=getattr(settings, "SELFBOOKING_NOTICE_HOURS", 24))


def link_token(link: BookingLink) -> str:
    return make_link(LINK_PURPOSE, link, max_age=max(link.expires_at - timezone.now(), timedelta(seconds=1)))


def link_url(link: BookingLink) -> str:
    return settings.SITE_URL + reverse("roundtable:booking", args=[link_token(link)])


def link_revoke(*, link: BookingLink) -> BookingLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def link_open(token: str) -> BookingLink:
    """The live link a token belongs to, or LinkClosed ("invalid", "expired" or "revoked")."""
    try:
        pk = read_link(LINK_PURPOSE, token)
    except LinkExpired:
        raise LinkClosed("expired") from None
    except LinkInvalid:
        raise LinkClosed("invalid") from None
    link = BookingLink.objects.select_related("employer").filter(pk=pk).first()
    if link is None:
        raise LinkClosed("invalid")
    if link.revoked_at is not None:
        raise LinkClosed("revoked")
    if link.expires_at <= timezone.now():
        raise LinkClosed("expired")
    return link


# --- booking ---------------------------------------------------------------------------------------


@dataclass
class EmployeeDetails:
    """What the contact person tells: a name and how to reach the employee (the CPR number is optional)."""

    name: str
    phone: str = ""
    email: str = ""
    cpr: str = ""


def _taken() -> ValidationError:
    return ValidationError({"slot": ValidationError(
        _("Sorry, someone else has just booked that time. Choose another free time below."), code=SLOT_TAKEN)})


def _lock_calendar(consultant_id: int) -> None:
    """Serialise bookings per consultant: a row lock on PostgreSQL; on SQLite the transaction already
    holds the database's write lock (BEGIN IMMEDIATE)."""
    calendar, _created = ConsultantCalendar.objects.select_for_update().get_or_create(consultant_id=consultant_id)
    ConsultantCalendar.objects.filter(pk=calendar.pk).update(touched_at=timezone.now())


def _validate_employee(employee: EmployeeDetails) -> str:
    errors = {}
    if not employee.name.strip():
        errors["employee_name"] = _("Write the employee's name.")
    if not employee.phone.strip() and not employee.email.strip():
        errors["employee_phone"] = _("Write the employee's phone number or e-mail, so we can contact them.")
    cpr = ""
    if employee.cpr.strip():
        try:
            cpr = validate_cpr(employee.cpr)
        except ValidationError as error:
            errors["employee_cpr"] = error.messages
    if errors:
        raise ValidationError(errors)
    return cpr


def _slot_for(link: BookingLink, key: str, *, exclude_hold: int | None = None, consultant_id: int | None = None) -> Slot:
    parsed = parse_key(key or "")
    if parsed is None:
        raise ValidationError({"slot": _("Choose a free time.")})
    allowed = {user.pk for user in consultants_for(link.employer)}
    if parsed[0] not in allowed or (consultant_id is not None and parsed[0] != consultant_id):
        raise ValidationError({"slot": _("Choose a free time.")})
    _lock_calendar(parsed[0])
    slot = next((s for s in free_slots_of([parsed[0]], exclude_hold=exclude_hold) if s.key == key), None)
    if slot is None:
        raise _taken()
    return slot


def _notify(hold: CalendarHold, *, event: str, case: Case | None = None, when: str = "") -> None:
    link = hold.link
    with override("da"):
        titles = {
            "new": _("New booking from %(employer)s"),
            "cancel": _("Booking cancelled by %(employer)s"),
            "move": _("Booking moved by %(employer)s"),
        }
        body = _("%(contact)s booked a roundtable on %(when)s for %(name)s.") if event == "new" else (
            _("%(contact)s cancelled the roundtable on %(when)s for %(name)s.") if event == "cancel" else
            _("%(contact)s moved the roundtable for %(name)s to %(when)s."))
        if hold.awaits_identification:
            body += " " + _("No CPR number was given: call the employee and add it on your calendar page.")
        notify(
            recipient=hold.consultant, kind=f"selfbooking_{event}",
            title=titles[event] % {"employer": link.employer.name},
            body=body % {"contact": link.contact_name, "when": when or _fmt(hold.starts_at), "name": hold.employee_name},
            dedup_key=f"selfbooking:{hold.pk}:{event}:{hold.starts_at:%Y%m%d%H%M}", url=reverse("roundtable:calendar"),
            case=case,
        )


def _same_booking(link: BookingLink, slot_key: str, employee: EmployeeDetails) -> CalendarHold | None:
    parsed = parse_key(slot_key or "")
    if parsed is None:
        return None
    return link.holds.filter(cancelled_at__isnull=True, consultant_id=parsed[0], starts_at=parsed[1],
                             employee_name=employee.name.strip()[:200]).first()


@transaction.atomic
def booking_create(*, link: BookingLink, slot_key: str, employee: EmployeeDetails) -> CalendarHold:
    """Book a free slot for a named employee. With a CPR number the case is opened (or the person's
    open case found) and the roundtable scheduled at once; without one the time is held and the
    consultant completes it after calling the employee (Varde: same-day contact)."""
    link = BookingLink.objects.select_for_update().select_related("employer").get(pk=link.pk)
    if link.revoked_at is not None or link.expires_at <= timezone.now():
        raise ValidationError(_("The booking link is no longer valid. Contact the job centre."))
    cpr = _validate_employee(employee)
    try:
        slot = _slot_for(link, slot_key)
    except ValidationError:
        # A double click: the same contact booked this time for the same employee a moment ago.
        same = _same_booking(link, slot_key, employee)
        if same is not None:
            return same
        raise
    hold = CalendarHold(
        consultant_id=slot.consultant_id, starts_at=slot.starts_at, ends_at=slot.ends_at, link=link,
        employee_name=employee.name.strip()[:200], employee_phone=employee.phone.strip()[:30],
        employee_email=employee.email.strip())
    try:
        with transaction.atomic():
            hold.save()
    except IntegrityError:
        # PostgreSQL's exclusion constraint: another booking of the same time won.
        raise _taken() from None
    case = _schedule(hold, cpr=cpr) if cpr else None
    if case is None:
        _mail_reserved(hold)  # with a meeting, the invitation is the contact's receipt
    _notify(hold, event="new", case=case)
    return hold


def _mail_reserved(hold: CalendarHold) -> None:
    from django.template.loader import render_to_string

    link = hold.link
    with override("da"):
        outbox_enqueue(
            to=link.contact_email, subject=_("Time reserved: %(when)s") % {"when": _fmt(hold.starts_at)},
            text=render_to_string("roundtable/selfbooking/mail_reserved.txt", {
                "contact_name": link.contact_name, "employee_name": hold.employee_name, "when": _fmt(hold.starts_at),
                "url": link_url(link), "consultant": consultant_contact(hold.consultant)}),
            dedup_key=f"selfbooking:{hold.pk}:reserved",
        )


def _schedule(hold: CalendarHold, *, cpr: str) -> Case:
    """Open or find the employee's case (source: employer contact) and book the roundtable on it."""
    link, consultant = hold.link, hold.consultant
    employer = link.employer
    person = Employee.objects.filter(cpr=cpr).first()
    case = case_services.open_case_for(person) if person else None
    if case is None:
        team = consultant.teams.order_by("name").first()
        if team is None:
            raise ValidationError(_("The consultant is not on a team yet. Contact the job centre."))
        # A known person keeps what the case file knows; the employer's typing fills blanks only.
        known = {f: getattr(person, f, "") for f in ("name", "phone", "email")}
        typed = {"name": hold.employee_name, "phone": hold.employee_phone, "email": hold.employee_email}
        data = {field: known[field] or typed[field] for field in known}
        case = case_services.case_open(
            actor=None, employee=case_services.EmployeeData(cpr=cpr, **data), team=team,
            source=Case.Source.EMPLOYER_CONTACT, first_contact_at=hold.created_at, consultant=consultant,
            employer=case_services.EmployerData(cvr=employer.cvr, name=employer.name, address=employer.address,
                                                p_number=employer.p_number),
            contact=case_services.ContactData(name=link.contact_name, phone=link.contact_phone, email=link.contact_email),
        )
    # What the employer typed stays unverified until a consultant confirms it with the employee.
    contact_points_from_employer(employee=case.employee, phone=hold.employee_phone, email=hold.employee_email)
    participants = [
        ParticipantData(role=Participant.Role.EMPLOYEE, name=hold.employee_name, email=hold.employee_email),
        ParticipantData(role=Participant.Role.EMPLOYER, name=link.contact_name, email=link.contact_email),
        ParticipantData(role=Participant.Role.CONSULTANT, name=_name(consultant), email=consultant.email),
    ]
    meeting = meeting_schedule(
        case=case, actor=consultant, kind=Meeting.Kind.ROUNDTABLE, participants=participants, accept_late=True,
        slot=SlotData(starts_at=hold.starts_at, duration_minutes=int((hold.ends_at - hold.starts_at).total_seconds() // 60),
                      place_kind=Meeting.PlaceKind.WORKPLACE, place=employer.address or employer.name),
    )
    case_services.event_record(case=case, actor=None, kind="meeting_self_booked", summary=_(
        "The roundtable was booked by %(contact)s (%(employer)s) through the booking link.") % {
        "contact": link.contact_name, "employer": employer.name})
    hold.meeting = meeting
    hold.save(update_fields=["meeting"])
    return case


@transaction.atomic
def hold_identify(*, hold: CalendarHold, actor, cpr: str) -> Case:
    """The consultant adds the CPR number after calling the employee: the case and the meeting follow."""
    hold = CalendarHold.objects.select_for_update().select_related("link__employer", "consultant").get(pk=hold.pk)
    if hold.consultant_id != actor.pk:
        raise ValidationError(_("Only the booked consultant can complete the booking."))
    if not hold.awaits_identification:
        raise ValidationError(_("The booking is already complete or cancelled."))
    try:
        cpr = validate_cpr(cpr)
    except ValidationError as error:
        raise ValidationError({"cpr": error.messages}) from None
    return _schedule(hold, cpr=cpr)


def _check_notice(hold: CalendarHold, link: BookingLink) -> None:
    if hold.link_id != link.pk or not hold.is_live:
        raise ValidationError(_("The booking cannot be found or is already cancelled."))
    if hold.starts_at - timezone.now() < timedelta(hours=link.notice_hours):
        raise ValidationError(ngettext(
            "It is less than %(hours)d hour until the meeting. Call the job centre to cancel or move it.",
            "It is less than %(hours)d hours until the meeting. Call the job centre to cancel or move it.",
            link.notice_hours) % {"hours": link.notice_hours})


@transaction.atomic
def booking_cancel(*, link: BookingLink, hold: CalendarHold) -> CalendarHold:
    hold = CalendarHold.objects.select_for_update().select_related("link__employer", "consultant").get(pk=hold.pk)
    _check_notice(hold, link)
    hold.cancelled_at = timezone.now()
    hold.save(update_fields=["cancelled_at"])
    if hold.meeting_id and hold.meeting.is_active:
        with override("da"):
            meeting_cancel(meeting=hold.meeting, actor=hold.consultant,
                           reason=_("Cancelled by %(contact)s through the booking link.") % {"contact": link.contact_name})
    _notify(hold, event="cancel", case=hold.meeting.case if hold.meeting_id else None)
    return hold


@transaction.atomic
def booking_move(*, link: BookingLink, hold: CalendarHold, slot_key: str) -> CalendarHold:
    """Move to another free slot of the same consultant (the meeting keeps its place and participants)."""
    hold = CalendarHold.objects.select_for_update().select_related("link__employer", "consultant").get(pk=hold.pk)
    _check_notice(hold, link)
    slot = _slot_for(link, slot_key, exclude_hold=hold.pk, consultant_id=hold.consultant_id)
    hold.starts_at, hold.ends_at = slot.starts_at, slot.ends_at
    try:
        with transaction.atomic():
            hold.save(update_fields=["starts_at", "ends_at"])
    except IntegrityError:
        raise _taken() from None
    if hold.meeting_id and hold.meeting.is_active:
        meeting = hold.meeting
        with override("da"):
            meeting_move(meeting=meeting, actor=hold.consultant, accept_late=True,
                         reason=_("Moved by %(contact)s through the booking link.") % {"contact": link.contact_name},
                         slot=SlotData(starts_at=slot.starts_at, duration_minutes=slot.minutes,
                                       place_kind=meeting.place_kind, place=meeting.place, online_link=meeting.online_link))
    _notify(hold, event="move", case=hold.meeting.case if hold.meeting_id else None)
    return hold


def bookings_of_link(link: BookingLink) -> list[CalendarHold]:
    """The contact person's own live bookings from today (only what they typed, the time and the consultant)."""
    start = timezone.now() - timedelta(hours=1)
    return list(link.holds.filter(cancelled_at__isnull=True, ends_at__gte=start)
                .select_related("consultant").order_by("starts_at"))
