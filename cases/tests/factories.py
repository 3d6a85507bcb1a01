"""Test data through the real services, so tests exercise the same paths as the app."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cases import services
from cases.models import Case, Team
from cases.roles import Role

User = get_user_model()
_seq = itertools.count(1)


def make_team(name: str | None = None) -> Team:
    return Team.objects.create(name=name or f"Team {next(_seq)}")


def make_user(username: str | None = None, *, role: str = Role.CONSULTANT, team: Team | None = None, lead: bool = False, **extra):
    user = User.objects.create_user(
        username=username or f"user{next(_seq)}", password="demo-Password-1", first_name=extra.pop("first_name", "Test"),
        last_name=extra.pop("last_name", "Bruger"), email=extra.pop("email", f"u{next(_seq)}@kommune.example"), **extra,
    )
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if team is not None:
        (team.leads if lead else team.members).add(user)
    return user


def next_cpr() -> str:
    n = next(_seq)
    day = 1 + n % 28
    month = 1 + (n // 28) % 12
    return f"{day:02d}{month:02d}80{1000 + n % 8000:04d}"


def make_case(*, team: Team, consultant=None, actor=None, cpr: str | None = None, name: str = "Søren Østergård",
              source: str = Case.Source.PHONE_CALL, **kwargs) -> Case:
    actor = actor or consultant or make_user(team=team)
    return services.case_open(
        actor=actor,
        employee=services.EmployeeData(cpr=cpr or next_cpr(), name=name, email="soren@post.example"),
        employer=kwargs.pop("employer", services.EmployerData(cvr="29189978", name="Skolen ved Øresund")),
        team=team,
        consultant=consultant,
        source=source,
        first_absence_day=kwargs.pop("first_absence_day", timezone.localdate() - timedelta(days=10)),
        **kwargs,
    )


def make_referral(team: Team, *, cpr: str, **fields):
    """A fast-track referral as the employer's public form submits it, waiting for the team; `fields`
    override the form's values."""
    from cases.fasttrack import services as fasttrack

    today = timezone.localdate()
    return fasttrack.referral_submit(data={
        "cvr": "13585628", "p_number": "", "employer_name": "Nordlys Lager & Logistik A/S",
        "employer_address": "Industrivej 40, 6000 Kolding", "contact_name": "Hanne Ærenlund", "contact_role": "HR",
        "contact_phone": "+45 70 20 30 40", "contact_email": "hanne@nordlys.example", "employee_name": "Kim Lager",
        "employee_cpr": cpr, "employee_email": "", "employee_phone": "", "job_title": "lagermedarbejder",
        "first_absence_day": today - timedelta(weeks=3), "expected_over_8_weeks": True,
        "affected_functions": "Løft.", "affected_duration": "Tre uger.", "work_adapted": "Nej.",
        "absence_conversation_held": False, "absence_conversation_on": None, "possibility_statement": False,
        "adjustments_tried": "", "employee_told": True, "meeting_wishes": "", **fields,
    })
