"""Employers as master data: found by CVR (and P-number for the workplace), never renamed by a case
form; an explicit edit keeps the history (`EmployerChange`). An employer typed on the phone without a
CVR is kept as typed and marked "CVR mangler" until someone completes it."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .identifiers import normalise_digits, validate_cvr, validate_p_number
from .models import Employer, EmployerChange

User = get_user_model()


@dataclass
class EmployerData:
    cvr: str
    name: str
    address: str = ""
    p_number: str = ""


# --- reads ---------------------------------------------------------------------------------------


def employer_lookup(*, cvr: str, p_number: str = "") -> Employer | None:
    """The known workplace for a CVR: the one with this P-number, else the CVR's main row (no P-number),
    else its first workplace. None for an unknown CVR."""
    cvr, p_number = normalise_digits(cvr), normalise_digits(p_number)
    if not cvr:
        return None
    rows = list(Employer.objects.filter(cvr=cvr).order_by("p_number", "pk"))
    if p_number:
        return next((row for row in rows if row.p_number == p_number), None)
    return rows[0] if rows else None


def workplaces_of(*, cvr: str) -> QuerySet[Employer]:
    return Employer.objects.filter(cvr=normalise_digits(cvr)).exclude(p_number="").order_by("p_number")


# --- writes --------------------------------------------------------------------------------------


def _change(employer: Employer, *, actor, summary: str, changes: dict | None = None) -> None:
    EmployerChange.objects.create(employer=employer, actor=actor, summary=summary[:300], changes=changes or {})


@transaction.atomic
def employer_for_case(*, data: EmployerData, actor=None) -> Employer:
    """The employer a case (or a call, or a referral) names. A known CVR (and P-number) returns the
    stored employer unchanged: what was typed never renames it. An unknown one is created. Without a CVR
    the employer is kept as typed and marked "CVR mangler" (one row per name, so a second call about the
    same firm finds it)."""
    name, address = data.name.strip(), data.address.strip()
    if not data.cvr.strip():
        if not name:
            raise ValidationError({"employer_name": _("Give the employer's name.")})
        found = Employer.objects.filter(cvr="", name__iexact=name).order_by("pk").first()
        if found is not None:
            return found
        employer = Employer.objects.create(cvr="", p_number="", name=name, address=address)
        _change(employer, actor=actor, summary=_("Created without a CVR number (CVR missing)."))
        return employer
    cvr, p_number = validate_cvr(data.cvr), validate_p_number(data.p_number)
    found = Employer.objects.filter(cvr=cvr, p_number=p_number).first()
    if found is not None:
        return found
    if not name:
        # A new workplace of a known CVR inherits the firm's name.
        main = employer_lookup(cvr=cvr)
        name = main.name if main else ""
    if not name:
        raise ValidationError({"employer_name": _("Give the employer's name.")})
    employer = Employer.objects.create(cvr=cvr, p_number=p_number, name=name, address=address)
    _change(employer, actor=actor, summary=_("Created from CVR %(cvr)s.") % {"cvr": cvr})
    return employer


@transaction.atomic
def employer_update(*, employer: Employer, actor: User, name: str, address: str, cvr: str, p_number: str) -> Employer:
    """The explicit edit of an employer's master data (every case using it shows the new values).
    Each changed field is kept in the history with its old and new value."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    errors = {}
    name, address = name.strip(), address.strip()
    if not name:
        errors["name"] = _("Give the employer's name.")
    try:
        cvr = validate_cvr(cvr) if cvr.strip() else ""
    except ValidationError as error:
        errors["cvr"] = error.messages
    try:
        p_number = validate_p_number(p_number)
    except ValidationError as error:
        errors["p_number"] = error.messages
    if not errors and employer.cvr and not cvr:
        errors["cvr"] = _("A CVR number cannot be removed, only corrected.")
    if not errors and cvr and Employer.objects.filter(cvr=cvr, p_number=p_number).exclude(pk=employer.pk).exists():
        errors["cvr"] = _("Another employer already has this CVR and P-number.")
    if errors:
        raise ValidationError(errors)
    new = {"name": name, "address": address, "cvr": cvr, "p_number": p_number}
    changes = {field: [getattr(employer, field), value] for field, value in new.items() if getattr(employer, field) != value}
    if not changes:
        return employer
    for field, (_old, value) in changes.items():
        setattr(employer, field, value)
    employer.save(update_fields=list(changes))
    labels = {"name": _("name"), "address": _("address"), "cvr": _("CVR number"), "p_number": _("P-number")}
    summary = "; ".join(
        _("%(field)s: “%(old)s” → “%(new)s”") % {"field": labels[field], "old": old or "–", "new": value or "–"}
        for field, (old, value) in changes.items()
    )
    _change(employer, actor=actor, summary=summary, changes=changes)
    return employer
