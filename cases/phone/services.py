"""The retention phone (Kolding): duty roster, shift swaps, the call log and call-to-case.

One consultant answers each team's phone per working day and owns the day's new cases all the way;
the team lead plans the roster weeks ahead; consultants swap shifts when both agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .. import deadlines, notifications, services
from ..deadlines import work_calendar
from ..duetime import WEEKEND, CalendarMode, Unit, compute_due
from ..models import Case, DeadlinePolicy, DutyShift, PhoneCall, ShiftSwap, Team
from ..roles import is_admin

Kind = DeadlinePolicy.Kind


def _name(user) -> str:
    return user.get_full_name() or user.username


def is_team_lead_of(user, team: Team) -> bool:
    return is_admin(user) or team.leads.filter(pk=user.pk).exists()


def is_member(user, team: Team) -> bool:
    return team.members.filter(pk=user.pk).exists()


def closed_reason(day: date) -> str | None:
    """None on a working day; otherwise the (translated) reason the office is closed."""
    calendar = work_calendar(years=[day.year])
    reason = calendar.closed_reason(day)
    if reason is None:
        return None
    return pgettext("closed day", "weekend") if reason == WEEKEND else _(reason)


def _check_working_day(day: date, *, field: str = "date") -> None:
    reason = closed_reason(day)
    if reason is not None:
        raise ValidationError({field: _("%(day)s is a closed day (%(reason)s): nobody is on phone duty then.") % {
            "day": day.strftime("%d/%m/%Y"), "reason": reason}})


def _check_member(user, team: Team, *, field: str) -> None:
    if not is_member(user, team):
        raise ValidationError({field: _("%(name)s is not on team %(team)s.") % {"name": _name(user), "team": team.name}})


# --- the roster ----------------------------------------------------------------------------------


@transaction.atomic
def roster_set(*, actor, team: Team, day: date, consultant) -> DutyShift:
    """The team lead puts a consultant on duty for a working day (replacing whoever was there)."""
    if not is_team_lead_of(actor, team):
        raise ValidationError(_("Only the team lead can plan the phone duty."))
    _check_working_day(day)
    _check_member(consultant, team, field="consultant")
    shift, created = DutyShift.objects.select_for_update().get_or_create(
        team=team, date=day, defaults={"consultant": consultant, "set_by": actor}
    )
    if not created and shift.consultant_id != consultant.pk:
        shift.consultant, shift.set_by = consultant, actor
        shift.save(update_fields=["consultant", "set_by", "updated_at"])
        # The lead decided: any swap still waiting for an answer on this day is moot.
        _cancel_pending(shift)
    return shift


def _cancel_pending(shift: DutyShift) -> None:
    ShiftSwap.objects.filter(Q(shift=shift) | Q(counterpart_shift=shift), state=ShiftSwap.State.PENDING).update(
        state=ShiftSwap.State.CANCELLED, decided_at=timezone.now()
    )


@transaction.atomic
def roster_plan(*, actor, team: Team, start: date, weeks: int, consultants: Sequence) -> list[DutyShift]:
    """Fill the empty working days from `start` for `weeks` weeks in turn among `consultants`.
    Days already planned (and swapped) are kept."""
    if not is_team_lead_of(actor, team):
        raise ValidationError(_("Only the team lead can plan the phone duty."))
    if not 1 <= weeks <= 26:
        raise ValidationError({"weeks": _("Plan between 1 and 26 weeks ahead.")})
    if not consultants:
        raise ValidationError({"consultants": _("Choose the consultants who take turns on the phone.")})
    for person in consultants:
        _check_member(person, team, field="consultants")
    end = start + timedelta(weeks=weeks)
    calendar = work_calendar(years=range(start.year, end.year + 1))
    taken = set(DutyShift.objects.filter(team=team, date__gte=start, date__lt=end).values_list("date", flat=True))
    created, turn, day = [], 0, start
    while day < end:
        if calendar.is_working_day(day) and day not in taken:
            created.append(DutyShift(team=team, date=day, consultant=consultants[turn % len(consultants)], set_by=actor))
            turn += 1
        day += timedelta(days=1)
    return DutyShift.objects.bulk_create(created)


def on_duty(*, team: Team, day: date):
    shift = DutyShift.objects.filter(team=team, date=day).select_related("consultant").first()
    return shift.consultant if shift else None


# --- swaps ---------------------------------------------------------------------------------------


@transaction.atomic
def swap_request(*, actor, shift: DutyShift, counterpart, counterpart_shift: DutyShift | None = None) -> ShiftSwap:
    """Ask a colleague on the team to take `shift` (in exchange for `counterpart_shift` if given)."""
    team = shift.team
    if shift.consultant_id != actor.pk and not is_team_lead_of(actor, team):
        raise ValidationError({"shift": _("You can only offer your own shifts.")})
    if shift.date < timezone.localdate():
        raise ValidationError({"shift": _("That shift has already passed.")})
    _check_member(counterpart, team, field="counterpart")
    if counterpart.pk == shift.consultant_id:
        raise ValidationError({"counterpart": _("Choose a colleague other than the one on duty.")})
    if counterpart_shift is not None:
        if counterpart_shift.team_id != team.pk or counterpart_shift.consultant_id != counterpart.pk:
            raise ValidationError({"counterpart_shift": _("The shift in exchange must be %(name)s's shift on the same team.")
                                   % {"name": _name(counterpart)}})
        if counterpart_shift.date < timezone.localdate():
            raise ValidationError({"counterpart_shift": _("That shift has already passed.")})
    if ShiftSwap.objects.filter(shift=shift, state=ShiftSwap.State.PENDING).exists():
        raise ValidationError({"shift": _("A swap of this shift is already waiting for an answer.")})
    swap = ShiftSwap.objects.create(
        shift=shift, requested_by=actor, counterpart=counterpart, counterpart_shift=counterpart_shift
    )
    notifications.notify(
        recipient=counterpart, kind="shift_swap_requested",
        title=_("%(name)s asks you to take phone duty on %(day)s") % {
            "name": _name(actor), "day": shift.date.strftime("%d/%m/%Y")},
        body=(_("In exchange %(name)s takes your duty on %(day)s.") % {
            "name": _name(actor), "day": counterpart_shift.date.strftime("%d/%m/%Y")}) if counterpart_shift else "",
        url=reverse("phone:roster") + f"?team={team.pk}", dedup_key=f"shift-swap:{swap.pk}:requested", email=False,
    )
    return swap


@transaction.atomic
def swap_answer(*, actor, swap: ShiftSwap, accept: bool) -> ShiftSwap:
    """The colleague (or the team lead) accepts or declines; accepting moves the shift(s)."""
    swap = (ShiftSwap.objects.select_for_update(of=("self",)).select_related("shift__team", "counterpart_shift")
            .get(pk=swap.pk))
    team = swap.shift.team
    if actor.pk != swap.counterpart_id and not is_team_lead_of(actor, team):
        raise ValidationError(_("Only the colleague asked (or the team lead) can answer this swap."))
    if swap.state != ShiftSwap.State.PENDING:
        raise ValidationError(_("This swap has already been answered."))
    swap.state = ShiftSwap.State.ACCEPTED if accept else ShiftSwap.State.DECLINED
    swap.decided_at = timezone.now()
    swap.save(update_fields=["state", "decided_at"])
    if accept:
        giver = swap.shift.consultant
        swap.shift.consultant, swap.shift.set_by = swap.counterpart, actor
        swap.shift.save(update_fields=["consultant", "set_by", "updated_at"])
        if swap.counterpart_shift is not None:
            swap.counterpart_shift.consultant, swap.counterpart_shift.set_by = giver, actor
            swap.counterpart_shift.save(update_fields=["consultant", "set_by", "updated_at"])
    notifications.notify(
        recipient=swap.requested_by, kind="shift_swap_answered",
        title=(_("Swap of phone duty on %(day)s accepted") if accept else _("Swap of phone duty on %(day)s declined"))
        % {"day": swap.shift.date.strftime("%d/%m/%Y")},
        body="", url=reverse("phone:roster") + f"?team={team.pk}", dedup_key=f"shift-swap:{swap.pk}:answered",
        email=False,
    )
    return swap


@transaction.atomic
def swap_cancel(*, actor, swap: ShiftSwap) -> ShiftSwap:
    """The one who asked withdraws the swap. The same row lock as answering, so a withdrawal and an
    acceptance at the same moment cannot both win."""
    swap = ShiftSwap.objects.select_for_update().get(pk=swap.pk)
    if actor.pk != swap.requested_by_id:
        raise ValidationError(_("Only the one who asked can withdraw the swap."))
    if swap.state != ShiftSwap.State.PENDING:
        raise ValidationError(_("This swap has already been answered."))
    swap.state, swap.decided_at = ShiftSwap.State.CANCELLED, timezone.now()
    swap.save(update_fields=["state", "decided_at"])
    return swap


# --- calls ---------------------------------------------------------------------------------------


@transaction.atomic
def call_log(
    *,
    actor,
    team: Team,
    caller_type: str,
    summary: str,
    caller_name: str = "",
    caller_contact: str = "",
    settled: bool = False,
    roundtable_within_days: int | None = None,
    received_at: datetime | None = None,
) -> PhoneCall:
    """Log a call to the retention phone."""
    errors = {}
    if caller_type not in PhoneCall.CallerType.values:
        errors["caller_type"] = _("Choose who called.")
    if not (summary or "").strip():
        errors["summary"] = _("Write a short summary of the call.")
    if roundtable_within_days is not None and not 1 <= roundtable_within_days <= 7:
        errors["roundtable_within_days"] = _("A roundtable can be wished for 1 to 7 days after the call.")
    elif roundtable_within_days is not None and settled:
        errors["roundtable_within_days"] = _("A call settled on the phone does not lead to a roundtable.")
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + timedelta(minutes=5):
        errors["received_at"] = _("A call cannot be logged in the future.")
    if not (is_member(actor, team) or is_team_lead_of(actor, team)):
        errors["team"] = _("You are not on team %(team)s.") % {"team": team.name}
    if errors:
        raise ValidationError(errors)
    return PhoneCall.objects.create(
        team=team, received_at=received_at, taken_by=actor, caller_type=caller_type,
        caller_name=caller_name.strip(), caller_contact=caller_contact.strip(), summary=summary.strip(),
        settled=settled, roundtable_within_days=roundtable_within_days,
    )


@transaction.atomic
def call_open_case(
    *,
    actor,
    call: PhoneCall,
    employee: services.EmployeeData,
    employer: services.EmployerData | None = None,
    contact: services.ContactData | None = None,
    first_absence_day: date | None = None,
) -> Case:
    """A call that needs more opens a case owned by the consultant on duty that day (Kolding: the
    one on duty follows the case all the way); the first-meeting clock starts with it, and a
    roundtable the employer wished within N days becomes a clock of its own. The owner is notified."""
    call = PhoneCall.objects.select_for_update().get(pk=call.pk)
    if call.case_id:
        raise ValidationError(_("This call already has a case (%(ref)s).") % {"ref": call.case.reference})
    if call.settled:
        raise ValidationError(_("The call was settled on the phone; log a new call if more is needed."))
    owner = on_duty(team=call.team, day=timezone.localdate(call.received_at)) or call.taken_by
    case = services.case_open(
        actor=actor, employee=employee, employer=employer, contact=contact, team=call.team,
        source=Case.Source.PHONE_CALL, first_contact_at=call.received_at, first_absence_day=first_absence_day,
        consultant=owner,
    )
    # The caller's account goes to the journal (consultant notes), never to the timeline text.
    services.journal_add(case=case, actor=actor, kind="phone_call", occurred_at=call.received_at,
                         text=_("Call to the retention phone (%(caller)s): %(summary)s") % {
                             "caller": call.get_caller_type_display(), "summary": call.summary})
    wished = _wished_roundtable_open(call=call, case=case, actor=actor) if call.roundtable_within_days else None
    call.case = case
    call.save(update_fields=["case"])
    if owner is not None:
        _notify_owner(call=call, case=case, owner=owner, actor=actor, wished=wished)
    return case


def wished_roundtable_due(*, received_at: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after the call (weekends, holidays and the admin's
    closed days do not count): a call on Friday wishing 1 day gives Monday 23:59."""
    local = timezone.localtime(received_at)
    calendar = work_calendar(years=range(local.year, local.year + 2))
    return compute_due(start=received_at, amount=days, unit=Unit.DAYS, mode=CalendarMode.WORKING,
                       calendar=calendar).due_at


