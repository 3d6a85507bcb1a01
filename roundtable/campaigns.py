"""Helsingør's care conversations for a whole workplace (seed: Helsingør).

A workplace worried about its absence asks for help. The consultant and the manager hold a few meetings
on goals, plan and roles; then everyone sick-listed in the last six months is invited to a care
conversation ("omsorgssamtale") in one go. Each conversation is a meeting of kind CARE on the person's
case (opened here when the person has none) with the employee and the manager; it follows the three goals
like a roundtable (the step model, a plan, who does what by when) and, once held, starts the four-week
follow-up clock. For a campaign case the first contact with the employee *is* the conversation: the case's
first-meeting clock runs to the time the policy gives from the booked conversation, and holding the conversation meets it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases import deadlines
from cases.identifiers import validate_cpr
from cases.models import AbsenceSpell, Case, ContactPerson, Deadline, DeadlinePolicy, Employer, Team
from cases.services import (
    ContactData,
    EmployeeData,
    EmployerData,
    case_open,
    contact_upsert,
    employee_upsert,
    event_record,
    open_case_for,
)

from .models import Agreement, CampaignInvitee, CampaignMeeting, CareCampaign, Meeting, Participant
from .services import ParticipantData, SlotData, meeting_schedule

LOOKBACK_DAYS = 183  # "everyone sick-listed within the last six months"
MIN_AFTER_DAYS = 28  # the before/after change is shown once four weeks have passed since the first conversation
DAY_START, DAY_END = time(8, 30), time(15, 30)


# --- pure: the conversations' times ----------------------------------------------------------------


def conversation_slots(first: datetime, count: int, *, minutes: int, gap: int, is_working_day: Callable[[date], bool],
                       day_start: time = DAY_START, day_end: time = DAY_END) -> list[datetime]:
    """`count` consecutive local start times from `first`: each conversation lasts `minutes` with `gap`
    minutes between; a conversation that would end after `day_end` moves to the next working day at
    `day_start`; closed days are skipped. Naive local datetimes in, naive local datetimes out."""
    slots: list[datetime] = []
    cursor = first
    while len(slots) < count:
        if not is_working_day(cursor.date()) or (cursor + timedelta(minutes=minutes)).time() > day_end \
                or cursor.date() != (cursor + timedelta(minutes=minutes)).date():
            day = cursor.date() + timedelta(days=1)
            while not is_working_day(day):
                day += timedelta(days=1)
            cursor = datetime.combine(day, max(day_start, first.time()) if not slots and day == first.date() else day_start)
            continue
        if cursor.time() < day_start:
            cursor = datetime.combine(cursor.date(), day_start)
            continue
        slots.append(cursor)
        cursor += timedelta(minutes=minutes + gap)
    return slots


# --- the campaign ----------------------------------------------------------------------------------


@dataclass
class CampaignData:
    employer: Employer
    manager_name: str
    manager_email: str
    manager_phone: str
    team: Team
    consultant: object
    requested_on: date
    concern: str


@transaction.atomic
def campaign_create(data: CampaignData, *, actor) -> CareCampaign:
    errors = {}
    if data.requested_on > timezone.localdate():
        errors["requested_on"] = _("The date cannot be in the future.")
    if not data.manager_name.strip():
        errors["manager_name"] = _("Write the manager's name.")
    if not data.manager_email.strip():
        errors["manager_email"] = _("Write the manager's e-mail: the invitations go to the manager too.")
    if not data.concern.strip():
        errors["concern"] = _("Write what the workplace is worried about.")
    if errors:
        raise ValidationError(errors)
    manager = contact_upsert(employer=data.employer, data=ContactData(
        name=data.manager_name.strip(), role=_("manager"), phone=data.manager_phone.strip(), email=data.manager_email.strip()))
    return CareCampaign.objects.create(
        employer=data.employer, manager=manager, team=data.team, consultant=data.consultant,
        requested_on=data.requested_on, concern=data.concern.strip(),
    )


@transaction.atomic
def planning_meeting_add(*, campaign: CareCampaign, held_on: date, summary: str, goals: str, plan: str, roles: str,
                         actor) -> CampaignMeeting:
    """A planning meeting with the manager; goals, plan and roles are the campaign's current version."""
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("Register the meeting when it has been held: the date cannot be in the future.")
    if not summary.strip():
        errors["summary"] = _("Write what was agreed.")
    if errors:
        raise ValidationError(errors)
    campaign.goals, campaign.plan, campaign.roles = goals.strip(), plan.strip(), roles.strip()
    campaign.save(update_fields=["goals", "plan", "roles"])
    return CampaignMeeting.objects.create(campaign=campaign, held_on=held_on, summary=summary.strip(), created_by=actor)


