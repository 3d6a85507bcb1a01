"""Absence spells in, from the payroll/HR system (scope absence:write), for Hjørring's early detection.

The same service as the browser's CSV import (`absence.ingest.spells_ingest`): idempotent (the same
spell twice is one spell; a corrected last day updates it), nothing lost on a bad line (the good lines
are stored, each bad line comes back with its number and a Danish message, never a CPR), and the alert
rules evaluated after the import. Each sending system has its own absence source, made on its first
call (its alerts go to that source's team, set in the admin)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.text import slugify
from ninja import Field, Router, Schema

from ..absence.ingest import ingest_result_as_dict, spells_ingest_mappings
from ..access import system_read_record
from ..audit import AccessLog
from ..models import AbsenceSource, ApiToken
from .auth import PURPOSES, Scope, SystemToken, system_of
from .problems import PROBLEM_RESPONSES

router = Router(tags=["absence"])

MAX_SPELLS = 5000

DESCRIPTION = f"""Scope: `absence:write`. Up to {MAX_SPELLS} spells a call. The employee is a CPR number or an
employment number the mapping table resolves; an unknown employer (CVR, P-number) is refused for that line.
Idempotent: the same spell twice is one spell, and a corrected last day updates it. Good lines are stored
even when others are refused: each refused line comes back in `errors` with its number (1 = the first
spell) and a Danish message. The alert rules (N days in a row, K spells within M months) run after the
import. Logged as a write with the system as the actor."""


class SpellIn(Schema):
    cvr: str = Field(description="The employer's CVR number (8 digits)", max_length=8)
    p_number: str = Field("", description="The workplace's P-number (10 digits), if any", max_length=10)
    cpr: str = Field("", description="The employee's CPR number (or give employment_number)", max_length=11)
    employment_number: str = Field("", description="The employee's number in the payroll system", max_length=40)
    name: str = Field("", description="The employee's name", max_length=200)
    first_day: date = Field(description="First day of sickness")
    last_day: date | None = Field(None, description="Last day of sickness; empty while the spell is ongoing")


class SpellsIn(Schema):
    spells: list[SpellIn] = Field(description=f"1 to {MAX_SPELLS} spells", min_length=1, max_length=MAX_SPELLS)


class LineError(Schema):
    line: int | None = Field(description="The spell's number in the request (1 = the first)")
    message: str = Field(description="What is wrong, in Danish")


class SpellsResult(Schema):
    import_id: int | None
    lines: int
    created: int
    updated: int
    unchanged: int
    failed: int
    errors: list[LineError]


def source_for(token: ApiToken) -> AbsenceSource:
    """The sending system's own absence source (made on its first call; the admin sets its team)."""
    source, _created = AbsenceSource.objects.get_or_create(
        code=f"api-{token.pk}", defaults={"name": f"API: {token.name}"[:100] or slugify(token.name)})
    return source


@router.post("/absence-spells", response={200: SpellsResult, **PROBLEM_RESPONSES}, auth=SystemToken(Scope.ABSENCE_WRITE),
             operation_id="absence_spells_create", description=DESCRIPTION, summary="Send absence spells")
def absence_spells_create(request: HttpRequest, payload: SpellsIn):
    items = [spell.dict() for spell in payload.spells]
    for item in items:
        item["first_day"] = item["first_day"].isoformat()
        item["last_day"] = item["last_day"].isoformat() if item["last_day"] else None
    result = spells_ingest_mappings(items=items, source=source_for(request.auth), filename=f"api:{request.auth.name}")
    body = ingest_result_as_dict(result)
    system_read_record(system=system_of(request), purpose=PURPOSES[Scope.ABSENCE_WRITE], action=AccessLog.Action.WRITE,
                       detail=f"API POST {request.path}: {body['lines']} spells, {body['created']} new, "
                              f"{body['updated']} updated, {body['failed']} refused")
    return body
