"""The bottom layer: the case timeline (CaseEvent) and the access log (AccessLog), with the two
functions that write them.

Every other module may import this one; it imports nothing of the app (import-linter keeps it so).
That is what lets the services, the deadline engine, the sweep, the notifications and every feature
record an event or a read without importing each other. The models are registered under
`cases.models` (re-exported there), so their tables and migrations are unchanged.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A CPR number written anywhere in a text: ten digits, optionally DDMMYY-SSSS or DDMMYY SSSS (also
# URL-encoded: + or %20, as in a logged query string), not part of a longer number.
_CPR_LIKE = re.compile(r"(?<!\d)(\d{6})(?:-|\s|\+|%20)?(\d{4})(?!\d)")


class CaseEvent(models.Model):
    """One row per change on a case: the timeline. Append-only."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    summary = models.CharField(_("summary"), max_length=500)

    class Meta:
        app_label = "cases"
        ordering = ["-at", "-id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class AccessLog(models.Model):
    """Who read what, when and why (GDPR art. 9 data; citizens may ask, CJEU C-579/21)."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed the case")
        REVEAL_CPR = "reveal_cpr", _("showed the full CPR number")
        SEARCH = "search", _("searched")
        EXPORT = "export", _("exported")
        DOWNLOAD = "download", _("downloaded a document")
        WRITE = "write", _("changed")
        INSIGHT_EXPORT = "insight_export", _("exported an access log for insight")
        REFUSED = "refused", _("call refused")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # A call through the API: the sending system's name (its token's name), kept as text so the row
    # still names the system after the token is revoked or renamed. Empty for a person's read.
    actor_system = models.CharField(_("system"), max_length=100, blank=True, default="")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="access_logs")
    employee = models.ForeignKey(
        "cases.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="access_logs"
    )
    # A fast-track referral read before it was matched to a person: the insight export finds the
    # row through the referral once the referral is linked to the citizen's case.
    referral = models.ForeignKey(
        "cases.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="access_logs"
    )
    # Never a CPR number: digits that look like one are masked before storing (see access_record).
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        app_label = "cases"
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["employee", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user or self.actor_system} {self.action}"


def access_record_people(*, user, action: str, purpose: str, subjects, detail: str = "") -> list[AccessLog]:
    """One access-log row per (employee, case) in `subjects`, in one INSERT: a list page that shows many
    people logs a read per person (the citizen's insight finds it) in a constant number of queries."""
    if not purpose or not str(purpose).strip():
        raise ValueError("Every access log row needs a purpose.")
    who = user if getattr(user, "is_authenticated", False) else None
    purpose, detail = mask_cpr_like(str(purpose))[:200], mask_cpr_like(detail)[:300]
    return AccessLog.objects.bulk_create([
        AccessLog(user=who, action=action, purpose=purpose, employee=employee, case=case, detail=detail)
        for employee, case in subjects])


def mask_cpr_like(text: str) -> str:
    """`0101801234` or `010180-1234` anywhere in the text becomes `010180-XXXX`."""
    return _CPR_LIKE.sub(lambda m: f"{m.group(1)}-XXXX", text or "")


def event_record(*, case, actor, kind: str, summary: str, at: datetime | None = None) -> CaseEvent:
    """Append a timeline event and move the case's last-activity time."""
    at = at or timezone.now()
    event = CaseEvent.objects.create(case=case, actor=actor, kind=kind, summary=summary[:500], at=at)
    type(case)._default_manager.filter(pk=case.pk).update(last_activity_at=at)
    case.last_activity_at = at
    return event


def access_record(
    *, user, action: str, purpose: str, case=None, employee=None, referral=None, detail: str = "",
    actor_system: str = "",
) -> AccessLog:
    """Log a read, search, export or download with its purpose.

    Views do not call this directly for reads: they open a case, meeting, referral or call through
    the door (`cases.access`), which checks visibility and calls this in the same step."""
    if not purpose or not str(purpose).strip():
        raise ValueError("Every access log row needs a purpose.")
    if case is not None and employee is None:
        employee = case.employee
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        actor_system=actor_system[:100],
        action=action,
        purpose=mask_cpr_like(str(purpose))[:200],  # a typed purpose may hold a CPR too
        case=case,
        employee=employee,
        referral=referral,
        detail=mask_cpr_like(detail)[:300],
    )


def access_record_many(*, actor_system: str, action: str, purpose: str, cases, detail: str = "") -> list[AccessLog]:
    """One row per case read by a system in one call (an API list): each citizen's insight export then
    names the system, the time and the purpose. One insert, whatever the number of cases."""
    if not purpose or not str(purpose).strip():
        raise ValueError("Every access log row needs a purpose.")
    purpose, detail = mask_cpr_like(str(purpose))[:200], mask_cpr_like(detail)[:300]
    return AccessLog.objects.bulk_create([
        AccessLog(actor_system=actor_system[:100], action=action, purpose=purpose, case=case,
                  employee_id=case.employee_id, detail=detail)
        for case in cases
    ])
