"""A school with an attached consultant who has free time every weekday, and a booking link."""

from __future__ import annotations

from datetime import time

from cases.models import Employer
from cases.tests.factories import make_team, make_user
from roundtable.selfbooking import services


def school_with_link(*, slot_minutes: int = 60):
    team = make_team()
    consultant = make_user(team=team, first_name="Mette", last_name="Jensen")
    school = Employer.objects.create(cvr="29189978", p_number="", name="Skolen ved Øresund",
                                     address="Kongevejen 12, 3000 Helsingør")
    for weekday in range(7):  # closed days must drop Saturday and Sunday themselves
        services.rule_add(consultant=consultant, weekday=weekday, start_time=time(8, 0), end_time=time(16, 0),
                          slot_minutes=slot_minutes)
    link = services.link_create(actor=consultant, employer=school, contact_name="Lone Madsen",
                                contact_email="lone@skolen.example", contact_phone="40 11 22 33")
    return team, consultant, school, link


def details(name: str = "Søren Østergård", cpr: str = "") -> services.EmployeeDetails:
    return services.EmployeeDetails(name=name, phone="20 30 40 50", email="soren@post.example", cpr=cpr)