@dataclass
class InviteeData:
    name: str
    cpr: str
    sick_from: date
    sick_to: date | None = None
    email: str = ""
    phone: str = ""


def invitee_add(*, campaign: CareCampaign, data: InviteeData) -> CampaignInvitee:
    errors = {}
    try:
        cpr = validate_cpr(data.cpr)
    except ValidationError as error:
        errors["cpr"] = error.messages
        cpr = ""
    if not data.name.strip():
        errors["name"] = _("Write the name.")
    if not (data.email.strip() or data.phone.strip()):
        errors["email"] = _("Write an e-mail or a phone number, so the invitation reaches the person.")
    limit = campaign.requested_on - timedelta(days=LOOKBACK_DAYS)
    if data.sick_to and data.sick_to < data.sick_from:
        errors["sick_to"] = _("The last day cannot be before the first.")
    elif (data.sick_to or campaign.requested_on) < limit:
        errors["sick_to" if data.sick_to else "sick_from"] = _(
            "Only people sick-listed within the six months before the campaign (from %(limit)s) are invited."
        ) % {"limit": date_format(limit, "j. F Y")}
    if data.sick_from > timezone.localdate():
        errors["sick_from"] = _("The first day cannot be in the future.")
    if cpr and campaign.invitees.filter(Q(cpr=cpr) | Q(case__employee__cpr=cpr)).exists():
        errors["cpr"] = _("This person is already on the list.")
    if errors:
        raise ValidationError(errors)
    return CampaignInvitee.objects.create(
        campaign=campaign, name=data.name.strip(), cpr=cpr, email=data.email.strip(), phone=data.phone.strip(),
        sick_from=data.sick_from, sick_to=data.sick_to,
    )


@dataclass
class FromAbsence:
    added: list[CampaignInvitee]
    without_contact: list[str]  # names left off (no e-mail or phone to invite them by): added by hand


def invitees_from_absence(*, campaign: CareCampaign, today: date | None = None) -> FromAbsence:
    """Where payroll absence data exists (cases.absence), put everyone with a spell at the workplace in the
    six months before the campaign on the list in one go: their sick-listing from the spells, their contact
    details from the person. People already on the list are skipped; someone without an e-mail or phone is
    named, to be added by hand with a way to reach them."""
    today = today or timezone.localdate()
    limit = campaign.requested_on - timedelta(days=LOOKBACK_DAYS)
    spells = (AbsenceSpell.objects.filter(employer=campaign.employer, first_day__lte=campaign.requested_on)
              .filter(Q(last_day__isnull=True) | Q(last_day__gte=limit))
              .select_related("employee").order_by("employee__name", "first_day"))
    by_person: dict[int, list] = {}
    for spell in spells:
        by_person.setdefault(spell.employee_id, []).append(spell)
    listed = set(campaign.invitees.exclude(cpr="").values_list("cpr", flat=True)) | set(
        campaign.invitees.filter(case__isnull=False).values_list("case__employee__cpr", flat=True))
    added, without_contact = [], []
    for person_spells in by_person.values():
        person = person_spells[0].employee
        if person.cpr in listed:
            continue
        if not (person.email or person.phone):
            without_contact.append(person.name)
            continue
        ongoing = any(spell.last_day is None for spell in person_spells)
        try:
            added.append(invitee_add(campaign=campaign, data=InviteeData(
                name=person.name, cpr=person.cpr, email=person.email, phone=person.phone,
                sick_from=min(spell.first_day for spell in person_spells),
                sick_to=None if ongoing else max(spell.last_day for spell in person_spells))))
        except ValidationError:  # e.g. a first day ahead of today in the payroll data: added by hand
            without_contact.append(person.name)
    return FromAbsence(added, without_contact)


@dataclass
class InviteAll:
    first_at: datetime  # aware
    minutes: int = 45
    gap: int = 15
    place_kind: str = Meeting.PlaceKind.WORKPLACE
    place: str = ""
    online_link: str = ""


@dataclass
class InviteResult:
    invited: list[CampaignInvitee]
    failed: list[CampaignInvitee]


