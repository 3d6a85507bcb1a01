"""Fast-track referrals in, from an employer's HR system (scope referrals:write).

One validation for both channels: the body is bound to the public form's own `ReferralForm` (CVR
checksum, CPR format and birth date, dates not in the future, e-mail or phone for the employee...) and
stored by the same service (`fasttrack.services.referral_submit`: receipt, employee link and the team's
notification in one transaction). The same rate rule applies: at most FASTTRACK_RATE_LIMIT stored
referrals per 10-minute window, counted per sending system instead of per address.

The request schema is made from the form's fields, so the OpenAPI document states the form's own
limits (required fields, lengths, formats) and cannot drift from it. Pydantic checks only the JSON
types; every other rule is the form's, with the form's messages in Danish and English.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import override
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict, create_model

from ..access import PURPOSE_API_REFERRAL, system_read_record
from ..audit import AccessLog
from ..fasttrack import ratelimit, services
from ..fasttrack.forms import ReferralForm
from .auth import Scope, SystemToken, system_of
from .problems import INVALID, LANGUAGES, PROBLEM_RESPONSES, REFERRALS_LIMITED, ApiProblem, FieldError

router = Router(tags=["referrals"])

REFERRAL_DESCRIPTION = """Scope: `referrals:write`. Validated by the public fast-track form itself (CVR checksum, CPR
format and birth date, dates not in the future, the employee's e-mail or phone...); the errors are the form's, in Danish
and English. At most FASTTRACK_RATE_LIMIT stored referrals per 10 minutes per sending system (429 beyond). Logged as a
write with the system as the actor."""


def _schema_field(name: str, form_field: forms.Field):
    with override("en"):
        description = str(form_field.label or name)
        if form_field.help_text:
            description += f" ({form_field.help_text})"
    if isinstance(form_field, forms.TypedChoiceField):  # the yes/no questions
        return bool | None, Field(None, description=description)
    extra: dict = {}
    if isinstance(form_field, forms.DateField):
        extra["format"] = "date"
    elif isinstance(form_field, forms.EmailField):
        extra["format"] = "email"
    if getattr(form_field, "max_length", None):
        extra["maxLength"] = form_field.max_length
    return str, Field("", description=description, json_schema_extra=extra)


def _referral_schema() -> type[Schema]:
    form_fields, names = ReferralForm.base_fields, ReferralForm.Meta.fields
    required = [name for name in names if form_fields[name].required]

    def mark_required(schema: dict) -> None:  # documented as the form requires them; the form checks
        schema["required"] = required

    class Base(Schema):
        model_config = ConfigDict(json_schema_extra=mark_required)

    return create_model("ReferralIn", __base__=Base, **{name: _schema_field(name, form_fields[name]) for name in names})


ReferralIn = _referral_schema()


class ReferralReceipt(Schema):
    reference: str = Field(description="The referral's reference number, e.g. FT-2026-00042")
    received_at: datetime
    status_url: str = Field(description="The employer's status page (a signed link): the contact person follows "
                                        "the referral there")


def form_data(payload: dict) -> dict:
    """JSON values as the form's POST would carry them."""
    data = {}
    for name, value in payload.items():
        if isinstance(value, bool):
            data[name] = "True" if value else "False"
        else:
            data[name] = "" if value is None else value
    return data


def form_errors(data: dict) -> list[FieldError]:
    """The form's errors, in Danish and in English (validated once per language)."""
    by_language = {}
    for language in LANGUAGES:
        with override(language):
            form = ReferralForm(data)
            form.is_valid()
            by_language[language] = form.errors.get_json_data()
    errors = []
    for name, items in by_language["da"].items():
        english = by_language["en"].get(name, [])
        for index, item in enumerate(items):
            en = english[index]["message"] if index < len(english) else item["message"]
            errors.append(FieldError(name, item["code"] or "invalid", {"da": item["message"], "en": en}))
    return errors


@router.post("/referrals", response={201: ReferralReceipt, **PROBLEM_RESPONSES}, auth=SystemToken(Scope.REFERRALS_WRITE),
             operation_id="referral_create", description=REFERRAL_DESCRIPTION, summary="Send a fast-track referral (the STAR template)")
def referral_create(request: HttpRequest, payload: ReferralIn):
    system = system_of(request)
    client = f"api:{request.auth.pk}"
    if ratelimit.limit_reached(request, client=client):
        raise ApiProblem(REFERRALS_LIMITED, retry_after=ratelimit.seconds_left())
    data = form_data(payload.dict())
    with override("da"):
        form = ReferralForm(data)
        valid = form.is_valid()
    if not valid:
        raise ApiProblem(INVALID, errors=form_errors(data))
    try:
        with transaction.atomic(), override("da"):  # the referral and its access-log row together
            referral = services.referral_submit(data=form.referral_data())
            system_read_record(system=system, purpose=PURPOSE_API_REFERRAL, action=AccessLog.Action.WRITE,
                               referral=referral, detail=f"API POST {request.path}: {referral.reference}")
    except ValidationError as error:  # e.g. no team set up to receive referrals (raised in Danish)
        raise ApiProblem(INVALID, errors=[FieldError("__all__", "invalid", {"da": message, "en": message})
                                          for message in error.messages]) from None
    ratelimit.count_accepted(request, client=client)
    return Status(201, {"reference": referral.reference, "received_at": referral.received_at,
                 "status_url": services.status_url(referral)})
