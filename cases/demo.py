"""Demo data: realistic Danish people, employers and cases in every state.

`seed_demo` runs DEMO_STEPS of every installed app's `demo.py` (cases first, then roundtable);
each step is a function taking the shared `DemoContext`, so the demo grows with every capability.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from . import services
from .absence.demo import ABSENCE_DEMO_STEPS
from .api.demo import seed_api_tokens
from .dashboard.demo import DASHBOARD_DEMO_STEPS
from .demo_fasttrack import seed_referrals
from .gp.demo import GP_DEMO_STEPS
from .models import Case, ConsultantProfile, Organisation, Team
from .outreach.demo import OUTREACH_DEMO_STEPS
from .roles import Role

User = get_user_model()

DEMO_PASSWORD = "demo"

# Valid CVR numbers (checksum) of invented employers.
EMPLOYERS = [
    ("29189978", "", "Helsingør Kommune, Skolen ved Øresund", "Kongevejen 12, 3000 Helsingør"),
    ("29189978", "1003388457", "Helsingør Kommune, Plejecenter Bøgehøj", "Bøgevej 4, 3000 Helsingør"),
    ("13585628", "", "Nordlys Lager & Logistik A/S", "Industrivej 40, 6000 Kolding"),
    ("25313763", "", "Vestjysk Maskinfabrik ApS", "Fabriksvej 7, 6800 Varde"),
    ("10150817", "", "Åbyhøj Rengøring I/S", "Søndergade 3, 8230 Åbyhøj"),
]

EMPLOYEES = [
    ("0412781234", "Søren Østergård", "lærer"),
    ("1907854321", "Maja Kjær Sørensen", "social- og sundhedsassistent"),
    ("0203692468", "Jørgen Ærø", "lagermedarbejder"),
    ("2811901357", "Aase Bæk Løvgren", "pædagog"),
    ("1505734680", "Mikkel Ødegaard", "smed"),
    ("0709882222", "Fatma Yılmaz", "rengøringsassistent"),
    ("3112651111", "Henrik Bøgh Mølgaard", "truckfører"),
    ("1406993333", "Line Dam Åkesson", "sygeplejerske"),
    ("0101804444", "Peter Skærbæk", "chauffør"),
    ("2204965555", "Camilla Frølund", "kontorelev"),
    ("1710706666", "Ole Lykkegård", "pedel"),
    ("0808877777", "Sofie Dahl Østberg", "lærer"),
]


@dataclass
class DemoContext:
    users: dict[str, object] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(42))
    # Run by seed_demo after every app's steps (e.g. to make cases quiet after others touched them).
    finally_steps: list = field(default_factory=list)


def _user(username, first, last, *, roles, email=None, superuser=False):
    user = User.objects.create_user(
        username=username, password=DEMO_PASSWORD, first_name=first, last_name=last,
        email=email or f"{username}@kommune.example", is_staff=superuser, is_superuser=superuser,
    )
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def seed_people(ctx: DemoContext) -> None:
    ctx.users["konsulent"] = _user("konsulent", "Mette", "Jensen", roles=[Role.CONSULTANT])
    ctx.users["konsulent3"] = _user("konsulent3", "Fatima", "Ali", roles=[Role.CONSULTANT])
    ctx.users["konsulent2"] = _user("konsulent2", "Anders", "Holm", roles=[Role.CONSULTANT])
    ctx.users["teamleder"] = _user("teamleder", "Birgitte", "Larsen", roles=[Role.TEAM_LEAD])
    ctx.users["admin"] = _user("admin", "Ada", "Administrator", roles=[Role.ADMIN], superuser=True)
    nord = Team.objects.create(name="Nord")
    syd = Team.objects.create(name="Syd")
    nord.members.add(ctx.users["konsulent"], ctx.users["konsulent3"])
    nord.leads.add(ctx.users["teamleder"])
    syd.members.add(ctx.users["konsulent2"])
    ctx.teams.update(Nord=nord, Syd=syd)


def seed_cases(ctx: DemoContext) -> None:
    now = timezone.now()
    rng = ctx.rng
    sources = [s for s, _ in Case.Source.choices]
    outcomes = [o for o, _ in Case.Outcome.choices]
    for i, (cpr, name, job) in enumerate(EMPLOYEES):
        cvr, pnr, employer_name, address = EMPLOYERS[i % len(EMPLOYERS)]
        team = ctx.teams["Nord"] if i % 3 else ctx.teams["Syd"]
        consultant = None if i == 5 else (ctx.users["konsulent2"] if team.name == "Syd" else
                                          ctx.users["konsulent" if i % 2 else "konsulent3"])
        opened = now - timedelta(days=2 + i * 9, hours=rng.randint(0, 6))
        mental = i in (0, 3, 7)
        case = services.case_open(
            actor=consultant or ctx.users["teamleder"],
            employee=services.EmployeeData(cpr=cpr, name=name, job_title=job, phone=f"+45 2{i:01d} 4{i:01d} 1{i:01d} 0{i:01d}",
                                           email=f"{name.split()[0].lower()}@post.example"),
            employer=services.EmployerData(cvr=cvr, p_number=pnr, name=employer_name, address=address),
            contact=services.ContactData(name=["Lone Madsen", "Kurt Bønnelykke", "Hanne Ærenlund"][i % 3],
                                         role="leder", phone="+45 70 20 30 40", email="leder@arbejdsgiver.example"),
            team=team,
            consultant=consultant,
            source=sources[i % len(sources)],
            first_contact_at=opened,
            first_absence_day=timezone.localdate(opened) - timedelta(days=10 + i),
            functional_limitations="Kan ikke løfte over 10 kg; tåler ikke lange vagter." if i % 2 else "Nedsat koncentration; brug for ro.",
            health_note="Stress og søvnbesvær (egen læge)." if mental else "Diskusprolaps, venter på scanning.",
            screening=services.Screening(
                little_contact=i % 4 == 1, no_absence_talk=i % 5 == 2, job_health_mismatch=i % 6 == 3,
                mental_health=mental, note="Vurderet ved første telefonsamtale.",
            ) if i != 4 else None,
        )
        services.journal_add(
            case=case, actor=consultant or ctx.users["teamleder"], kind="phone_call",
            text=f"Telefonsamtale med {name.split()[0]}: gennemgik situationen og aftalte næste skridt.",
            occurred_at=opened + timedelta(hours=1),
        )
        if i >= 8:  # the oldest cases are closed, with a spread of outcomes
            services.case_close(
                case=case, actor=consultant or ctx.users["teamleder"], outcome=outcomes[i % len(outcomes)],
                closed_on=timezone.localdate() - timedelta(days=i), note="Afsluttet efter opfølgning.",
            )
        ctx.cases.append(case)


def _make_quiet(ctx: DemoContext) -> None:
    """Two open cases in Nord nobody has touched for 16+ days (the dashboard's "untouched" card): their
    whole history is moved back, so the timeline tells the same story as the card."""
    from .models import CaseEvent, JournalEntry

    old = Case.objects.filter(status=Case.Status.OPEN, team__name="Nord",
                              first_contact_at__lt=timezone.now() - timedelta(days=17)).order_by("first_contact_at")
    candidates = [case for case in old if not (hasattr(case, "meetings") and case.meetings.exists())][:2]
    for case in candidates:
        quiet_since = max(case.first_contact_at + timedelta(hours=2), timezone.now() - timedelta(days=16 + case.pk % 3))
        # What people did moves back; the system's own events (a breach found by the sweep) stay.
        for model, field_name, people in ((CaseEvent, "at", {"actor__isnull": False}), (JournalEntry, "occurred_at", {})):
            for row in model.objects.filter(case=case, **{f"{field_name}__gt": quiet_since}, **people):
                setattr(row, field_name, quiet_since - timedelta(minutes=row.pk % 60))
                row.save(update_fields=[field_name])
        Case.objects.filter(pk=case.pk).update(last_activity_at=quiet_since)


def seed_deadline_states(ctx: DemoContext) -> None:
    """Deadlines in every state the case page can show: paused, extended, recorded as met, an
    information form waiting, one due within hours. seed_demo runs the sweep at the end, which warns
    and breaches what is due, so the bell and the dashboard start with real notifications."""
    from . import deadlines
    from .models import Deadline

    now = timezone.now()
    open_cases = [case for case in ctx.cases if case.is_open]
    actor = ctx.users["konsulent"]

    paused = open_cases[1].deadlines.filter(kind="ordinary_follow_up", state=Deadline.State.OPEN).first()
    if paused:
        deadlines.deadline_pause(deadline=paused, actor=actor, reason="Venter på lægeerklæring fra egen læge.")
    extended = open_cases[2].deadlines.filter(kind="absence_conversation", state=Deadline.State.OPEN).first()
    if extended:
        deadlines.deadline_extend(deadline=extended, actor=actor, new_due_at=max(extended.due_at, now) + timedelta(days=7),
                                  reason="Lederen er på ferie; samtalen er aftalt til ugen efter.")
    met = open_cases[3].deadlines.filter(kind="absence_conversation").exclude(state=Deadline.State.MET).first()
    if met and met.is_unfinished:
        deadlines.deadline_record_met(deadline=met, actor=actor, at=max(met.start_at, now - timedelta(days=2)),
                                      note="Arbejdsgiveren holdt sygefraværssamtalen.")
    deadlines.information_form_sent(case=open_cases[1], actor=actor, sent_at=now - timedelta(days=6))

    # A call whose 48-hour clock is due within hours (the sweep warns its owner).
    soon = services.case_open(
        actor=actor,
        employee=services.EmployeeData(cpr="2302814567", name="Bente Søndergaard", job_title="kok",
                                       email="bente@post.example"),
        employer=services.EmployerData(cvr="13585628", name="Nordlys Lager & Logistik A/S", address="Industrivej 40, 6000 Kolding"),
        team=ctx.teams["Nord"], consultant=actor, source=Case.Source.PHONE_CALL,
        first_contact_at=now - timedelta(hours=2), first_absence_day=timezone.localdate() - timedelta(days=12),
        screening=services.Screening(no_absence_talk=True),
    )
    # Demo only: move its clock so it is due in three hours whatever the weekday the demo is loaded.
    soon.deadlines.filter(kind="first_meeting").update(due_at=now + timedelta(hours=3), next_check_at=now)
    ctx.cases.append(soon)
    ctx.finally_steps.append(_make_quiet)


DEMO_STEPS = [
    seed_people,
    seed_cases,
    seed_deadline_states,
]
DEMO_STEPS += DASHBOARD_DEMO_STEPS
DEMO_STEPS.append(seed_referrals)
DEMO_STEPS += OUTREACH_DEMO_STEPS

DEMO_STEPS += GP_DEMO_STEPS


def seed_organisation(ctx: DemoContext) -> None:
    """A demo municipality on every document and mail, and the consultants' direct phones (after the
    dashboard step has created their profiles)."""
    Organisation.objects.update_or_create(pk=1, defaults={
        "municipality": "Fjordby Kommune", "job_centre": "Jobcenter Fjordby",
        "address": "Havnegade 12, 7100 Fjordby", "phone": "70 10 20 30",
        "email": "jobcenter@fjordby.example", "web": "https://fjordby.example",
    })
    for username, phone in (("konsulent", "72 10 20 41"), ("konsulent3", "72 10 20 42"), ("konsulent2", "72 10 20 43")):
        ConsultantProfile.objects.update_or_create(user=ctx.users[username], defaults={"phone": phone})


DEMO_STEPS.append(seed_organisation)
DEMO_STEPS += ABSENCE_DEMO_STEPS  # after the organisation: the managers' mails name the job centre


def _comeback_steps():
    from .demo_comeback import COMEBACK_DEMO_STEPS

    return COMEBACK_DEMO_STEPS


DEMO_STEPS += _comeback_steps()


def demo_date(days_ago: int) -> date:
    return timezone.localdate() - timedelta(days=days_ago)


def demo_time(days_ahead: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days_ahead)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))

# The API: a demo HR system's token and a reporting token (fixed strings in demo mode only).
DEMO_STEPS.append(seed_api_tokens)