def invitations_send(*, campaign: CareCampaign, actor, how: InviteAll) -> InviteResult:
    """Invite everyone on the list without a conversation yet, in one go: consecutive times on working
    days, one case and one care conversation each, with the employee and the manager invited. A person
    who cannot be booked (e.g. an open case whose first-meeting clock runs out before the time) is left on
    the list with the reason; the others are booked."""
    if how.first_at < timezone.now():
        raise ValidationError({"first_at": _("The first conversation cannot be in the past.")})
    if not 15 <= how.minutes <= 180 or not 0 <= how.gap <= 120:
        raise ValidationError({"minutes": _("A conversation lasts 15 to 180 minutes, with 0 to 120 minutes between.")})
    pending = list(campaign.invitees.filter(meeting__isnull=True).select_related("case"))
    if not pending:
        raise ValidationError(_("Everyone on the list already has a conversation."))
    calendar = deadlines.calendar_around(how.first_at, how.first_at + timedelta(days=90))
    local_first = timezone.localtime(how.first_at).replace(tzinfo=None)
    times = [timezone.make_aware(moment) for moment in conversation_slots(
        local_first, len(pending), minutes=how.minutes, gap=how.gap, is_working_day=calendar.is_working_day)]
    invited, failed = [], []
    for invitee, starts_at in zip(pending, times, strict=True):
        try:
            with transaction.atomic():
                _invite_one(campaign=campaign, invitee=invitee, starts_at=starts_at, how=how, actor=actor)
        except ValidationError as error:
            invitee.invite_error = "; ".join(error.messages)[:300]
            CampaignInvitee.objects.filter(pk=invitee.pk).update(invite_error=invitee.invite_error)
            failed.append(invitee)
        else:
            invited.append(invitee)
    if invited and campaign.state == CareCampaign.State.PLANNING:
        campaign.state = CareCampaign.State.INVITED
        campaign.save(update_fields=["state"])
    return InviteResult(invited, failed)


def _invite_one(*, campaign: CareCampaign, invitee: CampaignInvitee, starts_at: datetime, how: InviteAll, actor) -> None:
    case = invitee.case
    if case is None:
        employee = EmployeeData(cpr=invitee.cpr, name=invitee.name, email=invitee.email, phone=invitee.phone)
        case = open_case_for(employee_upsert(data=employee))
        if case is None:
            workplace, manager = campaign.employer, campaign.manager
            case = case_open(
                actor=actor, employee=employee, team=campaign.team, consultant=campaign.consultant,
                source=Case.Source.CARE_CAMPAIGN,
                # Still sick-listed: the statutory clocks run from the first absence day.
                first_absence_day=invitee.sick_from if invitee.sick_to is None else None,
                employer=EmployerData(cvr=workplace.cvr, name=workplace.name, address=workplace.address,
                                      p_number=workplace.p_number),
                contact=ContactData(name=manager.name, role=manager.role, phone=manager.phone, email=manager.email),
            )
            first = case.deadlines.filter(kind=DeadlinePolicy.Kind.FIRST_MEETING, state=Deadline.State.OPEN).first()
            due = deadlines.deadline_preview(kind=DeadlinePolicy.Kind.FIRST_MEETING, start=starts_at).due_at
            if first is not None and due > first.due_at:
                # The clock keeps its start (now), so a conversation held early or moved earlier still meets it.
                deadlines.deadline_extend(deadline=first, actor=actor, new_due_at=due, reason=_(
                    "care conversation at the workplace: the first contact with the employee is the conversation"))
        event_record(case=case, actor=actor, kind="care_campaign",
                     summary=_("Invited to a care conversation in the campaign at %(workplace)s.") % {
                         "workplace": campaign.employer.name})
    meeting = meeting_schedule(
        case=case, actor=actor, kind=Meeting.Kind.CARE,
        slot=SlotData(starts_at=starts_at, duration_minutes=how.minutes, place_kind=how.place_kind, place=how.place,
                      online_link=how.online_link),
        participants=[
            ParticipantData(role=Participant.Role.EMPLOYEE, name=invitee.name, email=invitee.email),
            ParticipantData(role=Participant.Role.EMPLOYER, name=campaign.manager.name, email=campaign.manager.email,
                            title=campaign.manager.role),
        ],
    )
    invitee.case, invitee.meeting, invitee.cpr, invitee.invite_error = case, meeting, "", ""
    invitee.save(update_fields=["case", "meeting", "cpr", "invite_error"])


# --- reads -----------------------------------------------------------------------------------------


