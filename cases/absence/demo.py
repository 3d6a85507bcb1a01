"""Demo data for early detection (Hjørring's week-1 alert): a payroll CSV source with its column mapping,
spells for several employees of the municipality's own workplaces (imported through the same service as
an upload, one line refused), and alerts in every state: open, turned into a case, closed with a reason."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ..models import AbsenceAlert, AbsenceSettings, AbsenceSource, ContactPerson, Employer, Team
from . import alerts
from .ingest import RowError, SpellInput, spells_ingest

CVR = "29189854"  # Fjordby Kommune (invented; valid check digit)
WORKPLACES = [
    ("1017223344", "Fjordby Kommune, Ældreplejen Nord", "Hanne Krogh", "hanne.krogh@fjordby.example"),
    ("1017223345", "Fjordby Kommune, Børnehuset Solsikken", "Torben Lund", "torben.lund@fjordby.example"),
]
# cpr, name, workplace index, spells as (days ago first day, days ago last day or None)
PEOPLE = [
    ("1203854411", "Kirsten Bach", 0, [(9, None)]),  # 9 days in a row: open alert
    ("0511794412", "Rasmus Friis", 0, [(70, 69), (41, 40), (6, 5)]),  # 3 short absences in 3 months: open
    ("2309884413", "Nadia Hussein", 1, [(12, None)]),  # alert turned into a case
    ("1402905414", "Jonas Vestergaard", 1, [(11, 3)]),  # alert closed: back at work, manager contacted
    ("3006725415", "Bente Holm", 0, [(3, None)]),  # 3 days: no alert yet
    ("0807935416", "Ali Demir", 1, [(40, 36), (20, 18)]),  # two short absences: no alert
]


def seed_absence(ctx) -> None:
    team = ctx.teams.get("Nord") or Team.objects.order_by("pk").first()
    settings = AbsenceSettings.current()
    settings.team = team
    settings.save()
    source = AbsenceSource.objects.create(
        code="loen-hr", name="Løn- og HR-system (CSV-udtræk)", team=team, delimiter=";", encoding="utf-8-sig",
        date_format="%d-%m-%Y", col_cvr="CVR", col_p_number="P-nummer", col_cpr="CPR",
        col_employment_number="Ansættelsesnummer", col_name="Navn", col_first_day="Første fraværsdag",
        col_last_day="Sidste fraværsdag")
    for p_number, name, manager, email in WORKPLACES:
        employer = Employer.objects.create(cvr=CVR, p_number=p_number, name=name, address="Rådhustorvet 1, 9800 Fjordby")
        ContactPerson.objects.create(employer=employer, name=manager, role="afdelingsleder", email=email,
                                     phone="+45 72 33 60 00")
    today = timezone.localdate()
    rows: list = []
    for cpr, name, workplace, spells in PEOPLE:
        for first, last in spells:
            rows.append(SpellInput(cvr=CVR, p_number=WORKPLACES[workplace][0], cpr=cpr, name=name,
                                   employment_number=f"7{cpr[-4:]}", first_day=today - timedelta(days=first),
                                   last_day=None if last is None else today - timedelta(days=last), line=len(rows) + 2))
    rows.append(RowError(len(rows) + 2, "CPR: Et CPR-nummer har 10 cifre og skrives DDMMÅÅ-XXXX."))
    spells_ingest(rows=rows, source=source, actor=ctx.users.get("konsulent"), filename="fravaer-uge.csv")

    consultant = ctx.users.get("konsulent")
    by_name = {a.employee.name: a for a in AbsenceAlert.objects.select_related("employee")}
    if "Nadia Hussein" in by_name:
        alerts.alert_open_case(alert=by_name["Nadia Hussein"], actor=consultant)
    if "Jonas Vestergaard" in by_name:
        alerts.alert_close(alert=by_name["Jonas Vestergaard"], actor=consultant, reason="contacted",
                           note="Talt med Torben Lund: medarbejderen er tilbage på fuld tid.")


ABSENCE_DEMO_STEPS = [seed_absence]
