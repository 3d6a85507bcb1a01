"""Registering an outreach activity. Thin views call these; the rules live here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..employers import EmployerData, employer_for_case
from ..models import ContactPerson, Employer, OutreachActivity, Team


@dataclass
class NewContact:
    name: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class ActivityData:
    kind: str
    held_on: date
    consultant: object
    team: Team
    workplaces: list[Employer] = field(default_factory=list)
    contacts: list[ContactPerson] = field(default_factory=list)
    met: str = ""
    presented: str = ""
    follow_up: str = ""
    follow_up_on: date | None = None
    new_workplace: EmployerData | None = None
    new_contact: NewContact | None = None


def _check(data: ActivityData) -> None:
    errors = {}
    if data.held_on > timezone.localdate():
        errors["held_on"] = _("The date cannot be in the future: register the activity when it has taken place.")
    if not data.workplaces and data.new_workplace is None:
        errors["workplaces"] = _("Choose at least one workplace, or add a new one below.")
    if data.follow_up_on and data.follow_up_on < data.held_on:
        errors["follow_up_on"] = _("The follow-up date cannot be before the activity.")
    if data.new_contact and data.new_contact.name and not (data.workplaces or data.new_workplace):
        errors["new_contact_name"] = _("A contact person belongs to a workplace: choose or add the workplace.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_save(data: ActivityData, *, actor, activity: OutreachActivity | None = None) -> OutreachActivity:
    """Create (or, with `activity`, correct) an activity. A new workplace is created through the employer
    master data (CVR-checked); a new contact person is added to the first workplace."""
    _check(data)
    workplaces = list(data.workplaces)
    if data.new_workplace is not None:
        try:
            created = employer_for_case(data=data.new_workplace, actor=actor)
        except ValidationError as error:
            raise ValidationError({f"new_{key}": value for key, value in error.message_dict.items()}) from None
        if created not in workplaces:
            workplaces.append(created)
    contacts = list(data.contacts)
    if data.new_contact and data.new_contact.name.strip():
        contacts.append(ContactPerson.objects.create(
            employer=workplaces[0], name=data.new_contact.name.strip(), role=data.new_contact.role.strip(),
            phone=data.new_contact.phone.strip(), email=data.new_contact.email.strip(),
        ))
    values = {
        "kind": data.kind, "held_on": data.held_on, "consultant": data.consultant, "team": data.team,
        "met": data.met.strip(), "presented": data.presented.strip(), "follow_up": data.follow_up.strip(),
        "follow_up_on": data.follow_up_on,
    }
    if activity is None:
        activity = OutreachActivity.objects.create(created_by=actor, **values)
    else:
        for name, value in values.items():
            setattr(activity, name, value)
        activity.save()
    activity.workplaces.set(workplaces)
    activity.contacts.set(contacts)
    return activity
