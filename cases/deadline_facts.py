"""Clocks follow the facts they start from.

Correcting a case's first contact, first absence day or fast-track request time recomputes the
unfinished clocks that start from it (a new occurrence, with a timeline event that says why); clocks
already met or cancelled are history and stay as they are. A date added later starts the clocks that
were waiting for it; a date removed cancels the clocks that ran from it.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines
from .models import Case, Deadline, DeadlinePolicy

Kind = DeadlinePolicy.Kind
Start = DeadlinePolicy.Start

# The case fact each policy start reads.
FACT_STARTS = {
    "first_contact_at": Start.FIRST_CONTACT,
    "first_absence_day": Start.FIRST_ABSENCE_DAY,
    "fast_track_request_at": Start.FAST_TRACK_REQUEST,
}
# Clocks the product starts by itself once the fact is known (as `deadlines_on_case_open` does).
STARTED_BY_FACT = {"first_absence_day": (Kind.ORDINARY_FOLLOW_UP, Kind.ABSENCE_CONVERSATION, Kind.REASSESSMENT)}


def _label(fact: str) -> str:
    return {
        "first_contact_at": _("the first contact"),
        "first_absence_day": _("the first absence day"),
        "fast_track_request_at": _("the fast-track request time"),
    }[fact]


def _show(value) -> str:
    if value is None:
        return _("none")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def fact_start(value: datetime | date) -> datetime:
    """A clock's start from a fact: a day starts at 00:00 local time."""
    if isinstance(value, datetime):
        return value
    return deadlines.start_of_day(value)


@transaction.atomic
def deadlines_follow_facts(*, case: Case, actor, changed: dict[str, tuple]) -> list[Deadline]:
    """Bring the case's clocks in line with corrected facts. `changed` maps a fact ("first_contact_at",
    "first_absence_day", "fast_track_request_at") to (old value, new value). Returns the clocks that
    were recomputed, started or cancelled. Call it in the transaction that stores the facts."""
    touched: list[Deadline] = []
    for fact, (old, new) in changed.items():
        if fact not in FACT_STARTS or old == new:
            continue
        kinds = list(DeadlinePolicy.objects.filter(starts_on=FACT_STARTS[fact]).values_list("kind", flat=True))
        running = list(case.deadlines.unfinished().filter(kind__in=kinds).order_by("pk"))
        if new is None:
            reason = _("%(fact)s was removed") % {"fact": _label(fact)}
            touched += [deadlines.deadline_cancel(deadline=d, actor=actor, reason=reason) for d in running]
            continue
        why = _("%(fact)s was changed from %(old)s to %(new)s") % {"fact": _label(fact), "old": _show(old), "new": _show(new)}
        start = fact_start(new)
        touched += [deadlines.deadline_reschedule(deadline=d, actor=actor, start=start, why=why) for d in running]
        if not case.is_open:
            continue
        for kind in STARTED_BY_FACT.get(fact, ()):
            # Waiting for the fact: never started, or cancelled when the fact was removed. A met clock is
            # history and is not started again.
            if not case.deadlines.filter(kind=kind).exclude(state=Deadline.State.CANCELLED).exists():
                opened = deadlines.deadline_open(case=case, kind=kind, start=start, actor=actor)
                if opened is not None:
                    touched.append(opened)
    return touched