@dataclass
class CampaignFigures:
    listed: int
    invited: int
    held: int
    cancelled: int
    interventions: int
    follow_ups: int


def campaign_figures(campaign: CareCampaign) -> CampaignFigures:
    """Invitations, conversations held, interventions started (a held conversation or its follow-up with
    chosen offers or agreements on the case) and follow-up meetings booked: three queries."""
    invitees = campaign.invitees.all()
    states = dict(
        invitees.filter(meeting__isnull=False).values_list("meeting__state").annotate(n=Count("id")).values_list(
            "meeting__state", "n")
    )
    case_ids = [pk for pk in invitees.exclude(case__isnull=True).values_list("case_id", flat=True)]
    held = Meeting.objects.filter(case_id__in=case_ids, state=Meeting.State.HELD)
    interventions = held.filter(
        Q(offers__isnull=False) | Exists(Agreement.objects.filter(meeting=OuterRef("pk")))
    ).values("case_id").distinct().count()
    follow_ups = Meeting.objects.filter(case_id__in=case_ids, kind=Meeting.Kind.FOLLOW_UP).exclude(
        state=Meeting.State.CANCELLED).values("case_id").distinct().count()
    return CampaignFigures(
        listed=invitees.count(), invited=sum(states.values()), held=states.get(Meeting.State.HELD, 0),
        cancelled=states.get(Meeting.State.CANCELLED, 0), interventions=interventions, follow_ups=follow_ups,
    )


@dataclass(frozen=True)
class AbsenceWindow:
    start: date
    end: date  # inclusive
    sick_days: int
    people: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def per_30_days(self) -> float:
        return round(30 * self.sick_days / self.days, 1) if self.days > 0 else 0.0


@dataclass(frozen=True)
class AbsenceComparison:
    before: AbsenceWindow
    after: AbsenceWindow | None

    @property
    def change_percent(self) -> int | None:
        """The change in sick days per 30 days, after against before (-50 = halved); None without both, or
        while fewer than MIN_AFTER_DAYS have passed (a week scaled up to 30 days says nothing)."""
        if self.after is None or not self.before.sick_days or self.after.days < MIN_AFTER_DAYS:
            return None
        before, after = self.before.sick_days / self.before.days, self.after.sick_days / self.after.days
        return round(100 * (after - before) / before)


def sick_days(spells, start: date, end: date, *, today: date) -> tuple[int, int]:
    """Pure: the calendar sick days inside [start, end] over (employee, first, last) spells (an ongoing
    spell runs to `today`), and how many people had any. Overlapping spells of one person count once a day."""
    days: dict[object, set[date]] = {}
    for person, first, last in spells:
        lo, hi = max(first, start), min(last or today, end, today)
        if lo > hi:
            continue
        stretch = days.setdefault(person, set())
        stretch.update(lo + timedelta(days=i) for i in range((hi - lo).days + 1))
    return sum(len(d) for d in days.values()), sum(1 for d in days.values() if d)


def absence_before_after(campaign: CareCampaign, *, today: date | None = None) -> AbsenceComparison | None:
    """Where absence data exists for the workplace (Hjørring's payroll import, cases.absence): sick days in
    the six months before the workplace asked for help, against the time since the first care conversation
    was held (or booked). None when the workplace has no absence data. Two queries."""
    today = today or timezone.localdate()
    before_start = campaign.requested_on - timedelta(days=LOOKBACK_DAYS)
    spells = list(AbsenceSpell.objects.filter(employer=campaign.employer).filter(
        Q(last_day__isnull=True) | Q(last_day__gte=before_start)).values_list("employee_id", "first_day", "last_day"))
    if not spells:
        return None
    before_end = campaign.requested_on - timedelta(days=1)
    days, people = sick_days(spells, before_start, before_end, today=today)
    before = AbsenceWindow(before_start, before_end, days, people)
    first = Meeting.objects.filter(campaign_invitee__campaign=campaign).order_by("starts_at").values_list(
        "starts_at", flat=True).first()
    if first is None or timezone.localdate(first) > today:
        return AbsenceComparison(before, None)
    after_start = timezone.localdate(first)
    days, people = sick_days(spells, after_start, today, today=today)
    return AbsenceComparison(before, AbsenceWindow(after_start, today, days, people))


def campaigns_for(teams):
    return CareCampaign.objects.filter(team__in=teams).select_related("employer", "consultant").annotate(
        n_invitees=Count("invitees"))


def manager_contacts(employer: Employer):
    return ContactPerson.objects.filter(employer=employer)
