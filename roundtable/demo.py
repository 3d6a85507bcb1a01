"""Demo meetings in every state: invited with answers, moved, cancelled, held with the three goals,
finalised minutes (with a corrected second version) and a booked follow-up meeting."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from cases.channel import contacts
from cases.demo import DemoContext

from . import services
from .models import Meeting, MeetingSlot, Participant, Step


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _people(case, consultant, *extra: services.ParticipantData) -> list[services.ParticipantData]:
    rows = [services.ParticipantData(role=Participant.Role.EMPLOYEE, name=case.employee.name, email=case.employee.email,
                                     title=case.employee.job_title)]
    if case.employer_contact:
        rows.append(services.ParticipantData(role=Participant.Role.EMPLOYER, name=case.employer_contact.name,
                                             email=case.employer_contact.email, title=case.employer_contact.role))
    rows.append(services.ParticipantData(role=Participant.Role.CONSULTANT, name=consultant.get_full_name(),
                                         email=consultant.email, title="fastholdelseskonsulent"))
    return rows + list(extra)


def _book(case, consultant, *, when, kind=Meeting.Kind.ROUNDTABLE, extra=(), place=None) -> Meeting:
    """Book through the service; a meeting in the past is booked ahead and then dated back (demo only)."""
    place = place if place is not None else (case.employer.address if case.employer else "Jobcentret")
    future = when if when > timezone.now() else timezone.now() + timedelta(days=1)
    meeting = services.meeting_schedule(
        case=case, actor=consultant, kind=kind, participants=_people(case, consultant, *extra),
        slot=services.SlotData(starts_at=future, place_kind=Meeting.PlaceKind.WORKPLACE, place=place), accept_late=True,
    )
    if when != future:
        # Booked a week before it took place, so it can be registered as held at its time.
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=when, created_at=when - timedelta(days=7))
        MeetingSlot.objects.filter(meeting=meeting).update(starts_at=when)
        meeting.refresh_from_db()
    return meeting


def _step(position: int) -> Step:
    return Step.objects.get(position=position)


def _goals(meeting, consultant, *, employee: int, employer: int, agreed: int, plan: str, weeks, agreements):
    services.placements_save(meeting=meeting, actor=consultant, agreed=_step(agreed), placements={
        "employee": _step(employee), "employer": _step(employer), "consultant": _step(agreed)})
    meeting.refresh_from_db()
    services.plan_save(meeting=meeting, actor=consultant, plan_text=plan,
                       weeks=[services.WeekData(week=w, hours=h, tasks=t) for w, h, t in weeks],
                       offers=list(services.offers_for(meeting)[:2]))
    for who, what, days in agreements:
        services.agreement_add(meeting=meeting, actor=consultant, who=who, what=what,
                               due_on=None if days is None else timezone.localdate() + timedelta(days=days))


def seed_meetings(ctx: DemoContext) -> None:
    # Oldest first, so a meeting held days ago belongs to a case opened before it.
    open_cases = sorted((case for case in ctx.cases if case.is_open), key=lambda case: case.first_contact_at)
    if len(open_cases) < 6:
        return

    def owner(case):
        return case.consultant or ctx.users["konsulent"]

    # 1. Journey 2: the roundtable held ten days ago, finalised (and corrected), follow-up booked.
    case = open_cases[0]
    consultant = owner(case)
    meeting = _book(case, consultant, when=_at(-10, 10), extra=(services.ParticipantData(
        role=Participant.Role.UNION, name="Jens Tillidsmand", email="tr@skolen.example", title="tillidsrepræsentant"),))
    services.participant_answer(participant=meeting.participants.get(role=Participant.Role.EMPLOYEE),
                                answer=Participant.Answer.COMING)
    services.meeting_hold(meeting=meeting, actor=consultant, at=_at(-10, 10))
    # At the meeting the consultant confirmed the employee's mobile number: the citizen can get a
    # one-time code by text message and open the full minutes from the link in the mail.
    contacts.contact_point_verify(case=case, actor=consultant, kind="phone", value=case.employee.phone or "+45 20 40 10 00",
                                  method="meeting")
    meeting.refresh_from_db()
    _goals(meeting, consultant, employee=5, employer=3, agreed=4,
           plan="Gradvis tilbagevenden uden gårdvagt. Opgaverne aftales løbende med lederen.",
           weeks=[(1, 10, "Undervisning uden gårdvagt"), (3, 18, "Flere lektioner, stadig uden gårdvagt"),
                  (5, 37, "Fuld tid uden den ekstra klasse")],
           agreements=[("Arbejdsgiver", "Fjerner gårdvagten fra skemaet", 1),
                       (case.employee.name, "Bestiller tid hos egen læge", 3),
                       (consultant.get_full_name(), "Sender papirer om mentor og stresscoaching", -2)])
    services.specialist_note_add(meeting=meeting, actor=consultant, author_name="Pia Holm", author_title="psykolog",
                                 text="Anbefaler korte arbejdsdage de første uger og faste pauser.")
    services.agreement_done(agreement=meeting.agreements.order_by("due_on").first(), actor=consultant)
    services.minutes_finalise(meeting=meeting, actor=consultant)
    services.minutes_correct(meeting=meeting, actor=consultant, reason="Timetallet i uge 3 var skrevet forkert")
    meeting.refresh_from_db()
    services.plan_save(meeting=meeting, actor=consultant, plan_text=meeting.plan_text,
                       weeks=[services.WeekData(week=1, hours=10, tasks="Undervisning uden gårdvagt"),
                              services.WeekData(week=3, hours=20, tasks="Flere lektioner, stadig uden gårdvagt"),
                              services.WeekData(week=5, hours=37, tasks="Fuld tid uden den ekstra klasse")],
                       offers=list(meeting.offers.all()))
    services.minutes_finalise(meeting=meeting, actor=consultant)
    follow_up = services.follow_up_book(meeting=meeting, actor=consultant)
    services.participant_answer(participant=follow_up.participants.get(role=Participant.Role.EMPLOYEE),
                                answer=Participant.Answer.COMING)

    # 2. Journey 1: Søren's roundtable, invited, with answers from the employer and the employee.
    case = open_cases[-1]
    consultant = owner(case)
    meeting = _book(case, consultant, when=_at(2, 9, 30))
    for participant in meeting.participants.exclude(role=Participant.Role.CONSULTANT):
        if participant.role == Participant.Role.EMPLOYER:
            services.participant_answer(participant=participant, answer=Participant.Answer.OTHER_TIME,
                                        comment="Kan ikke før kl. 11 den dag – gerne senere.")
        else:
            services.participant_answer(participant=participant, answer=Participant.Answer.COMING)

    # 3. Moved to the job centre.
    case = open_cases[2]
    consultant = owner(case)
    meeting = _book(case, consultant, when=_at(3, 13))
    services.meeting_move(meeting=meeting, actor=consultant, reason="Lederen er på kursus", accept_late=True,
                          slot=services.SlotData(starts_at=_at(5, 10), place_kind=Meeting.PlaceKind.JOB_CENTRE,
                                                 place="Jobcentret, mødelokale 3"))

    # 4. A start conversation held, then a roundtable cancelled.
    case = open_cases[3]
    consultant = owner(case)
    start = _book(case, consultant, when=_at(-4, 14), kind=Meeting.Kind.START, place="Jobcentret")
    services.meeting_hold(meeting=start, actor=consultant, at=_at(-4, 14))
    cancelled = _book(case, consultant, when=_at(4, 11))
    services.meeting_cancel(meeting=cancelled, actor=consultant, reason="Medarbejderen er indlagt; ny tid aftales")

    # 5. Held yesterday with the goals filled in and a physiotherapist's note; minutes still a draft.
    case = open_cases[1]
    consultant = owner(case)
    meeting = _book(case, consultant, when=_at(-1, 9), extra=(services.ParticipantData(
        role=Participant.Role.SPECIALIST, name="Rasmus Fys", email="fysio@example.dk", title="fysioterapeut"),))
    services.meeting_hold(meeting=meeting, actor=consultant, at=_at(-1, 9))
    meeting.refresh_from_db()
    _goals(meeting, consultant, employee=6, employer=4, agreed=5, plan="Afklaring af løftekrav og træning før opstart.",
           weeks=[(1, 0, "Træning hos fysioterapeut"), (2, 8, "Lette opgaver uden løft")],
           agreements=[("Arbejdsgiver", "Beskriver opgaver uden tunge løft", 6), ("Medarbejder", "Træner to gange om ugen", None)])
    services.specialist_note_add(meeting=meeting, actor=consultant, author_name="Rasmus Fys", author_title="fysioterapeut",
                                 text="Må ikke løfte over 10 kg de næste 4 uger.")

    # 6. A care conversation at the workplace next week.
    case = open_cases[4]
    _book(case, owner(case), when=_at(7, 13), kind=Meeting.Kind.CARE)


DEMO_STEPS = [seed_meetings]


def seed_my_work_meetings(ctx: DemoContext) -> None:
    """Journey 8: Mette's Monday on her phone: two meetings today (the employer and the employee have
    answered one; the union representative has not answered the other) and one tomorrow."""
    mette = ctx.users["konsulent"]
    mine = [case for case in ctx.cases if case.is_open and case.consultant_id == mette.pk]
    busy = set(Meeting.objects.filter(state__in=(Meeting.State.INVITED, Meeting.State.MOVED)).values_list("case_id", flat=True))
    free = [case for case in mine if case.pk not in busy] or mine
    if len(free) < 2:
        return
    school = _book(free[0], mette, when=_at(0, 10))
    for participant in school.participants.exclude(role=Participant.Role.CONSULTANT):
        services.participant_answer(participant=participant, answer=Participant.Answer.COMING)
    _book(free[1], mette, when=_at(0, 13, 30), place="Lageret, Industrivej 40, 6000 Kolding", extra=(
        services.ParticipantData(role=Participant.Role.UNION, name="Jesper Lund", email="jesper@3f.example",
                                 title="tillidsrepræsentant, 3F"),))
    _book(free[2] if len(free) > 2 else free[0], mette, when=_at(1, 9))


DEMO_STEPS.append(seed_my_work_meetings)

# Helsingør's care conversations for a whole workplace (roundtable.demo_campaign).
from .demo_campaign import CAMPAIGN_DEMO_STEPS  # noqa: E402

DEMO_STEPS += CAMPAIGN_DEMO_STEPS


from .selfbooking.demo import seed_selfbooking  # noqa: E402

DEMO_STEPS.append(seed_selfbooking)  # Varde: free times, a school's booking link and one booking


def seed_case_conference(ctx: DemoContext) -> None:
    """Hjørring and Roskilde: a case conference eight days ago with a psychologist and a
    physiotherapist (no employee, no employer); two offers decided: one started the week after, one
    six-week course starting in a few days."""
    from .models import Offer

    mette = ctx.users["konsulent"]
    busy = set(Meeting.objects.values_list("case_id", flat=True))
    open_cases = [case for case in ctx.cases if case.is_open and case.consultant_id == mette.pk]
    mine = [case for case in open_cases if case.pk not in busy] or open_cases
    if not mine:
        return
    case = mine[0]
    when = _at(-8, 9)
    meeting = services.meeting_schedule(
        case=case, actor=mette, kind=Meeting.Kind.CASE_CONFERENCE, accept_late=True,
        slot=services.SlotData(starts_at=timezone.now() + timedelta(days=1), place_kind=Meeting.PlaceKind.JOB_CENTRE,
                               place="Jobcentret, mødelokale 3"),
        participants=[
            services.ParticipantData(role=Participant.Role.CONSULTANT, name=mette.get_full_name(), email=mette.email,
                                     title="fastholdelseskonsulent"),
            services.ParticipantData(role=Participant.Role.SPECIALIST, name="Pia Vinther", title="psykolog",
                                     email="pia.vinther@fjordby.example"),
            services.ParticipantData(role=Participant.Role.SPECIALIST, name="Rasmus Krogh", title="fysioterapeut",
                                     email="rasmus.krogh@fjordby.example"),
        ],
    )
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=when, created_at=when - timedelta(days=3))
    MeetingSlot.objects.filter(meeting=meeting).update(starts_at=when)
    meeting.refresh_from_db()
    meeting = services.meeting_hold(meeting=meeting, actor=mette, at=when + timedelta(minutes=45))
    services.specialist_note_add(meeting=meeting, actor=mette, author_name="Pia Vinther", author_title="psykolog",
                                 text="Tegn på belastningsreaktion; anbefaler 6 samtaler.")
    offers = list(Offer.objects.filter(active=True).order_by("name")[:2])
    if len(offers) < 2:
        return
    started = services.offer_decide(meeting=meeting, actor=mette, offer=offers[0])
    start_at = timezone.make_aware(datetime.combine(started.start_on, time(9, 0)))
    services.offer_started(decided=started, actor=mette, at=min(start_at, timezone.now()))
    services.offer_decide(meeting=meeting, actor=mette, offer=offers[1],
                          start_on=timezone.localdate() + timedelta(days=3), course_weeks=6)


DEMO_STEPS.append(seed_case_conference)


def seed_coaching(ctx: DemoContext) -> None:
    """Come-back: a coaching conversation, the consultant and the employee alone, held four days ago with
    notes (sensitive, never for the employer), and the next one booked."""
    mette = ctx.users["konsulent"]
    mine = sorted((c for c in ctx.cases if c.is_open and c.consultant_id == mette.pk), key=lambda c: c.first_contact_at)
    case = next((c for c in mine if c.risk_mental_health), mine[0] if mine else None)
    if case is None:
        return
    people = [services.ParticipantData(role=Participant.Role.EMPLOYEE, name=case.employee.name,
                                       email=case.employee.email, title=case.employee.job_title),
              services.ParticipantData(role=Participant.Role.CONSULTANT, name=mette.get_full_name(), email=mette.email,
                                       title="fastholdelseskonsulent")]

    def book(when):
        return services.meeting_schedule(
            case=case, actor=mette, kind=Meeting.Kind.COACHING, participants=people, accept_late=True,
            slot=services.SlotData(starts_at=when, duration_minutes=45, place_kind=Meeting.PlaceKind.JOB_CENTRE,
                                   place="Jobcentret, samtalerum 3"))

    held_at = _at(-4, 9)
    held = book(timezone.now() + timedelta(days=1))
    Meeting.objects.filter(pk=held.pk).update(starts_at=held_at, created_at=held_at - timedelta(days=7))
    MeetingSlot.objects.filter(meeting=held).update(starts_at=held_at)
    held.refresh_from_db()
    services.meeting_hold(meeting=held, actor=mette, at=held_at)
    services.meeting_note_save(meeting=held, actor=mette, text=(
        "Talte om, hvad der dræner og giver energi i hverdagen. Prøver faste pauser kl. 10 og 14 og siger fra "
        "over for ekstra vagter. Næste gang: hvordan fortæller hun kollegerne om aftalen?"))
    book(_at(10, 9))


DEMO_STEPS.append(seed_coaching)


def _seed_screening(ctx: DemoContext) -> None:
    from .demo_screening import seed_screening

    seed_screening(ctx)


DEMO_STEPS.append(_seed_screening)
