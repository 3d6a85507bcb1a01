"""The simulated quarter's checks, derived from what was observed, not from the engine's own flags.

`Timeline` records the life of every deadline as the simulation saw it after each action: when it was
live (open or overdue), with which due time, and who owned the case. From that alone it follows
which breaches and escalations someone should have been told about (`missed_notifications`), which
notifications repeat an occurrence (`duplicate_notifications`); `offhours_mails` reads the sent mails'
times against the project's working hours (cases.duetime). The engine's warned/breached/escalated
fields are never read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Q

# The sweep runs every 10 minutes: a breach is due to be told within two runs.
GRACE = timedelta(minutes=20)
SWEEP = timedelta(minutes=10)
EARLY = timedelta(minutes=1)
LIVE = ("open", "breached")
QUIET = ("paused", "met", "cancelled")


def deadline_invariant_violations(queryset) -> list[str]:
    """The deadline rows (of `queryset`) that break the engine's invariants, one line each:
    live (open/overdue) needs a next check; paused, met and cancelled have none; overdue needs its
    breach time; a closed case has no live deadline."""
    rules = (
        ("live without next_check_at", Q(state__in=LIVE, next_check_at__isnull=True)),
        ("paused/met/cancelled with next_check_at", Q(state__in=QUIET, next_check_at__isnull=False)),
        ("breached without breached_at", Q(state="breached", breached_at__isnull=True)),
        ("live on a closed case", Q(state__in=LIVE, case__status="closed")),
    )
    problems = []
    for label, condition in rules:
        for pk, kind, state, reference in queryset.filter(condition).values_list("pk", "kind", "state", "case__reference"):
            problems.append(f"deadline {pk} ({kind}, {state}, case {reference}): {label}")
    return problems


@dataclass
class Interval:
    start: datetime
    end: datetime | None
    owner_id: int | None  # the deadline's owner or the case's consultant; None: nobody owns it


@dataclass
class Life:
    """One deadline as observed: its live intervals per due time (an occurrence per due time)."""

    kind: str
    reference: str
    policy_escalate_after: timedelta
    occurrences: dict[datetime, list[Interval]] = field(default_factory=dict)
    current: tuple | None = None  # (due, owner) while live


class Timeline:
    def __init__(self):
        self.lives: dict[int, Life] = {}
        self.overrides: dict[tuple[int, datetime], datetime] = {}

    def observe(self, rows, now: datetime) -> None:
        """rows: (pk, kind, state, due_at, met_at, owner_id, reference, escalate_after) of every deadline of a case."""
        for pk, kind, state, due, met_at, owner_id, reference, escalate_after in rows:
            life = self.lives.setdefault(pk, Life(kind=kind, reference=reference, policy_escalate_after=escalate_after))
            wanted = (due, owner_id) if state in LIVE else None
            if wanted == life.current:
                continue
            if life.current is not None:
                interval = life.occurrences[life.current[0]][-1]
                # A meeting registered after the fact met the clock when it was held, not at the click.
                ended = min(now, met_at) if state == "met" and met_at else now
                interval.end = max(interval.start, ended)
            if wanted is not None:
                life.occurrences.setdefault(due, []).append(Interval(start=now, end=None, owner_id=owner_id))
            life.current = wanted

    def correct_due(self, *, deadline_id: int, stored_due: datetime, fact_due: datetime) -> None:
        """The facts moved the due time (first contact corrected): the occurrence with the stored due
        time is judged by the due time the facts give, whether or not the engine recomputed it."""
        if fact_due != stored_due:
            self.overrides[(deadline_id, stored_due)] = fact_due

    def close(self, now: datetime) -> None:
        for life in self.lives.values():
            if life.current is not None:
                life.occurrences[life.current[0]][-1].end = now
                life.current = None

    def occurrence_at(self, deadline_id: int, moment: datetime) -> datetime | None:
        """The due time that was live (or last live) for the deadline at `moment`."""
        life = self.lives.get(deadline_id)
        best = None
        for due, intervals in (life.occurrences.items() if life else ()):
            for interval in intervals:
                if interval.start <= moment and (best is None or interval.start > best[0]):
                    best = (interval.start, due)
        return best[1] if best else None


def _merged(intervals: list[Interval]) -> list[list[Interval]]:
    """Contiguous runs of live intervals (an owner change splits an interval but not the run)."""
    runs: list[list[Interval]] = []
    for interval in sorted(intervals, key=lambda i: i.start):
        if runs and runs[-1][-1].end == interval.start:
            runs[-1].append(interval)
        else:
            runs.append([interval])
    return runs


@dataclass
class Expected:
    deadline_id: int
    reference: str
    kind: str  # "breach" or "escalation"
    clock: str
    due: datetime
    at: datetime
    until: datetime
    recipients: tuple[int, ...]
    mail_by: datetime  # the e-mail waits for working hours, then leaves within GRACE
    live_until: datetime


def expected_notifications(timeline: Timeline, *, leads: tuple[int, ...], calendar, next_working_time) -> list[Expected]:
    """Every breach and escalation some person should have been told about: an occurrence whose due
    time passed while it was live for longer than GRACE (told to the owner, or to the team leads when
    nobody owns the case), and one still live at the first working moment after the policy's
    escalation delay (told to the team leads)."""
    expected = []
    for pk, life in timeline.lives.items():
        for stored_due, intervals in life.occurrences.items():
            due = timeline.overrides.get((pk, stored_due), stored_due)
            for run in _merged(intervals):
                run_end = run[-1].end
                breach_at = max(due, run[0].start)
                if run_end is None or run_end < breach_at + GRACE:
                    continue
                owner = next(i.owner_id for i in run if i.end is None or i.end > breach_at)
                mail_by = next_working_time(breach_at + SWEEP, calendar) + GRACE
                expected.append(Expected(pk, life.reference, "breach", life.kind, due, breach_at, breach_at + GRACE,
                                         (owner,) if owner else leads, mail_by, run_end))
                escalate_at = next_working_time(breach_at + life.policy_escalate_after, calendar)
                if run_end >= escalate_at + GRACE:
                    expected.append(Expected(pk, life.reference, "escalation", life.kind, due, breach_at,
                                             escalate_at + GRACE, leads, escalate_at + GRACE, run_end))
                break  # one breach per occurrence
    return expected


def missed_notifications(expected: list[Expected], notifications, mails, addresses: dict[int, str]) -> list[str]:
    """notifications: (deadline_id, kind, recipient_id, created_at) of every deadline notification;
    mails: (deadline_id, kind, address, sent_at) of every sent deadline mail. A recipient with an
    e-mail address must also get the mail, in the first working hours after the event, unless the
    deadline stopped being live before then."""
    told, mailed = defaultdict(list), defaultdict(list)
    for deadline_id, kind, recipient_id, created_at in notifications:
        told[(deadline_id, kind.removeprefix("deadline_"), recipient_id)].append(created_at)
    for deadline_id, kind, address, sent_at in mails:
        mailed[(deadline_id, kind, address)].append(sent_at)
    missed = []
    for item in expected:
        # The simulation's moments are Copenhagen times: shown in UTC, as the label says.
        what = (f"{item.kind} of deadline {item.deadline_id} ({item.clock}, case {item.reference}, due "
                f"{item.due.astimezone(UTC):%Y-%m-%d %H:%M} UTC, overdue from {item.at.astimezone(UTC):%Y-%m-%d %H:%M})")
        for recipient in item.recipients:
            times = told.get((item.deadline_id, item.kind, recipient), [])
            if not any(item.at - EARLY <= moment <= item.until for moment in times):
                missed.append(f"{what} never reached user {recipient} (not within {GRACE})")
                continue
            address = addresses.get(recipient)
            if not address or item.live_until < item.mail_by:
                continue
            sent = mailed.get((item.deadline_id, item.kind, address), [])
            if not any(item.at - EARLY <= moment <= item.mail_by for moment in sent):
                missed.append(f"{what}: no mail to user {recipient} by {item.mail_by.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    return missed


def duplicate_notifications(timeline: Timeline, items) -> list[str]:
    """items: (channel, deadline_id, kind, recipient, created_at, day) for every notification and sent
    mail; two for the same deadline, kind, occurrence (and reminder day) and recipient are one too many."""
    seen = Counter()
    for channel, deadline_id, kind, recipient, created_at, day in items:
        occurrence = timeline.occurrence_at(deadline_id, created_at)
        seen[(channel, deadline_id, kind, occurrence, day, recipient)] += 1
    return [f"{channel} {kind} of deadline {deadline_id} (occurrence due {occurrence}, {day or '-'}) to {recipient}: {n} times"
            for (channel, deadline_id, kind, occurrence, day, recipient), n in seen.items() if n > 1]


@dataclass(frozen=True)
class MailKey:
    deadline_id: int
    occurrence: int
    kind: str  # warning / breach / escalation / reminder
    day: str  # the reminder's working day (ISO date); "" for the others
    recipient_id: int


def deadline_mail_key(key: str) -> MailKey:
    """Read a deadline mail's dedup key as the sweep writes it (cases/sweep.py, `_Batch.drafts`, with the
    outbox's "mail:" prefix): mail:deadline:<pk>:<occurrence>:<kind>:<day>:<recipient>. The occurrence
    field came with the clock rework; reading the key without it took the occurrence for the kind and the
    kind for the day, so every breach mail looked unsent and two days' reminders looked like one."""
    prefix, scope, pk, occurrence, kind, day, recipient = key.split(":")
    if (prefix, scope) != ("mail", "deadline"):
        raise ValueError(f"not a deadline mail key: {key!r}")
    return MailKey(deadline_id=int(pk), occurrence=int(occurrence), kind=kind, day=day, recipient_id=int(recipient))


def offhours_mails(sent, *, calendar, is_working_time) -> list[str]:
    """sent: (pk, subject, sent_at) of the deadline mails that were sent."""
    return [f"mail {pk} '{subject}' sent {sent_at:%Y-%m-%d %H:%M} UTC" for pk, subject, sent_at in sent
            if not is_working_time(sent_at, calendar)]
