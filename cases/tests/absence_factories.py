"""Test data for early detection: a team, a CSV source, an employer with its manager, CSV text."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from cases.models import AbsenceSource, ContactPerson, Employer, Team
from cases.tests.factories import make_team, make_user

CVR = "29189978"  # valid check digit


@dataclass
class AbsenceWorld:
    team: Team
    source: AbsenceSource
    employer: Employer
    manager: ContactPerson
    consultant: object


def make_absence_world() -> AbsenceWorld:
    team = make_team("Fastholdelse Hjørring")
    consultant = make_user("anni", team=team, first_name="Anni", last_name="Storm", email="anni@hjoerring.example")
    source = AbsenceSource.objects.create(code="loen", name="Lønsystem", team=team)
    employer = Employer.objects.create(cvr=CVR, name="Hjørring Kommune, Ældreplejen")
    manager = ContactPerson.objects.create(employer=employer, name="Lene Leder", role="afdelingsleder",
                                           email="lene.leder@hjoerring.example")
    return AbsenceWorld(team, source, employer, manager, consultant)


def csv_line(cpr: str, first: date, last: date | None, *, cvr: str = CVR, name: str = "Jens Hansen",
             number: str = "") -> str:
    return ";".join([cvr, "", cpr, number, name, first.strftime("%d-%m-%Y"), last.strftime("%d-%m-%Y") if last else ""])


HEADER = "CVR;P-nummer;CPR;Ansættelsesnummer;Navn;Første fraværsdag;Sidste fraværsdag"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(("\n".join([HEADER, *lines]) + "\n").encode(encoding))
