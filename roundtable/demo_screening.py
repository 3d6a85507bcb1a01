"""Demo: Lyngby-Taarbæk's week-6 screening this week. Sickness periods from payroll put six people in sick
week 5-7 (the information meeting's attendance); Mette has marked four of them (three in the target group)
and booked their start conversations in one go; two are not yet marked, one of them with an open demo case."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from cases.demo import DemoContext
from cases.infomeeting.selectors import monday_of, screening_rows
from cases.infomeeting.services import mark_save
from cases.models import AbsenceSource, AbsenceSpell, Employee, Employer, ScreeningMark

from .models import Meeting
from .services.screening import StartPlan, start_conversations_book

Reason = ScreeningMark.Reason

# (CPR, name, job, days sick before this week's Monday, mark: None | (in target group, reasons, note))
PEOPLE = [
    ("1203884518", "Rasmus Holm Vestergaard", "sagsbehandler", 38,
     (True, [Reason.STRESS, Reason.WORK_RELATED], "Mange sager i afdelingen siden foråret.")),
    ("2507794622", "Birgitte Lunde", "laborant", 30, (True, [Reason.ANXIETY], "")),
    ("0911915736", "Ahmed Rahimi", "buschauffør", 46,
     (False, [], "Knæoperation; forventer at vende tilbage efter genoptræning.")),
    ("1704687820", "Karen Mølby", "bibliotekar", 41, (True, [Reason.DEPRESSION], "Vil gerne tale om nedsat tid.")),
    ("3010827924", "Jonas Friis", "tømrer", 33, None),
]


def seed_screening(ctx: DemoContext) -> None:
    mette = ctx.users["konsulent"]
    monday = monday_of(timezone.localdate())
    source, _new = AbsenceSource.objects.get_or_create(code="lyngby-loen", defaults={"name": "Lønsystem (Lyngby)"})
    employer, _new = Employer.objects.get_or_create(cvr="31000009", p_number="", defaults={
        "name": "Lyngby-Taarbæk Kommune, Rådhuset", "address": "Lyngby Torv 17, 2800 Kongens Lyngby"})
    for cpr, name, job, days, _mark in PEOPLE:
        employee, _new = Employee.objects.get_or_create(cpr=cpr, defaults={
            "name": name, "job_title": job, "email": f"{name.split()[0].lower()}@post.example"})
        AbsenceSpell.objects.get_or_create(employee=employee, employer=employer, first_day=monday - timedelta(days=days),
                                           defaults={"source": source})
    # One of the demo's own cases whose first absence day puts it in sick week 5-7 is on the list too, with
    # payroll spells from that same day (so early detection leaves the case's clocks alone): the list links it.
    candidates = [case for case in ctx.cases if case.is_open and case.employer_id and case.first_absence_day]
    in_weeks = [case for case in candidates if 5 <= (monday - case.first_absence_day).days // 7 + 1 <= 7]
    if in_weeks:
        case = in_weeks[0]
        AbsenceSpell.objects.get_or_create(employee=case.employee, employer=case.employer,
                                           first_day=case.first_absence_day, defaults={"source": source})
    elif candidates:  # a spell in week 6; the case then follows its spells (early detection)
        case = candidates[0]
        AbsenceSpell.objects.get_or_create(employee=case.employee, employer=case.employer,
                                           first_day=monday - timedelta(days=36), defaults={"source": source})
    rows = {row.employee.cpr: row for row in screening_rows(monday)}
    for cpr, _name, _job, _days, mark in PEOPLE:
        if mark is not None and cpr in rows:
            target, reasons, note = mark
            mark_save(row=rows[cpr], actor=mette, in_target_group=target, reasons=list(reasons), note=note)
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start_conversations_book(monday=monday, actor=mette, accept_late=True, plan=StartPlan(
        first_at=timezone.make_aware(datetime.combine(day, time(9, 0))), duration_minutes=45, gap_minutes=15,
        place_kind=Meeting.PlaceKind.JOB_CENTRE, place="Jobcentret, Lyngby Hovedgade 28, mødelokale 2"))
