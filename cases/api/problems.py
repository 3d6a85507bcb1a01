"""Errors of the API as application/problem+json (RFC 9457), in Danish and English.

Every refused or failed call answers with the same shape: `type` (a URN naming the problem), `title`
and `detail` in the negotiated language (Accept-Language: Danish unless English comes first), the same
two in both languages (`title_da`, `title_en`, `detail_da`, `detail_en`), `status`, and for a refused
body or query an `errors` list (field, code, message in both languages). The OpenAPI document lists
these responses on every operation (`PROBLEM_RESPONSES`), with the problem+json content type.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
LANGUAGES = ("da", "en")


class ProblemError(Schema):
    field: str
    code: str
    message: str
    message_da: str
    message_en: str


class Problem(Schema):
    type: str
    title: str
    title_da: str
    title_en: str
    status: int
    detail: str
    detail_da: str
    detail_en: str
    errors: list[ProblemError] = []


# Documented on every operation (each operation adds its own success response).
PROBLEM_STATUSES = (400, 401, 403, 404, 422, 429, 500)
PROBLEM_RESPONSES = {frozenset(PROBLEM_STATUSES): Problem}


@dataclass(frozen=True)
class Kind:
    slug: str
    status: int
    title: object  # a lazy translation
    detail: object


BAD_REQUEST = Kind("bad-request", 400, _("Bad request"), _("The request could not be read. Send JSON in UTF-8."))
CPR_IN_URL = Kind("cpr-in-url", 400, _("CPR number in the address"),
                  _("A CPR number is never accepted in an address or a query string. Send it in the body."))
UNAUTHORISED = Kind("unauthorised", 401, _("Missing or unknown token"),
                    _("Send the system's token as the header Authorization: Bearer <token>. "
                      "A revoked token is refused."))
FORBIDDEN = Kind("scope-missing", 403, _("The token does not allow this call"),
                 _("This call needs the scope %(scope)s. Ask the job centre's administrator."))
NOT_FOUND = Kind("not-found", 404, _("Not found"), _("There is nothing at this address."))
INVALID = Kind("invalid", 422, _("The request is not valid"), _("Correct the fields listed in errors and send again."))
RATE_LIMITED = Kind("rate-limited", 429, _("Too many requests"),
                    _("This system has made more calls this minute than its token allows. Wait and try again."))
REFERRALS_LIMITED = Kind("referral-rate-limited", 429, _("Too many referrals"),
                         _("Too many referrals from this system. Wait ten minutes and send again."))
SERVER_ERROR = Kind("server-error", 500, _("Internal error"),
                    _("Something went wrong on our side. The error is logged; try again later."))

BY_STATUS = {kind.status: kind for kind in (BAD_REQUEST, UNAUTHORISED, FORBIDDEN, NOT_FOUND, INVALID, RATE_LIMITED,
                                            SERVER_ERROR)}


@dataclass
class FieldError:
    field: str
    code: str
    message: object  # a lazy translation, or the text per language: {"da": ..., "en": ...}
    params: dict | None = None

    def texts(self) -> dict[str, str]:
        if isinstance(self.message, dict):
            return {language: str(self.message[language]) for language in LANGUAGES}
        return _texts(self.message, self.params)


class ApiProblem(Exception):
    """Raised anywhere under an operation; answered as problem+json."""

    def __init__(self, kind: Kind, *, errors: list[FieldError] | None = None, retry_after: int | None = None, **params):
        super().__init__(kind.slug)
        self.kind, self.errors, self.retry_after, self.params = kind, errors or [], retry_after, params


def negotiated_language(request: HttpRequest) -> str:
    """Danish unless the caller's Accept-Language puts English before Danish."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        primary = code.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return "da"


def _texts(message, params) -> dict[str, str]:
    texts = {}
    for language in LANGUAGES:
        with override(language):
            text = str(message)
            texts[language] = text % params if params else text
    return texts


