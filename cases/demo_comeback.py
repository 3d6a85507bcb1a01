"""Demo: Come-back's aftercare and a relapse (cases/aftercare.py).

Rikke's case closed as retained five weeks ago with aftercare: the 2-week check-in is done, the 6-week one
is due in a week, the 12-week one later. Kasper's case closed as retained seven weeks ago; his 2-week
check-in is done, then he relapsed: a new case linked to the earlier course (the results page counts it).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from . import aftercare, services

# Two of the demo's employers (cases/demo.py EMPLOYERS), by CVR: the same firms, found again.
EMPLOYERS = [
    ("29189978", "", "Helsingør Kommune, Skolen ved Øresund", "Kongevejen 12, 3000 Helsingør"),
    ("13585628", "", "Nordlys Lager & Logistik A/S", "Industrivej 40, 6000 Kolding"),
]


def _case(ctx, *, cpr, name, job, opened_days_ago, screening, employer_index):
    cvr, pnr, employer_name, address = EMPLOYERS[employer_index]
    mette = ctx.users["konsulent"]
    opened = timezone.now() - timedelta(days=opened_days_ago)
    case = services.case_open(
        actor=mette, team=ctx.teams["Nord"], consultant=mette, source="information_form", first_contact_at=opened,
        employee=services.EmployeeData(cpr=cpr, name=name, job_title=job, email=f"{name.split()[0].lower()}@post.example"),
        employer=services.EmployerData(cvr=cvr, p_number=pnr, name=employer_name, address=address),
        first_absence_day=timezone.localdate(opened) - timedelta(days=12),
        functional_limitations="Kortere dage i en periode; faste pauser.",
        health_note="Stress efter omstrukturering (egen læge).", screening=screening,
    )
    services.journal_add(case=case, actor=mette, kind="phone_call", occurred_at=opened + timedelta(hours=2),
                         text=f"Telefonsamtale med {name.split()[0]} dagen efter overdragelsen.")
    return case


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed_aftercare(ctx) -> None:
    mette = ctx.users["konsulent"]
    today = timezone.localdate()

    rikke = _case(ctx, cpr="1203884821", name="Rikke Holm Jessen", job="pædagog", opened_days_ago=110,
                  screening=services.Screening(no_absence_talk=True, mental_health=True,
                                               note="Vil selv fortælle lederen om stressen."), employer_index=0)
    services.case_close(case=rikke, actor=mette, outcome="retained_adjusted", closed_on=today - timedelta(weeks=5),
                        note="Tilbage på fuld tid med faste pauser og færre vagter.")
    first, _second, _third = aftercare.aftercare_plan(case=rikke, actor=mette)
    aftercare.aftercare_check_in(deadline=first, actor=mette, at=_at(rikke.closed_on + timedelta(weeks=2, days=-1)),
                                 text="Telefonopfølgning: god start, pauserne bliver holdt. Aftalt næste opfølgning.")

    kasper = _case(ctx, cpr="2709915512", name="Kasper Nørgaard", job="lagerforvalter", opened_days_ago=130,
                   screening=services.Screening(little_contact=True), employer_index=1)
    services.case_close(case=kasper, actor=mette, outcome="retained", closed_on=today - timedelta(weeks=7),
                        note="Fastholdt i samme job efter delvis raskmelding.")
    first = aftercare.aftercare_plan(case=kasper, actor=mette)[0]
    aftercare.aftercare_check_in(deadline=first, actor=mette, at=_at(kasper.closed_on + timedelta(weeks=2)),
                                 text="Opfølgning på lageret: går fint, men travlt i højsæsonen.")
    relapse = aftercare.relapse_open(case=kasper, actor=mette, first_absence_day=today - timedelta(days=3),
                                     reason="Sygemeldt igen med rygsmerter efter højsæsonen.")
    ctx.cases += [rikke, kasper, relapse]


COMEBACK_DEMO_STEPS = [seed_aftercare]
