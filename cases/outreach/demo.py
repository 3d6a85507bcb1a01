"""Demo data for employer outreach: a week of Kolding-style visits and calls (Mette on target, Fatima
below), a Stevns leader-group meeting at a school, a Vordingborg company-network meeting, and a postcard
campaign last month after which one workplace sent a fast-track request."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ..employers import EmployerData, employer_for_case
from ..models import ConsultantProfile, ContactPerson
from .counting import monday_of
from .services import ActivityData, activity_save

WORKPLACES = [
    ("10000009", "Kolding Maskinfabrik A/S"), ("10000017", "Fjordby Tømrer og Snedker ApS"),
    ("10000025", "Bageriet Solsikken"), ("10000033", "Stevns Skole"), ("10000041", "Rødvig Plejehjem"),
    ("10000068", "Vordingborg Transport ApS"), ("10000076", "Præstø Auto"), ("10000084", "Møns Rengøring ApS"),
    ("10000092", "Køge Bugt Logistik"), ("10000106", "Fjordby Boligselskab"), ("10000114", "Havnens Fiskeeksport"),
    ("10000122", "Grønt Fællesskab – Gartneriet"), ("10000130", "Fjordby Efterskole"),
    ("10000149", "Kongsted Vinduer A/S"), ("10000157", "Tandklinikken Torvet"),
]


def seed_outreach(ctx) -> None:
    team = ctx.teams["Nord"]
    mette, fatima = ctx.users["konsulent"], ctx.users["konsulent3"]
    places = [employer_for_case(data=EmployerData(cvr=cvr, name=name)) for cvr, name in WORKPLACES]
    nordlys = employer_for_case(data=EmployerData(cvr="13585628", name="Nordlys Lager & Logistik A/S"))
    school_leader = ContactPerson.objects.create(employer=places[3], name="Hans Stevns", role="Skoleleder",
                                                 email="skoleleder@stevns-skole.example")
    ConsultantProfile.objects.filter(user=fatima).update(outreach_weekly_target=8)
    today = timezone.localdate()
    week = monday_of(today)

    def save(consultant, workplaces, day, kind, presented, **extra):
        activity_save(ActivityData(kind=kind, held_on=min(day, today), consultant=consultant, team=team,
                                   workplaces=workplaces, presented=presented, **extra), actor=consultant)

    # Last month: Kolding's postcard campaign to ten workplaces; Nordlys Lager sent a request afterwards.
    save(mette, places[:8] + [nordlys], today - timedelta(days=35), "campaign",
         "Postkort: Ring til fastholdelsestelefonen tidligt i et sygeforløb – vi kan hjælpe inden for 48 timer.")
    # This week: Mette visits ten workplaces, one of them new (on target); Fatima reaches four.
    for place in places[:9]:
        save(mette, [place], week, "visit", "Fast track og rundbordssamtalen inden for 48 timer.")
    save(mette, [places[12]], week, "phone", "Første kontakt: tilbud om et kort oplæg for lederne.",
         follow_up="Oplæg for ledergruppen", follow_up_on=today + timedelta(days=14))
    save(fatima, [places[3]], week, "leader_group",
         "Oplæg i Stevns Skoles ledergruppe: den tidlige sygefraværssamtale og hvornår jobcentret kan hjælpe.",
         contacts=[school_leader], met="Skoleleder, to afdelingsledere og TR",
         follow_up="Skolen sender datoer for et opfølgende møde", follow_up_on=today + timedelta(days=21))
    save(fatima, places[5:8] + [places[13]], week, "network",
         "Vordingborg virksomhedsnetværk: erfaringer med delvis raskmelding.",
         met="Fem virksomheder fra netværket")


OUTREACH_DEMO_STEPS = [seed_outreach]
