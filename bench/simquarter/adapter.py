"""Every call from the simulation into the app, in one place.

When a service's signature changes, only this file should need to change. Nothing else in the
simulation imports app services. Bookings past a clock pass `accept_late=True`: the simulated
consultant books late on purpose (about 15 % of bookings), as the page lets them after a warning.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from cases import deadlines, services
from cases.duetime import WorkCalendar, is_working_time, next_working_time
from cases.fasttrack import services as fasttrack
from cases.models import Case, Deadline, DeadlinePolicy, Notification, OutboxMessage, Referral, Team
from cases.notifications import outbox_send_due
from cases.phone import services as phone
from cases.sweep import sweep_deadlines
from roundtable import services as roundtable
from roundtable.models import Agreement, Meeting, Participant, Step

from . import checks

__all__ = [
    "Agreement", "Case", "Deadline", "DeadlinePolicy", "Meeting", "Notification", "OutboxMessage", "Referral", "Team",
    "is_working_time", "next_working_time",
]

# After every tick: the simulation's own cheap row checks (state, next check, breach time, closed cases).
deadline_invariant_violations = checks.deadline_invariant_violations
# Every simulated morning: the engine's official promises too (exactly once per occurrence, nothing told
# after a clock was met or cancelled), cases.deadline_invariants.
engine_invariant_violations = deadlines.deadline_invariant_violations

# The clocks a booked meeting is meant to meet (the consultant books before the earliest of them).
MEETING_CLOCKS = ("first_meeting", "follow_up", "fast_track_conversation", "wished_roundtable")


def calendar(years) -> WorkCalendar:
    return deadlines.work_calendar(years=years)


def policy(kind: str) -> DeadlinePolicy:
    return DeadlinePolicy.objects.get(kind=kind)


def due_from(*, kind: str, start: datetime) -> datetime:
    """The due time a policy gives for a start (the law's arithmetic, cases.duetime)."""
    return deadlines.deadline_preview(kind=kind, start=start).due_at


# --- the team --------------------------------------------------------------------------------------


def make_team(*, name: str, consultants: list[tuple[str, str]], lead: tuple[str, str]):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cases.roles import Role

    users = get_user_model()
    team = Team.objects.create(name=name, receives_fast_track=True)

    def user(username: str, full: str, role: str):
        first, last = full.split(" ", 1)
        person = users.objects.create_user(username=username, password=None, first_name=first, last_name=last,
                                           email=f"{username}@kommune.example")
        person.groups.add(Group.objects.get_or_create(name=role)[0])
        return person

    members = [user(u, n, Role.CONSULTANT) for u, n in consultants]
    team.members.add(*members)
    boss = user(*lead, Role.TEAM_LEAD)
    team.leads.add(boss)
    return team, members, boss


def roster_plan(*, lead, team: Team, start: date, weeks: int, consultants) -> None:
    phone.roster_plan(actor=lead, team=team, start=start, weeks=weeks, consultants=consultants)


def on_duty(*, team: Team, day: date):
    return phone.on_duty(team=team, day=day)


# --- how cases arrive ------------------------------------------------------------------------------


def employee(cpr: str, name: str) -> services.EmployeeData:
    return services.EmployeeData(cpr=cpr, name=name, email=f"{name.split()[0].lower()}@post.example")


def employer(cvr: str, name: str) -> services.EmployerData:
    return services.EmployerData(cvr=cvr, name=name, address="Havnegade 1, 6000 Kolding")


def phone_call(*, actor, team: Team, received_at: datetime, settled: bool, roundtable_days: int | None):
    return phone.call_log(actor=actor, team=team, caller_type="employer", summary="Medarbejder sygemeldt, vil gerne tale om fastholdelse.",
                          caller_name="Lone Madsen", settled=settled, roundtable_within_days=roundtable_days,
                          received_at=received_at)


def phone_case(*, actor, call, person, firm, absence_day: date | None) -> Case:
    return phone.call_open_case(actor=actor, call=call, employee=person, employer=firm, first_absence_day=absence_day)


def direct_case(*, actor, team: Team, person, firm, first_contact_at: datetime, absence_day: date | None, consultant,
                source: str) -> Case:
    return services.case_open(actor=actor, employee=person, employer=firm, team=team, source=source,
                              first_contact_at=first_contact_at, first_absence_day=absence_day, consultant=consultant)


def referral_submit(*, person, firm, received_at: datetime, absence_day: date) -> Referral:
    return fasttrack.referral_submit(data={
        "received_at": received_at, "cvr": firm.cvr, "p_number": "", "employer_name": firm.name,
        "employer_address": firm.address, "contact_name": "Hanne Ærenlund", "contact_role": "HR-partner",
        "contact_phone": "+45 70 20 30 40", "contact_email": "hanne@arbejdsgiver.example", "employee_name": person.name,
        "employee_cpr": person.cpr, "employee_email": person.email, "employee_phone": "", "job_title": "lagermedarbejder",
        "first_absence_day": absence_day, "expected_over_8_weeks": True, "affected_functions": "Kan ikke løfte.",
        "affected_duration": "Siden første fraværsdag.", "work_adapted": "Lettere opgaver tilbudt.",
        "absence_conversation_held": False, "possibility_statement": False, "employee_told": True,
    })


def referral_consent(*, referral: Referral, given: bool) -> None:
    consent = Referral.Consent.GIVEN if given else Referral.Consent.DECLINED
    fasttrack.referral_employee_answer(referral=referral, answer=fasttrack.EmployeeAnswer(consent=consent))


def referral_accept(*, referral: Referral, actor, consultant) -> Case:
    return fasttrack.referral_accept(referral=referral, actor=actor, consultant=consultant)


# --- the case file ---------------------------------------------------------------------------------


def case_edit(*, case: Case, actor, **fields) -> None:
    # The stored case, refetched: the service compares the new values with it.
    services.case_update(case=Case.objects.get(pk=case.pk), actor=actor, fields=fields)


def case_reassign(*, case: Case, actor, consultant) -> None:
    services.case_reassign(case=Case.objects.get(pk=case.pk), actor=actor, consultant=consultant)


def case_close(*, case: Case, actor) -> None:
    services.case_close(case=Case.objects.get(pk=case.pk), actor=actor, outcome=Case.Outcome.RETAINED)


def case_reopen(*, case: Case, actor) -> None:
    services.case_reopen(case=Case.objects.get(pk=case.pk), actor=actor, reason="Ny sygemelding for samme lidelse.")


def journal(*, case: Case, actor) -> None:
    services.journal_add(case=case, actor=actor, kind="note", text="Talt med medarbejderen i telefonen.")


# --- clocks ----------------------------------------------------------------------------------------


def pause(*, deadline: Deadline, actor) -> None:
    deadlines.deadline_pause(deadline=deadline, actor=actor, reason="Venter på lægeerklæring.")


def resume(*, deadline: Deadline, actor) -> None:
    deadlines.deadline_resume(deadline=deadline, actor=actor)


def extend(*, deadline: Deadline, actor, new_due_at: datetime) -> None:
    deadlines.deadline_extend(deadline=deadline, actor=actor, new_due_at=new_due_at,
                              reason="Medarbejderen er indlagt; mødet kan først holdes senere.")


def record_met(*, deadline: Deadline, actor, at: datetime) -> None:
    deadlines.deadline_record_met(deadline=deadline, actor=actor, at=at, note="Registreret af konsulenten.")


def information_form_sent(*, case: Case, actor, sent_at: datetime) -> None:
    deadlines.information_form_sent(case=case, actor=actor, sent_at=sent_at)


# --- meetings --------------------------------------------------------------------------------------


def _participants(case: Case, consultant) -> list:
    return [
        roundtable.ParticipantData(role=Participant.Role.EMPLOYEE, name=case.employee.name, email=case.employee.email),
        roundtable.ParticipantData(role=Participant.Role.EMPLOYER, name="Hanne Ærenlund", email="hanne@arbejdsgiver.example"),
        roundtable.ParticipantData(role=Participant.Role.CONSULTANT, name=consultant.get_full_name(), email=consultant.email),
    ]


def _slot(starts_at: datetime) -> roundtable.SlotData:
    return roundtable.SlotData(starts_at=starts_at, duration_minutes=60, place="Arbejdspladsen, mødelokale 1")


def meeting_schedule(*, case: Case, actor, starts_at: datetime, start_conversation: bool = False) -> Meeting:
    kind = Meeting.Kind.START if start_conversation else Meeting.Kind.ROUNDTABLE
    return roundtable.meeting_schedule(case=case, actor=actor, kind=kind, slot=_slot(starts_at),
                                       participants=_participants(case, actor), accept_late=True)


def meeting_move(*, meeting: Meeting, actor, starts_at: datetime) -> None:
    roundtable.meeting_move(meeting=meeting, actor=actor, slot=_slot(starts_at), reason="Arbejdsgiveren kan ikke.",
                            accept_late=True)


def meeting_cancel(*, meeting: Meeting, actor) -> None:
    roundtable.meeting_cancel(meeting=meeting, actor=actor, reason="Medarbejderen er syg på dagen.")


def meeting_hold(*, meeting: Meeting, actor, held_at: datetime) -> None:
    roundtable.meeting_hold(meeting=meeting, actor=actor, at=held_at)


def meeting_goals(*, meeting: Meeting, actor, agreements_due: list[date]) -> list[Agreement]:
    """The three goals filled in after the meeting: placements, a plan and the agreements."""
    steps = {step.position: step for step in Step.objects.all()}
    roundtable.placements_save(meeting=meeting, actor=actor, agreed=steps[4],
                               placements={"employee": steps[5], "employer": steps[3], "consultant": steps[4]})
    meeting.refresh_from_db()
    roundtable.plan_save(meeting=meeting, actor=actor, plan_text="Gradvis optrapning.", offers=[],
                         weeks=[roundtable.WeekData(week=1, hours=Decimal(10)), roundtable.WeekData(week=3, hours=Decimal(20))])
    made = [roundtable.agreement_add(meeting=meeting, actor=actor, who="Arbejdsgiveren", what="Tilpasser opgaverne",
                                     due_on=day) for day in agreements_due]
    if not made:
        made.append(roundtable.agreement_add(meeting=meeting, actor=actor, who="Medarbejderen", what="Kontakter lægen"))
    return made


def minutes_finalise(*, meeting: Meeting, actor) -> None:
    roundtable.minutes_finalise(meeting=meeting, actor=actor)


def agreement_done(*, agreement: Agreement, actor, at: datetime) -> None:
    roundtable.agreement_done(agreement=agreement, actor=actor, at=at)


def follow_up_book(*, meeting: Meeting, actor) -> Meeting:
    return roundtable.follow_up_book(meeting=meeting, actor=actor, accept_late=True)


# --- what runs in the background -------------------------------------------------------------------


def sweep(now: datetime) -> int:
    return sweep_deadlines(now=now)


def send_outbox(now: datetime) -> int:
    return outbox_send_due(now=now)


# --- the team lead's overview ----------------------------------------------------------------------


def overview_cards(*, client, team: Team) -> list[dict]:
    """The overview's cards as the page builds them: flag, count and the link to the list."""
    from django.urls import reverse

    response = client.get(reverse("dashboard:index"), {"team": team.pk})
    assert response.status_code == 200, response.status_code
    return [{"flag": card["flag"], "count": card["count"], "url": card["url"]} for card in response.context["cards"]]


def list_count(*, client, url: str) -> int:
    """How many rows the case list behind a card link holds (all pages)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.context["page"].paginator.count


def flag_count(*, user, team: Team, flag: str, now: datetime) -> int:
    from cases.selectors import case_search

    return case_search(user, team=str(team.pk), flag=flag, now=now).count()
