"""The deadline sweep: warn before the due time, mark breaches, escalate to the team lead, and
remind once a working day while a deadline stays breached.

Cost follows the number of rows due: the sweep reads only rows whose `next_check_at` has come
(partial index). Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so two
workers split the work; every notification carries a unique key (deadline, occurrence, kind, day,
recipient), so even a row processed twice sends nothing twice. The transitions themselves are the state
machine's (`cases.clock.tick`).

One bad row never stops enforcement: a row that raises is recorded with its error
(`Deadline.sweep_error`), pushed back with a back-off and skipped; every other due row is processed.
Each completed run is recorded (`SweepRun`) for /healthz.
"""

from __future__ import annotations

import logging
import time as time_module
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import clock, duetime
from .deadlines import work_calendar
from .models import CaseEvent, Deadline, DeadlineEvent, SweepRun
from .notifications import Draft, notify_bulk

logger = logging.getLogger(__name__)
BATCH = 500
SWEEP_NAME = "deadlines"


def _fmt(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


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
    """What processing a batch of rows writes, per row: collected first (no database writes while
    deciding), then written in a few bulk queries, or row by row when the bulk write fails."""

    def __init__(self, leads: dict[int, list], calendar: duetime.WorkCalendar):
        self.leads, self.calendar = leads, calendar
        self.work: dict[int, tuple[Deadline, clock.Effects]] = {}

    def team_leads(self, deadline: Deadline) -> list:
        return self.leads.get(deadline.case.team_id, [])

    def owners(self, deadline: Deadline) -> list:
        """Who hears about the deadline: its owner, else the case's consultant, else (nobody owns the case,
        or the owner's account is closed) the team's leads."""
        for person in (deadline.owner, deadline.case.consultant):
            if person is not None and person.is_active:
                return [person]
        return self.team_leads(deadline)

    def drafts(self, deadline: Deadline, effects: clock.Effects, email_after: datetime) -> list[Draft]:
        url = reverse("cases:detail", args=[deadline.case.reference])
        drafts = []
        for notice in effects.notices:
            title, body = _message(deadline, notice.kind, notice.day)
            for user in notice.recipients:
                drafts.append(Draft(
                    recipient=user, kind=f"deadline_{notice.kind}", title=title, body=body, url=url, case=deadline.case,
                    deadline=deadline, occurrence=deadline.occurrence, email_after=email_after,
                    dedup_key=f"deadline:{deadline.pk}:{deadline.occurrence}:{notice.kind}:{notice.day}:{user.pk}",
                ))
        return drafts

    def write(self, ids: list[int], now: datetime) -> None:
        rows = [self.work[pk][0] for pk in ids]
        email_after = duetime.next_working_time(now, self.calendar)
        drafts, events, timeline = [], [], []
        for pk in ids:
            deadline, effects = self.work[pk]
            drafts += self.drafts(deadline, effects, email_after)
            events += [DeadlineEvent(deadline=deadline, at=at, kind=kind, note=note, occurrence=deadline.occurrence)
                       for kind, at, note in effects.events]
            # System events on the timeline; they do not count as a consultant touching the case.
            timeline += [CaseEvent(case=deadline.case, actor=None, kind=kind, at=at, summary=summary[:500])
                         for kind, at, summary in effects.timeline]
        _save_sweep_fields(rows)
        DeadlineEvent.objects.bulk_create(events)
        CaseEvent.objects.bulk_create(timeline)
        notify_bulk(drafts)


SWEEP_FIELDS = ("state", "breached_at", "warned_at", "escalated_at", "last_reminder_on", "next_check_at",
                "sweep_failures", "sweep_error", "sweep_failed_at")
PG_CASTS = {"state": "text", "breached_at": "timestamptz", "warned_at": "timestamptz", "escalated_at": "timestamptz",
            "last_reminder_on": "date", "next_check_at": "timestamptz", "sweep_failures": "smallint",
            "sweep_error": "text", "sweep_failed_at": "timestamptz"}


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


def _claim_batch(now: datetime, size: int) -> list[Deadline]:
    qs = Deadline.objects.filter(next_check_at__lte=now).order_by("next_check_at")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    # Only the due rows are read (index on next_check_at); the joins feed the messages.
    qs = qs.select_related("policy", "case", "case__employee", "case__consultant", "owner").only(
        # Only what the messages need: the case's text and health fields stay in the database.
        "id", "kind", "title", "due_at", "state", "warned_at", "breached_at", "escalated_at", "last_reminder_on",
        "next_check_at", "occurrence", "sweep_failures", "sweep_error", "sweep_failed_at",
        "owner__id", "owner__email", "owner__is_active", "case__consultant__is_active", "policy__warn_before", "policy__escalate_after",
        "case__id", "case__reference", "case__team_id", "case__employee__name", "case__consultant__id",
        "case__consultant__email",
    )
    return list(qs[:size])


def _backoff(failures: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure in a row, at most an hour: a broken row is retried without
    heading every sweep."""
    return min(timedelta(minutes=2 ** min(failures - 1, 6)), timedelta(hours=1))


def _record_failures(failed: dict[int, Exception], now: datetime) -> None:
    """Write down why each failing row failed and push it back; the rest of the batch goes on."""
    for pk, error in failed.items():
        logger.error("Deadline %s could not be swept: %r", pk, error, exc_info=error)
        current = Deadline.objects.filter(pk=pk).values_list("sweep_failures", flat=True).first() or 0
        Deadline.objects.filter(pk=pk).update(
            sweep_failures=current + 1, sweep_failed_at=now, next_check_at=now + _backoff(current + 1),
            sweep_error=f"{type(error).__name__}: {error}"[:500],
        )


def _sweep_batch(rows: list[Deadline], now: datetime, calendar: duetime.WorkCalendar) -> dict[int, Exception]:
    """Decide every row, then write. A row that raises while deciding is left out; if the bulk write
    fails, each row is written in its own savepoint so only the bad one is lost. Returns the failures."""
    team_ids = {row.case.team_id for row in rows}
    leads: dict[int, list] = {}
    for user in get_user_model().objects.filter(led_teams__id__in=team_ids, is_active=True).only("id", "email").annotate(
            team_id=F("led_teams__id")):
        leads.setdefault(user.team_id, []).append(user)
    work = _Batch(leads, calendar)
    failed: dict[int, Exception] = {}
    for deadline in rows:
        try:
            effects = clock.tick(deadline, policy=deadline.policy, now=now, calendar=calendar,
                                 owners=work.owners, leads=work.team_leads)
            if deadline.sweep_failures:  # processed again: the failure is over
                deadline.sweep_failures, deadline.sweep_error, deadline.sweep_failed_at = 0, "", None
            work.work[deadline.pk] = (deadline, effects)
        except Exception as error:  # one bad row must never stop enforcement for every other
            failed[deadline.pk] = error
    ids = list(work.work)
    try:
        with transaction.atomic():
            work.write(ids, now)
    except Exception:
        for pk in ids:
            try:
                with transaction.atomic():
                    work.write([pk], now)
            except Exception as error:
                failed[pk] = error
    return failed


FAILING_TEAMS_KEY = "deadlines:failing-teams"


def _publish_failing_teams() -> None:
    """Tell the team overviews which teams have rows the sweep cannot process (shared cache), so the
    overview asks the database only when there is something to show. A cache that is down costs the
    overview its notice, never the sweep its run; the admin and /healthz still list the rows."""
    teams = sorted(set(Deadline.objects.filter(sweep_failures__gt=0).values_list("case__team_id", flat=True)))
    try:
        cache.set(FAILING_TEAMS_KEY, teams, timeout=None)
    except Exception:
        logger.warning("Could not publish the teams with failing deadlines.", exc_info=True)


def failing_teams() -> set[int]:
    try:
        return set(cache.get(FAILING_TEAMS_KEY) or ())
    except Exception:
        return set()


def sweep_deadlines(*, now: datetime | None = None, batch: int = BATCH, max_batches: int = 1000) -> int:
    """Process every row that is due. Returns the number of rows processed (failed rows included: they
    are recorded with their error and pushed back). Records the completed run for /healthz."""
    started = time_module.monotonic()
    now = now or timezone.now()
    calendar = work_calendar(years=range(timezone.localtime(now).year - 1, timezone.localtime(now).year + 2))
    processed = failures = 0
    with override("da"):  # messages go out in the UI's default language
        for _batch in range(max_batches):
            with transaction.atomic():
                rows = _claim_batch(now, batch)
                failed = _sweep_batch(rows, now, calendar)
                _record_failures(failed, now)
            processed += len(rows)
            failures += len(failed)
            if len(rows) < batch:
                break
    _publish_failing_teams()
    SweepRun.objects.update_or_create(name=SWEEP_NAME, defaults={
        "started_at": now, "finished_at": timezone.now(), "processed": processed, "failed": failures,
        "duration_s": round(time_module.monotonic() - started, 3),
    })
    return processed
