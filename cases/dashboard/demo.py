"""Demo data for the team-lead dashboard and Kolding's retention phone.

Runs after cases.demo's own steps (appended to its DEMO_STEPS): consultant targets, a roster for the
weeks around today with a swap waiting for an answer, calls settled and not (two of them opened
cases), and deadlines placed so every dashboard card shows a number.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from .. import deadlines, services
from ..models import Case, ConsultantProfile, DeadlinePolicy, PhoneCall
from ..phone import services as phone
from ..phone.selectors import monday_of

Kind = DeadlinePolicy.Kind


def _at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    """A moment `days_ago` back, moved to the Friday before when it falls on a weekend (the phone
    is staffed on working days)."""
    day = timezone.localdate() - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed_consultant_targets(ctx) -> None:
    users = ctx.users
    # Varde: about as many cases as weekly hours. Mette is new and starts on a reduced caseload.
    ConsultantProfile.objects.create(user=users["konsulent"], weekly_hours=Decimal("37"), caseload_target=2)
    ConsultantProfile.objects.create(user=users["konsulent3"], weekly_hours=Decimal("30"), caseload_target=30)
    ConsultantProfile.objects.create(user=users["konsulent2"], weekly_hours=Decimal("37"), caseload_target=37)


def seed_phone_roster(ctx) -> None:
    nord, syd = ctx.teams["Nord"], ctx.teams["Syd"]
    start = monday_of(timezone.localdate()) - timedelta(weeks=3)
    phone.roster_plan(actor=ctx.users["teamleder"], team=nord, start=start, weeks=9,
                      consultants=[ctx.users["konsulent"], ctx.users["konsulent3"]])
    phone.roster_plan(actor=ctx.users["admin"], team=syd, start=start, weeks=9, consultants=[ctx.users["konsulent2"]])
    # Mette asks Fatima to swap her next shift for one of Fatima's later ones (waiting for Fatima).
    mette, fatima = ctx.users["konsulent"], ctx.users["konsulent3"]
    from ..models import DutyShift

    upcoming = DutyShift.objects.filter(team=nord, date__gt=timezone.localdate()).order_by("date")
    mine, theirs = upcoming.filter(consultant=mette).first(), upcoming.filter(consultant=fatima)[1:2].first()
    if mine and theirs:
        phone.swap_request(actor=mette, shift=mine, counterpart=fatima, counterpart_shift=theirs)


CALLS = [
    # days ago, hour, caller type, caller, contact, summary, settled, roundtable within days
    (45, 10, "employer", "Susanne Friis", "+45 49 28 10 00",
     "Pædagog sygemeldt med stress i 3 uger; leder ønsker rundbordssamtale snarest.", False, 2),
    (20, 9, "employer", "Lone Madsen", "+45 70 20 30 40",
     "Leder spørger til delvis raskmelding for en lærer; rådgivet om timeplan og opfølgning.", True, None),
    (18, 13, "citizen", "Bent Krogh", "+45 22 33 44 55",
     "Sygemeldt lagermedarbejder vil vide, hvad en fastholdelsesplan er. Forklaret og sendt link.", True, None),
    (15, 10, "employer", "Kurt Bønnelykke", "kurt@nordlys.example",
     "Medarbejder sygemeldt med rygskade i 3 uger; arbejdsgiver ønsker rundbordssamtale om 3 dage.", False, 3),
    (13, 11, "gp", "Læge Hanne Winther", "+45 75 50 60 70",
     "Egen læge spørger til mulighedserklæring; rådgivet om del 2.", True, None),
    (8, 14, "union", "Jesper Lund, 3F", "+45 33 44 55 66",
     "Tillidsrepræsentant vil deltage i møde; oplyst om, at medarbejderen selv svarer på fast track.", True, None),
    (6, 9, "employer", "Hanne Ærenlund", "hanne@vestjysk.example",
     "Smed sygemeldt med stress; arbejdsgiver ønsker møde inden for en uge.", False, 6),
    (3, 10, "caseworker", "Sagsbehandler Ib Nørgaard", "+45 76 11 22 33",
     "Sygedagpengesagsbehandler henviser en sygemeldt med lange fraværsperioder.", False, None),
    (1, 15, "employer", "Per Wøldike", "+45 40 50 60 70",
     "Spørgsmål om sygefraværssamtale inden 4 uger; sendt skabelon.", True, None),
]

CALL_PEOPLE = {
    0: ("0511791678", "Birthe Friis Olesen", "pædagog", ("29189978", "Helsingør Kommune, Skolen ved Øresund")),
    3: ("1203754321", "Kirsten Holm Vestergaard", "lagermedarbejder", ("13585628", "Nordlys Lager & Logistik A/S")),
    6: ("2609824567", "Mads Ærenlund Kjeldsen", "smed", ("25313763", "Vestjysk Maskinfabrik ApS")),
}


def seed_phone_calls(ctx) -> None:
    nord = ctx.teams["Nord"]
    for index, (days_ago, hour, caller_type, name, contact, summary, settled, days) in enumerate(CALLS):
        received = _at(days_ago, hour, 12)
        taker = phone.on_duty(team=nord, day=timezone.localdate(received)) or ctx.users["konsulent"]
        call = phone.call_log(actor=taker, team=nord, caller_type=caller_type, summary=summary, caller_name=name,
                              caller_contact=contact, settled=settled, roundtable_within_days=days,
                              received_at=received)
        if index in CALL_PEOPLE:
            cpr, person, job, (cvr, employer) = CALL_PEOPLE[index]
            case = phone.call_open_case(
                actor=taker, call=call,
                employee=services.EmployeeData(cpr=cpr, name=person, job_title=job),
                employer=services.EmployerData(cvr=cvr, name=employer),
                contact=services.ContactData(name=name, phone=contact if contact.startswith("+") else ""),
                first_absence_day=timezone.localdate(received) - timedelta(days=21),
            )
            ctx.cases.append(case)
            # The roundtable was held at the employer's wish: within 48 hours for most calls, after six
            # days for one (the employer's wish, beyond the 48-hour goal).
            held = received + timedelta(hours=24 * days if index == 6 else 26)
            deadlines.deadline_meet(case=case, kinds=[Kind.FIRST_MEETING], at=held, actor=taker,
                                    by="Rundbordssamtale holdt")
            if index == 0:  # the oldest case has had its four-week follow-up meeting, on time
                follow_up = deadlines.deadline_open(case=case, kind=Kind.FOLLOW_UP, start=held, actor=taker)
                deadlines.deadline_meet_one(deadline=follow_up, at=follow_up.due_at - timedelta(days=1),
                                            actor=taker, by="Opfølgningsmøde holdt")
    syd = ctx.teams["Syd"]
    phone.call_log(actor=ctx.users["konsulent2"], team=syd, caller_type=PhoneCall.CallerType.EMPLOYER,
                   summary="Arbejdsgiver spørger til fast track; rådgivet om de 5 uger.", caller_name="Rikke Dal",
                   settled=True, received_at=_at(4, 11))


def seed_dashboard_cards(ctx) -> None:
    """Every card shows a number: a deadline due later today and one later this week, and two cases
    nobody has touched for three weeks (overdue and unassigned come from the cases themselves)."""
    now = timezone.now()
    nord_open = [c for c in ctx.cases if c.team.name == "Nord" and c.status == Case.Status.OPEN and c.consultant]
    end_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time(23, 30)))
    if nord_open and end_of_today > now:
        deadlines.deadline_open(case=nord_open[0], kind=Kind.AGREEMENT_ITEM, start=now, actor=nord_open[0].consultant,
                                title="Send tilbudspapirer (mentor og stresscoaching)", due_at=end_of_today)
    if len(nord_open) > 1:
        deadlines.deadline_open(case=nord_open[1], kind=Kind.AGREEMENT_ITEM, start=now, actor=nord_open[1].consultant,
                                title="Arbejdsgiver fjerner gårdvagter", due_at=max(end_of_today, now + timedelta(days=2)))
    stale = [c for c in nord_open[2:] if c.source != Case.Source.PHONE_CALL][:2]
    Case.objects.filter(pk__in=[c.pk for c in stale]).update(last_activity_at=now - timedelta(days=21))


DASHBOARD_DEMO_STEPS = [seed_consultant_targets, seed_phone_roster, seed_phone_calls, seed_dashboard_cards]


def seed_my_work(ctx) -> None:
    """Journey 8: Mette's own clocks in every bucket of "Mit arbejde" (overdue, due today, due this week)
    and her huskelapp; the waiting call, referral and swap come from the steps around it."""
    from .. import followups

    mette = ctx.users["konsulent"]
    mine = [case for case in ctx.cases if case.status == Case.Status.OPEN and case.consultant_id == mette.pk]
    if not mine:
        return
    now = timezone.now()
    end_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time(23, 30)))
    deadlines.deadline_open(case=mine[0], kind=Kind.AGREEMENT_ITEM, start=now - timedelta(days=5),
                            actor=mette, title="Lægeerklæring fra egen læge", owner=mette,
                            due_at=now - timedelta(days=1))
    deadlines.deadline_open(case=mine[-1], kind=Kind.AGREEMENT_ITEM, start=now, actor=mette, owner=mette,
                            title="Ring til arbejdsgiveren om gårdvagterne", due_at=max(end_of_today, now + timedelta(minutes=30)))
    followups.followup_task_set(case=mine[len(mine) // 2], actor=mette, reason=followups.Reason.CONTACT_EMPLOYEE,
                                due_on=timezone.localdate() + timedelta(days=2), note="Hør hvordan første uge gik")


DASHBOARD_DEMO_STEPS.append(seed_my_work)
