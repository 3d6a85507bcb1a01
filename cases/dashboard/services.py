"""Team-lead actions from the dashboard."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import services
from ..models import Case
from .selectors import teams_led_by


@transaction.atomic
def cases_reassign_bulk(*, actor, cases: Iterable[Case], consultant, note: str = "") -> list[Case]:
    """Move several cases to one consultant: all or none. Each move is an event on its case and the
    new owner is notified (through `cases.services.case_reassign`)."""
    cases = list(cases)
    if not cases:
        raise ValidationError({"cases": _("Choose at least one case.")})
    led = set(teams_led_by(actor).values_list("pk", flat=True))
    moved = []
    for case in cases:
        if case.team_id not in led:
            raise ValidationError({"cases": _("You do not lead the team of case %(ref)s.") % {"ref": case.reference}})
        if not case.is_open:
            raise ValidationError({"cases": _("Case %(ref)s is closed.") % {"ref": case.reference}})
        try:
            moved.append(services.case_reassign(case=case, actor=actor, consultant=consultant, note=note))
        except ValidationError as error:
            raise ValidationError({"consultant": [
                _("Case %(ref)s: %(error)s") % {"ref": case.reference, "error": message} for message in error.messages
            ]}) from None
    return moved
