"""Cases and clocks (deadlines) out, for the municipality's own reporting (scope reporting:read).

Each call is logged through the door (`cases.access`): one row per case returned, with the system as
the actor. Lists are paged (limit/offset) and cost a fixed number of queries whatever the page size.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field as QueryField
from ninja import Query, Router, Schema

from ..access import PURPOSE_REPORTING, case_for_system, cases_for_system, system_reads_cases
from ..models import Deadline, DeadlinePolicy
from .auth import Scope, SystemToken, may_see_cpr, system_of
from .problems import PROBLEM_RESPONSES
from .schemas import CaseOut, CasePage, DeadlinePage, case_out, deadline_out

router = Router(tags=["reporting"])
reporting = SystemToken(Scope.REPORTING_READ)

MAX_PAGE = 200
SCOPE_READ = "Scope: `reporting:read`. Logged per case."
SCOPE_CASES = "Scope: `reporting:read` (with `reporting:cpr`: the full CPR and the name)."


class Paging(Schema):
    limit: int = QueryField(50, ge=1, le=MAX_PAGE, description=f"At most {MAX_PAGE} rows a page")
    offset: int = QueryField(0, ge=0, le=1_000_000)


class CaseFilters(Paging):
    status: Literal["open", "closed"] | None = None
    changed_since: datetime | None = QueryField(None, description="Only cases with activity at or after this time")


class DeadlineFilters(Paging):
    state: Literal["open", "met", "breached", "cancelled", "paused"] | None = None
    kind: Literal[tuple(DeadlinePolicy.Kind.values)] | None = None  # type: ignore[valid-type]
    due_before: datetime | None = None
    due_after: datetime | None = None


def aware(moment: datetime | None) -> datetime | None:
    """A filter time in UTC: one sent without an offset is Danish local time. (Any offset Python accepts
    becomes UTC before it reaches the database: PostgreSQL refuses offsets beyond ±15:59.)"""
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # within a day of year 1 or 9999
        return (datetime.min if moment.year < 2 else datetime.max).replace(tzinfo=UTC)


def _detail(request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"API {request.path}" + (f"?{query}" if query else "")


@router.get("/cases", response={200: CasePage, **PROBLEM_RESPONSES}, auth=reporting, operation_id="cases_list",
            description=SCOPE_CASES + " Logged per case returned.", summary="Cases (no health text; CPR masked without reporting:cpr)")
def cases_list(request, filters: Query[CaseFilters]):
    cases = cases_for_system().order_by("pk")
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.changed_since:
        cases = cases.filter(last_activity_at__gte=aware(filters.changed_since))
    count = cases.count()
    page = list(cases[filters.offset:filters.offset + filters.limit])
    system_reads_cases(system=system_of(request), purpose=PURPOSE_REPORTING, cases=page, detail=_detail(request))
    full = may_see_cpr(request)
    return {"count": count, "items": [case_out(case, full_cpr=full) for case in page]}


@router.get("/cases/{reference}", response={200: CaseOut, **PROBLEM_RESPONSES}, auth=reporting,
            operation_id="case_detail", description=SCOPE_CASES + " Logged.", summary="One case by its reference")
def case_detail(request, reference: str):
    case = case_for_system(system=system_of(request), reference=reference[:20], purpose=PURPOSE_REPORTING,
                           detail=_detail(request))
    return case_out(case, full_cpr=may_see_cpr(request))


@router.get("/deadlines", response={200: DeadlinePage, **PROBLEM_RESPONSES}, auth=reporting,
            operation_id="deadlines_list", description=SCOPE_READ, summary="Clocks (deadlines) of the cases: kind, state and times")
def deadlines_list(request, filters: Query[DeadlineFilters]):
    deadlines = Deadline.objects.select_related("case").order_by("due_at", "pk")
    if filters.state:
        deadlines = deadlines.filter(state=filters.state)
    if filters.kind:
        deadlines = deadlines.filter(kind=filters.kind)
    if filters.due_before:
        deadlines = deadlines.filter(due_at__lt=aware(filters.due_before))
    if filters.due_after:
        deadlines = deadlines.filter(due_at__gte=aware(filters.due_after))
    count = deadlines.count()
    page = list(deadlines[filters.offset:filters.offset + filters.limit])
    system_reads_cases(system=system_of(request), purpose=PURPOSE_REPORTING,
                       cases=[d.case for d in page], detail=_detail(request))
    return {"count": count, "items": [deadline_out(deadline) for deadline in page]}