def _wished_roundtable_open(*, call: PhoneCall, case: Case, actor):
    """The employer's wish on the phone becomes a clock on the case, met by holding the roundtable."""
    days = call.roundtable_within_days
    services.event_record(case=case, actor=actor, kind="roundtable_wished",
                          summary=ngettext("The caller wishes a roundtable within %(days)d day of the call.",
                                           "The caller wishes a roundtable within %(days)d days of the call.",
                                           days) % {"days": days})
    return deadlines.deadline_open(
        case=case, kind=Kind.WISHED_ROUNDTABLE, start=call.received_at, actor=actor,
        due_at=wished_roundtable_due(received_at=call.received_at, days=days),
        title=ngettext("roundtable within %(days)d working day (the employer's wish)",
                       "roundtable within %(days)d working days (the employer's wish)", days) % {"days": days},
    )


def _notify_owner(*, call: PhoneCall, case: Case, owner, actor, wished) -> None:
    """The consultant on duty owns the new case from the start: tell them, with the wished
    roundtable's due time when there is one (in-app; once per call and owner)."""
    body = _("Opened from a call to the retention phone (%(caller)s) on %(when)s.") % {
        "caller": call.get_caller_type_display(), "when": timezone.localtime(call.received_at).strftime("%d/%m/%Y %H:%M")}
    if wished is not None:
        body += " " + _("The employer wishes a roundtable by %(due)s.") % {
            "due": timezone.localtime(wished.due_at).strftime("%d/%m/%Y %H:%M")}
    notifications.notify(
        recipient=owner, kind="case_from_call",
        title=_("New case %(ref)s from the retention phone is yours") % {"ref": case.reference},
        body=body, url=reverse("cases:detail", args=[case.reference]), case=case,
        dedup_key=f"call-case:{call.pk}:{owner.pk}", email=False,
    )


def call_hand_over(*, actor, call: PhoneCall, consultant) -> Case:
    """Hand the call's case to a colleague on the team (the colleague is notified)."""
    if call.case is None:
        raise ValidationError(_("The call has no case to hand over."))
    return services.case_reassign(case=call.case, actor=actor, consultant=consultant,
                                  note=_("Handed over from the retention phone."))
