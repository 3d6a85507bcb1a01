"""The consultant's own follow-up tasks ("huskelapp", after NAV's caseworkers): a reason and a date on
a case, kept as a clock of the deadline engine, so it warns, breaches and shows like every other clock."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import deadlines
from .models import Case, Deadline, DeadlinePolicy

User = get_user_model()
KIND = DeadlinePolicy.Kind.FOLLOW_UP_TASK
# A task "for Wednesday" is due at the end of that working day, as an agreement item is.
DUE_TIME = time(16, 0)


class Reason(models.TextChoices):
    CONTACT_EMPLOYEE = "contact_employee", gettext_lazy("Contact the employee")
    CONTACT_EMPLOYER = "contact_employer", gettext_lazy("Contact the employer")
    CONTACT_GP = "contact_gp", gettext_lazy("Contact the GP")
    AWAIT_CERTIFICATE = "await_certificate", gettext_lazy("Await a certificate")
    OTHER = "other", gettext_lazy("Other")


def task_title(*, reason: str, note: str = "") -> str:
    label = str(Reason(reason).label)
    note = note.strip()
    return f"{label}: {note}" if note else label


def followup_task_set(*, case: Case, actor: User, reason: str, due_on: date, note: str = "") -> Deadline:
    """Start the consultant's own clock on the case, due at 16:00 on the chosen day, owned by them."""
    if not case.is_open:
        raise ValidationError(_("The case is closed."))
    if reason not in Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The date cannot be in the past.")})
    due_at = timezone.make_aware(datetime.combine(due_on, DUE_TIME))
    deadline = deadlines.deadline_open(case=case, kind=KIND, start=min(timezone.now(), due_at), actor=actor,
                                       title=task_title(reason=reason, note=note), due_at=due_at, owner=actor)
    if deadline is None:
        raise ValidationError(_("Follow-up tasks are switched off by the administrator."))
    return deadline


def followup_task_done(*, deadline: Deadline, actor: User, note: str = "") -> Deadline:
    """The task is done now: the existing record-met path of the deadline engine."""
    if deadline.kind != KIND:
        raise ValidationError(_("Only a follow-up task can be marked as done here."))
    return deadlines.deadline_record_met(deadline=deadline, actor=actor, at=timezone.now(),
                                         note=note or _("done"))
