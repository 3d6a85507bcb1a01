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

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import duetime
from .deadlines import work_calendar
from .models import CaseEvent, Deadline, DeadlineEvent
from .notifications import Draft, notify_bulk

BATCH = 500


def _fmt(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _owner(deadline: Deadline):
    return deadline.owner or deadline.case.consultant





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


class _Batch:
    """What processing a batch of rows writes: collected, then written in a few bulk queries."""

    def __init__(self):
        self.drafts: list[Draft] = []
        self.case_events: list[CaseEvent] = []
        self.deadline_events: list[DeadlineEvent] = []
        self._leads: dict[int, list] = {}

    def team_leads(self, deadline: Deadline) -> list:
        team_id = deadline.case.team_id
        if team_id not in self._leads:
            self._leads[team_id] = list(get_user_model().objects.filter(led_teams__id=team_id).only("id", "email"))
        return self._leads[team_id]

    def send(self, deadline: Deadline, recipients, kind: str, *, now: datetime, email_after: datetime,
             occurrence: str = "") -> None:
        title, body = _message(deadline, kind, occurrence)
        url = reverse("cases:detail", args=[deadline.case.reference])
        for user in recipients:
            if user is not None:
                self.drafts.append(Draft(
                    recipient=user, kind=f"deadline_{kind}", title=title, body=body, url=url, case=deadline.case,
                    deadline=deadline, dedup_key=f"deadline:{deadline.pk}:{kind}:{occurrence}:{user.pk}",
                    email_after=email_after,
                ))

    def write(self, rows: list[Deadline]) -> None:
        _save_sweep_fields(rows)
        DeadlineEvent.objects.bulk_create(self.deadline_events)
        # System events on the timeline; they do not count as a consultant touching the case.
        CaseEvent.objects.bulk_create(self.case_events)
        notify_bulk(self.drafts)


SWEEP_FIELDS = ("state", "breached_at", "warned_at", "escalated_at", "last_reminder_on", "next_check_at")
PG_CASTS = {"state": "text", "breached_at": "timestamptz", "warned_at": "timestamptz", "escalated_at": "timestamptz",
            "last_reminder_on": "date", "next_check_at": "timestamptz"}


def _save_sweep_fields(rows: list[Deadline]) -> None:
    """Write the sweep's fields of a batch in one statement (PostgreSQL: UPDATE ... FROM VALUES) or one
    prepared statement run per row (SQLite, in-process). Django's bulk_update builds a CASE per field
    and row, which costs more than the rest of the sweep together."""
    if not rows:
        return
    fields = [Deadline._meta.get_field(name) for name in SWEEP_FIELDS]
    values = [[field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields] + [row.pk]
              for row in rows]
    table = Deadline._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            assignments = ", ".join(f"{name} = v.{name}::{PG_CASTS[name]}" for name in SWEEP_FIELDS)
            execute_values(
                cursor.cursor,
                f"UPDATE {table} AS d SET {assignments} FROM (VALUES %s) AS v({', '.join(SWEEP_FIELDS)}, id) "
                f"WHERE d.id = v.id",
                values, page_size=1000,
            )
        else:
            assignments = ", ".join(f"{name} = %s" for name in SWEEP_FIELDS)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", values)


def _process(deadline: Deadline, now: datetime, calendar: duetime.WorkCalendar, batch: _Batch) -> None:
    """Decide what is due for one claimed row and set the next time to look at it."""
    policy = deadline.policy
    # In-app at once; the e-mail waits for working hours (never at night or at a weekend).
    email_after = duetime.next_working_time(now, calendar)
    events = []
    if deadline.state == Deadline.State.OPEN and now >= deadline.due_at:
        deadline.state = Deadline.State.BREACHED
        deadline.breached_at = deadline.due_at
        batch.send(deadline, [_owner(deadline)], "breach", now=now, email_after=email_after)
        events.append("breached")
        deadline.last_reminder_on = timezone.localdate(now)  # the breach message is today's reminder
        batch.case_events.append(CaseEvent(
            case=deadline.case, actor=None, kind="deadline_breached", at=now,
            summary=(_("Deadline overdue: %(title)s (due %(due)s).") % {
                "title": deadline.display_title, "due": _fmt(deadline.due_at)})[:500],
        ))
    elif deadline.state == Deadline.State.OPEN:
        if deadline.warned_at is None and now >= deadline.due_at - policy.warn_before:
            deadline.warned_at = now
            batch.send(deadline, [_owner(deadline)], "warning", now=now, email_after=email_after)
            events.append("warned")
        deadline.next_check_at = deadline.due_at
    if deadline.state == Deadline.State.BREACHED:
        escalate_at = duetime.next_working_time(deadline.breached_at + policy.escalate_after, calendar)
        if deadline.escalated_at is None and now >= escalate_at:
            deadline.escalated_at = now
            batch.send(deadline, batch.team_leads(deadline), "escalation", now=now, email_after=email_after)
            events.append("escalated")
        today = timezone.localdate(now)
        if duetime.is_working_time(now, calendar) and deadline.last_reminder_on != today:
            deadline.last_reminder_on = today
            batch.send(deadline, [_owner(deadline)], "reminder", now=now, email_after=email_after,
                       occurrence=today.isoformat())
            events.append("reminded")
        # Next look: tomorrow's first working moment, or the escalation time if sooner.
        tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), time(8, 0)))
        next_reminder = duetime.next_working_time(tomorrow, calendar)
        if deadline.last_reminder_on != today:
            next_reminder = duetime.next_working_time(now, calendar)
        deadline.next_check_at = next_reminder if deadline.escalated_at else min(next_reminder, escalate_at)
    batch.deadline_events += [DeadlineEvent(deadline=deadline, at=now, kind=kind) for kind in events]


def _claim_batch(now: datetime, size: int) -> list[Deadline]:
    qs = Deadline.objects.filter(next_check_at__lte=now).order_by("next_check_at")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    # Only the due rows are read (index on next_check_at); the joins feed the messages.
    qs = qs.select_related("policy", "case", "case__employee", "case__consultant", "owner").only(
        # Only what the messages need: the case's text and health fields stay in the database.
        "id", "kind", "title", "due_at", "state", "warned_at", "breached_at", "escalated_at", "last_reminder_on",
        "next_check_at", "owner__id", "owner__email", "policy__warn_before", "policy__escalate_after",
        "case__id", "case__reference", "case__team_id", "case__employee__name", "case__consultant__id",
        "case__consultant__email",
    )
    return list(qs[:size])


def sweep_deadlines(*, now: datetime | None = None, batch: int = BATCH, max_batches: int = 1000) -> int:
    """Process every row that is due. Returns the number of rows processed."""
    now = now or timezone.now()
    calendar = work_calendar(years=range(timezone.localtime(now).year - 1, timezone.localtime(now).year + 2))
    processed = 0
    with override("da"):  # messages go out in the UI's default language
        for _batch in range(max_batches):
            with transaction.atomic():
                rows = _claim_batch(now, batch)
                work = _Batch()
                for deadline in rows:
                    _process(deadline, now, calendar, work)
                work.write(rows)
            processed += len(rows)
            if len(rows) < batch:
                break
    return processed