def problem_response(request: HttpRequest, problem: ApiProblem) -> HttpResponse:
    language = negotiated_language(request)
    kind = problem.kind
    title, detail = _texts(kind.title, None), _texts(kind.detail, problem.params)
    errors = []
    for error in problem.errors:
        texts = error.texts()
        errors.append({"field": error.field, "code": error.code, "message": texts[language],
                       "message_da": texts["da"], "message_en": texts["en"]})
    body = {
        "type": f"urn:fastholdelse:problem:{kind.slug}", "title": title[language], "title_da": title["da"],
        "title_en": title["en"], "status": kind.status, "detail": detail[language], "detail_da": detail["da"],
        "detail_en": detail["en"], "errors": errors,
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=kind.status,
                            content_type=f"{CONTENT_TYPE}; charset=utf-8")
    response["Content-Language"] = language
    if problem.retry_after is not None:
        response["Retry-After"] = str(problem.retry_after)
    if kind.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fastholdelse"'
    refused = getattr(request, "api_refused", None)
    if refused is not None:
        try:
            refused(request, kind.status)
        except Exception:  # e.g. the database is what failed: the caller still gets its problem
            logger.exception("API: could not log the refused call %s %s", request.method, request.path)
    return response


# --- the handlers the composition root installs ----------------------------------------------------

# Pydantic's error types, in the words the forms use (Django's own catalogue has them in Danish).
REQUIRED = _("This field is required.")
INVALID_VALUE = _("Enter a valid value.")
PYDANTIC_MESSAGES = {
    "missing": REQUIRED,
    "json_invalid": _("Enter a valid JSON."),
    "greater_than_equal": _("Ensure this value is greater than or equal to %(limit_value)s."),
    "less_than_equal": _("Ensure this value is less than or equal to %(limit_value)s."),
    "greater_than": _("Ensure this value is greater than or equal to %(limit_value)s."),
    "less_than": _("Ensure this value is less than or equal to %(limit_value)s."),
    "date_from_datetime_parsing": _("Enter a valid date/time."),
    "datetime_from_date_parsing": _("Enter a valid date/time."),
    "datetime_parsing": _("Enter a valid date/time."),
    "datetime_type": _("Enter a valid date/time."),
}


def pydantic_errors(errors: list[dict]) -> list[FieldError]:
    found = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        name = ".".join(loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc)
        if name.startswith("payload."):
            name = name.split(".", 1)[1]
        kind = error.get("type", "value_error")
        ctx = error.get("ctx") or {}
        limit = ctx.get("ge", ctx.get("le", ctx.get("gt", ctx.get("lt"))))
        message = PYDANTIC_MESSAGES.get(kind, INVALID_VALUE)
        found.append(FieldError(name or "__all__", kind, message, {"limit_value": limit} if limit is not None else None))
    return found


def install(api) -> None:
    """Every error of every operation as problem+json."""

    def handle(kind: Kind):
        return lambda request, exc: problem_response(request, ApiProblem(kind))

    def http_error(request, exc: HttpError):
        return problem_response(request, ApiProblem(BY_STATUS.get(exc.status_code, BAD_REQUEST)))

    def validation_error(request, exc: ValidationError):
        return problem_response(request, ApiProblem(INVALID, errors=pydantic_errors(exc.errors)))

    def api_problem(request, exc: ApiProblem):
        return problem_response(request, exc)

    def server_error(request, exc: Exception):
        logger.exception("API call failed: %s %s", request.method, request.path)
        return problem_response(request, ApiProblem(SERVER_ERROR))

    api.add_exception_handler(ApiProblem, api_problem)
    api.add_exception_handler(AuthenticationError, handle(UNAUTHORISED))
    api.add_exception_handler(AuthorizationError, handle(FORBIDDEN))
    api.add_exception_handler(Http404, handle(NOT_FOUND))
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(Exception, server_error)


def problem_content_types(schema: dict) -> dict:
    """In the OpenAPI document, every 4xx/5xx response is application/problem+json."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in (operation.get("responses") or {}).items():
                content = response.get("content") or {}
                if str(status)[0] in "45" and "application/json" in content:
                    response["content"] = {CONTENT_TYPE: content["application/json"]}
    return schema
