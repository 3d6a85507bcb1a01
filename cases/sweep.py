"""The deadline sweep: warn before the due time, mark breaches, escalate to the team lead, and
remind once a working day while a deadline stays breached.

Cost follows the number of rows due: the sweep reads only rows whose `next_check_at` has come
(partial index). Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so two
workers split the work; every notification carries a unique key (deadline, kind, occurrence), so
even a row processed twice sends nothing twice. A crash mid-sweep rolls back the current batch,
which the next sweep picks up again.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import duetime
from .deadlines import work_calendar
from .models import Deadline, DeadlineEvent
from .notifications import notify

BATCH = 500


def _fmt(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _owner(deadline: Deadline):
    return deadline.owner or deadline.case.consultant


def _team_leads(deadline: Deadline):
    return list(deadline.case.team.leads.all())


def _message(deadline: Deadline, kind: str, occurrence: str = "") -> tuple[str, str]:
    case = deadline.case
    values = {"title": deadline.display_title, "ref": case.reference, "name": case.employee.name,
              "due": _fmt(deadline.due_at)}
    if kind == "warning":
        return (_("Deadline soon: %(title)s (%(ref)s)") % values,
                _("%(title)s for %(name)s (%(ref)s) is due %(due)s.") % values)
    if kind == "breach":
        return (_("Deadline overdue: %(title)s (%(ref)s)") % values,
                _("%(title)s for %(name)s (%(ref)s) was due %(due)s and has not been met.") % values)
    if kind == "escalation":
        return (_("Escalation: %(title)s overdue (%(ref)s)") % values,
                _("%(title)s for %(name)s (%(ref)s) was due %(due)s and is still not met.") % values)
    return (_("Reminder: %(title)s overdue (%(ref)s)") % values,
            _("%(title)s for %(name)s (%(ref)s) was due %(due)s. Reminder of %(day)s.") % {**values, "day": occurrence})


def _send(deadline: Deadline, recipients, kind: str, *, now: datetime, calendar, occurrence: str = "") -> None:
    title, body = _message(deadline, kind, occurrence)
    # In-app at once; the e-mail waits for working hours (never at night or at a weekend).
    email_after = duetime.next_working_time(now, calendar)
    url = reverse("cases:detail", args=[deadline.case.reference])
    for user in recipients:
        if user is None:
            continue
        notify(
            recipient=user, kind=f"deadline_{kind}", title=title, body=body, url=url, case=deadline.case,
            deadline=deadline, dedup_key=f"deadline:{deadline.pk}:{kind}:{occurrence}:{user.pk}",
            email_after=email_after,
        )


def _process(deadline: Deadline, now: datetime, calendar: duetime.WorkCalendar) -> None:
    """Do what is due for one claimed row and set the next time to look at it."""
    policy = deadline.policy
    events = []
    if deadline.state == Deadline.State.OPEN and now >= deadline.due_at:
        deadline.state = Deadline.State.BREACHED
        deadline.breached_at = deadline.due_at
        _send(deadline, [_owner(deadline)], "breach", now=now, calendar=calendar)
        events.append("breached")
        deadline.last_reminder_on = timezone.localdate(now)  # the breach message is today's reminder
        from .services import event_record

        event_record(case=deadline.case, actor=None, kind="deadline_breached",
                     summary=_("Deadline overdue: %(title)s (due %(due)s).") % {
                         "title": deadline.display_title, "due": _fmt(deadline.due_at)})
    elif deadline.state == Deadline.State.OPEN:
        if deadline.warned_at is None and now >= deadline.due_at - policy.warn_before:
            deadline.warned_at = now
            _send(deadline, [_owner(deadline)], "warning", now=now, calendar=calendar)
            events.append("warned")
        deadline.next_check_at = deadline.due_at
    if deadline.state == Deadline.State.BREACHED:
        escalate_at = duetime.next_working_time(deadline.breached_at + policy.escalate_after, calendar)
        if deadline.escalated_at is None and now >= escalate_at:
            deadline.escalated_at = now
            _send(deadline, _team_leads(deadline), "escalation", now=now, calendar=calendar)
            events.append("escalated")
        today = timezone.localdate(now)
        if duetime.is_working_time(now, calendar) and deadline.last_reminder_on != today:
            deadline.last_reminder_on = today
            _send(deadline, [_owner(deadline)], "reminder", now=now, calendar=calendar, occurrence=today.isoformat())
            events.append("reminded")
        # Next look: tomorrow's first working moment, or the escalation time if sooner.
        tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), time(8, 0)))
        next_reminder = duetime.next_working_time(tomorrow, calendar)
        if deadline.last_reminder_on != today:
            next_reminder = duetime.next_working_time(now, calendar)
        deadline.next_check_at = next_reminder if deadline.escalated_at else min(next_reminder, escalate_at)
    deadline.save(update_fields=["state", "breached_at", "warned_at", "escalated_at", "last_reminder_on",
                                 "next_check_at"])
    DeadlineEvent.objects.bulk_create([DeadlineEvent(deadline=deadline, at=now, kind=kind) for kind in events])


def _claim_batch(now: datetime, size: int) -> list[Deadline]:
    qs = Deadline.objects.filter(next_check_at__lte=now).order_by("next_check_at")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    # Only the due rows are read (index on next_check_at); the joins feed the messages.
    return list(qs.select_related("policy", "case", "case__employee", "case__consultant", "case__team", "owner")[:size])


def sweep_deadlines(*, now: datetime | None = None, batch: int = BATCH, max_batches: int = 1000) -> int:
    """Process every row that is due. Returns the number of rows processed."""
    now = now or timezone.now()
    calendar = work_calendar(years=range(timezone.localtime(now).year - 1, timezone.localtime(now).year + 2))
    processed = 0
    with override("da"):  # messages go out in the UI's default language
        for _batch in range(max_batches):
            with transaction.atomic():
                rows = _claim_batch(now, batch)
                for deadline in rows:
                    _process(deadline, now, calendar)
            processed += len(rows)
            if len(rows) < batch:
                break
    return processed
