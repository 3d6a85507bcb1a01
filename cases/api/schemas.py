"""What the reporting endpoints send out: an allow-list per object, field by field.

Never a free text of the case file: no health details, screening notes, functions and limitations,
closing notes, journal, deadline titles or reasons, meeting notes, plans or places. The CPR number is
masked (DDMMYY-XXXX) unless the token has the scope reporting:cpr, which also gives the name.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from ..identifiers import mask_cpr
from ..models import Case, Deadline


class EmployerOut(Schema):
    cvr: str | None = Field(None, description="CVR number (8 digits)")
    p_number: str | None = Field(None, description="P-number of the workplace (10 digits)")
    name: str


class EmployeeOut(Schema):
    cpr: str | None = Field(None, description="DDMMYY-XXXX, or the full DDMMYY-SSSS with the scope reporting:cpr; "
                                              "null once the case is anonymised")
    name: str | None = Field(None, description="Only with the scope reporting:cpr; null once anonymised")


class CaseOut(Schema):
    reference: str
    status: str = Field(description="open | closed")
    source: str
    team: str
    consultant: str | None = Field(None, description="The consultant's user name")
    first_contact_at: datetime
    first_absence_day: date | None = None
    complexity: str = Field(description="unscreened | smooth | complex")
    outcome: str | None = None
    closed_on: date | None = None
    last_activity_at: datetime
    anonymised: bool
    employer: EmployerOut | None = None
    employee: EmployeeOut


class CasePage(Schema):
    count: int = Field(description="All cases matching the filters")
    items: list[CaseOut]


class DeadlineOut(Schema):
    id: int
    case: str = Field(description="The case's reference")
    kind: str
    state: str = Field(description="open | met | breached | cancelled | paused")
    start_at: datetime
    due_at: datetime
    met_at: datetime | None = None
    breached_at: datetime | None = None
    occurrence: int


class DeadlinePage(Schema):
    count: int
    items: list[DeadlineOut]


def case_out(case: Case, *, full_cpr: bool) -> dict:
    employee, employer = case.employee, case.employer
    if case.anonymised_at is not None:
        person = {"cpr": None, "name": None}
    elif full_cpr:
        person = {"cpr": f"{employee.cpr[:6]}-{employee.cpr[6:]}", "name": employee.name}
    else:
        person = {"cpr": mask_cpr(employee.cpr), "name": None}
    return {
        "reference": case.reference, "status": case.status, "source": case.source, "team": case.team.name,
        "consultant": case.consultant.get_username() if case.consultant else None,
        "first_contact_at": case.first_contact_at, "first_absence_day": case.first_absence_day,
        "complexity": case.complexity, "outcome": case.outcome or None, "closed_on": case.closed_on,
        "last_activity_at": case.last_activity_at, "anonymised": case.anonymised_at is not None,
        "employer": {"cvr": employer.cvr or None, "p_number": employer.p_number or None, "name": employer.name}
        if employer else None,
        "employee": person,
    }


def deadline_out(deadline: Deadline) -> dict:
    return {
        "id": deadline.pk, "case": deadline.case.reference, "kind": deadline.kind, "state": deadline.state,
        "start_at": deadline.start_at, "due_at": deadline.due_at, "met_at": deadline.met_at,
        "breached_at": deadline.breached_at, "occurrence": deadline.occurrence,
    }
