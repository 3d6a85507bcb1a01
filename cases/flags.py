"""The case flags (the dashboard's cards and the case list's "Frister" filter), as Q objects on Case.

One definition serves the dashboard card (a count) and the case list (`case_search(flag=...)`), so
the number on a card is always the number of rows behind its link. Deadline flags read the same
Deadline rows as the sweep and the case page.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Case, Deadline

UNTOUCHED_DAYS = 14
# How old an `at=` instant from a card link may be before the list ignores it and counts "now".
AT_MAX_AGE = timedelta(minutes=10)

FLAGS = {
    "overdue": _("Overdue"),
    "due_today": _("Due today"),
    "due_week": _("Due this week"),
    "unassigned": _("Unassigned"),
    "untouched": _("Not touched for 14 days"),
}


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start of today and start of tomorrow (Europe/Copenhagen), as aware datetimes."""
    today = timezone.localtime(now).date()
    return _local_midnight(today), _local_midnight(today + timedelta(days=1))


def week_end(now: datetime) -> datetime:
    """Start of next Monday (Europe/Copenhagen): "this week" runs to Sunday 23:59."""
    today = timezone.localtime(now).date()
    return _local_midnight(today + timedelta(days=7 - today.weekday()))


def _with_deadline(condition: Q) -> Q:
    """Cases having at least one deadline row matching `condition`.

    Written as `pk IN (SELECT case_id ...)` rather than a correlated EXISTS: used in WHERE, the
    database reads the matching deadline rows once (a semi-join, through the (state, due_at) index
    when they are few) instead of probing once per case."""
    return Q(pk__in=Deadline.objects.filter(condition).values("case_id"))


# The flags that are decided by a deadline row (the rest by the case row itself).
DEADLINE_FLAGS = ("overdue", "due_today", "due_week")


def deadline_flag_q(flag: str, *, now: datetime | None = None) -> Q:
    """The condition on one Deadline row for a deadline flag: the team overview counts the cases
    having such a row, "Mit arbejde" lists the rows themselves. Paused clocks are never due."""
    now = now or timezone.now()
    if flag == "overdue":
        return Q(state=Deadline.State.BREACHED) | Q(state=Deadline.State.OPEN, due_at__lt=now)
    if flag == "due_today":
        _start, tomorrow = day_bounds(now)
        return Q(state=Deadline.State.OPEN, due_at__gte=now, due_at__lt=tomorrow)
    if flag == "due_week":
        return Q(state=Deadline.State.OPEN, due_at__gte=now, due_at__lt=week_end(now))
    raise ValueError(f"unknown deadline flag {flag!r}")


def flag_q(flag: str, *, now: datetime | None = None) -> Q:
    """The condition for one card. Only open cases count; paused clocks are never due."""
    # In UTC: `now - 14 days` on a Copenhagen-aware instant is wall-clock arithmetic and lands an hour
    # off across a summer-time change, so the same instant would give the card (counted in UTC) and a
    # caller holding local time different numbers. Fourteen days untouched means 14 x 24 hours.
    now = (now or timezone.now()).astimezone(UTC)
    open_case = Q(status=Case.Status.OPEN)
    if flag in DEADLINE_FLAGS:
        return open_case & _with_deadline(deadline_flag_q(flag, now=now))
    if flag == "unassigned":
        return open_case & Q(consultant__isnull=True)
    if flag == "untouched":
        return open_case & Q(last_activity_at__lt=now - timedelta(days=UNTOUCHED_DAYS))
    raise ValueError(f"unknown flag {flag!r}")


def parse_at(raw: str | None) -> datetime | None:
    """The instant a card's count was computed at, if recent; else None (count as of now)."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        return None
    now = timezone.now()
    return moment if now - AT_MAX_AGE <= moment <= now else None
