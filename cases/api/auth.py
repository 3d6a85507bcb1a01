"""Who is calling: a bearer token per sending system, with scopes.

`SystemToken(scope)` is the auth of an operation: the token must be live (not revoked) and carry the
scope. Before the scope it guards the address (no CPR in a path or query string) and counts the call
against the token's rate limit. Every call it lets through, and every call it refuses once the system
is known, is written to the access log with the system as the actor (`log_refused`).

A new endpoint uses it as `auth=SystemToken(ApiToken.Scope.X)` and finds its caller with `system_of(request)`.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from ..access import PURPOSE_API_REFERRAL, PURPOSE_REPORTING, system_read_record
from ..audit import AccessLog
from ..identifiers import looks_like_cpr
from ..models import ApiToken
from . import problems, ratelimit

Scope = ApiToken.Scope

# The purpose written to the access log for a call under each scope (Danish: the citizen reads it).
PURPOSES = {
    Scope.REFERRALS_WRITE: PURPOSE_API_REFERRAL,
    Scope.ABSENCE_WRITE: "fraværsperioder fra arbejdsgiverens system",
    Scope.REPORTING_READ: PURPOSE_REPORTING,
    Scope.REPORTING_CPR: PURPOSE_REPORTING,
}


def _cpr_in_address(request: HttpRequest) -> bool:
    parts = [part for part in request.path.split("/") if part]
    values = [value for key in request.GET for value in request.GET.getlist(key)]
    return any(looks_like_cpr(value) for value in [*parts, *values, *request.GET.keys()])


def log_refused(request: HttpRequest, status: int) -> None:
    """A refused call of a known system (403, 404, 422, 429...): one row, no subject."""
    system_read_record(system=request.api_token.name, purpose=request.api_purpose, action=AccessLog.Action.REFUSED,
                       detail=f"{status} {request.method} {request.path}")


class SystemToken(HttpBearer):
    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest):
        if _cpr_in_address(request):  # before anything else, and never echoed
            raise problems.ApiProblem(problems.CPR_IN_URL)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = ApiToken.find(token.strip())
        if api_token is None:
            return None  # 401
        request.api_token, request.api_purpose = api_token, PURPOSES[self.scope]
        request.api_refused = log_refused
        allowed, retry_after = ratelimit.hit(api_token.pk, api_token.rate_limit_per_minute)
        if not allowed:
            raise problems.ApiProblem(problems.RATE_LIMITED, retry_after=retry_after)
        if not api_token.allows(self.scope):
            raise problems.ApiProblem(problems.FORBIDDEN, scope=self.scope)
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return api_token


def system_of(request: HttpRequest) -> str:
    """The calling system's name: the actor of its access-log rows."""
    return request.auth.name


def may_see_cpr(request: HttpRequest) -> bool:
    return request.auth.allows(Scope.REPORTING_CPR)
