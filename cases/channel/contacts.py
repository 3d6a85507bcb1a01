"""Contact points: which phone numbers and addresses the job centre has verified with the citizen.

Only a verified contact point ever receives a one-time code. Details an employer typed are registered
as given by the employer and stay unverified until a consultant confirms them with the citizen.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Case, ContactPoint, Employee
from ..services import event_record

Kind = ContactPoint.Kind


def normalise_phone(value: str) -> str:
    """+45 and 8 digits for a Danish number; other countries with their code (+ or 00)."""
    digits = re.sub(r"[\s\-().]", "", value or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"\d{8}", digits):
        return "+45" + digits
    if re.fullmatch(r"\+\d{8,15}", digits):
        return digits
    raise ValidationError(_("Write a phone number with 8 digits, or with the country code (+45 …)."), code="phone")


def normalise_email(value: str) -> str:
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(_("Write a valid e-mail address."), code="email") from None
    return value


def normalise(kind: str, value: str) -> str:
    if kind == Kind.PHONE:
        return normalise_phone(value)
    if kind == Kind.EMAIL:
        return normalise_email(value)
    raise ValidationError(_("Choose a phone number or an e-mail address."), code="kind")


def verified_contact_points(employee: Employee):
    return employee.contact_points.filter(verified_at__isnull=False)


def contact_overview(employee: Employee) -> dict:
    """For the case page: the person's phone and e-mail on file, each with whether it is verified,
    plus every verified contact point."""
    points = list(employee.contact_points.select_related("verified_by"))
    by_value = {(p.kind, p.value): p for p in points}
    on_file = []
    for kind, raw in ((Kind.PHONE, employee.phone), (Kind.EMAIL, employee.email)):
        if not raw:
            continue
        try:
            point = by_value.get((kind, normalise(kind, raw)))
        except ValidationError:
            point = None
        on_file.append({"kind": kind, "label": Kind(kind).label, "value": raw, "point": point,
                        "verified": bool(point and point.is_verified)})
    return {"on_file": on_file, "verified": [p for p in points if p.is_verified]}


@transaction.atomic
def contact_point_verify(*, case: Case, actor, kind: str, value: str, method: str) -> ContactPoint:
    """The consultant has confirmed this phone number or address with the citizen. It becomes the
    person's phone/e-mail on file (the citizen said so), and one-time codes may go to it."""
    errors = {}
    try:
        value = normalise(kind, value)
    except ValidationError as error:
        errors["kind" if error.code == "kind" else "value"] = error
    if method not in ContactPoint.Method.values:
        errors["method"] = _("Say how you verified it with the citizen.")
    if errors:
        raise ValidationError(errors)
    employee = Employee.objects.select_for_update().get(pk=case.employee_id)
    point, _created = ContactPoint.objects.get_or_create(employee=employee, kind=kind, value=value)
    point.verified_at, point.verified_by, point.verified_how = timezone.now(), actor, method
    point.save(update_fields=["verified_at", "verified_by", "verified_how"])
    field = "phone" if kind == Kind.PHONE else "email"
    if getattr(employee, field) != value:
        setattr(employee, field, value)
        employee.save()
    event_record(case=case, actor=actor, kind="contact_verified", summary=_(
        "%(kind)s %(value)s verified with the citizen (%(how)s).") % {
            "kind": Kind(kind).label.capitalize(), "value": point.masked, "how": point.get_verified_how_display()})
    return point


@transaction.atomic
def contact_point_withdraw(*, case: Case, actor, point: ContactPoint) -> None:
    """No longer a safe way to reach the citizen (a new number, a shared phone ...)."""
    if point.employee_id != case.employee_id:
        raise ValidationError(_("This contact point belongs to another person."))
    ContactPoint.objects.filter(pk=point.pk).update(verified_at=None, verified_by=None, verified_how="")
    event_record(case=case, actor=actor, kind="contact_withdrawn", summary=_(
        "%(kind)s %(value)s is no longer verified.") % {"kind": point.get_kind_display().capitalize(), "value": point.masked})


def contact_points_from_employer(*, employee: Employee, phone: str = "", email: str = "") -> None:
    """Register details an employer typed as unverified (never changes a verified point)."""
    for kind, raw in ((Kind.PHONE, phone), (Kind.EMAIL, email)):
        if not raw:
            continue
        try:
            value = normalise(kind, raw)
        except ValidationError:
            continue  # the referral form validated it loosely; an odd value is simply not a contact point
        try:
            with transaction.atomic():
                ContactPoint.objects.get_or_create(employee=employee, kind=kind, value=value,
                                                   defaults={"source": ContactPoint.Source.EMPLOYER})
        except IntegrityError:  # registered meanwhile by someone else
            pass
