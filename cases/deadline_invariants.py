"""The deadline engine's promises as checks anyone can run: tests after every step of the stateful
property test, the simulated-quarter benchmark after every simulated day, an admin in a shell.

`deadline_invariant_violations(qs)` returns one readable line per broken promise (empty: all kept).
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, QuerySet

from .models import Deadline, DeadlineEvent, Notification, OutboxMessage

State = Deadline.State
LIVE = (State.OPEN, State.BREACHED)
ONCE_PER_OCCURRENCE = ("warning", "breach", "escalation")
# An event that says people were told must have a notification of that kind for its occurrence.
TOLD = {"warned": "deadline_warning", "escalated": "deadline_escalation", "reminded": "deadline_reminder"}


def _row_violations(d: Deadline) -> list[str]:
    problems = []
    if d.state in LIVE and d.next_check_at is None:
        problems.append("live without next_check_at")
    if d.state not in LIVE and d.next_check_at is not None:
        problems.append(f"{d.state} with next_check_at")
    if d.state == State.BREACHED and d.breached_at is None:
        problems.append("breached without breached_at")
    if d.state == State.OPEN and (d.breached_at is not None or d.escalated_at is not None):
        problems.append("open with the breach or escalation of an earlier occurrence")
    if d.state == State.PAUSED and d.paused_at is None:
        problems.append("paused without paused_at")
    if d.state != State.PAUSED and d.paused_at is not None:
        problems.append(f"{d.state} with paused_at")
    if d.state == State.MET and d.met_at is None:
        problems.append("met without met_at")
    if d.occurrence < 1:
        problems.append("occurrence below 1")
    return problems


def deadline_invariant_violations(qs: QuerySet[Deadline] | None = None) -> list[str]:
    """Every broken invariant among these deadlines (all when `qs` is None), e.g.
    ``"deadline 12 (first_meeting, occurrence 2): breached without breached_at"``.

    Checked: live rows have `next_check_at`, paused/met/cancelled have none; breached has `breached_at`;
    an open row carries no breach of an earlier occurrence; paused has `paused_at`; each occurrence has at
    most one warning, breach and escalation notification per recipient and at most one reminder per
    recipient and day; "warned", "escalated" and "reminded" events only where someone was notified; and
    nothing was sent (notification or mail) after a deadline was met or cancelled.
    """
    qs = Deadline.objects.all() if qs is None else qs
    ids = list(qs.values_list("pk", flat=True))
    problems: list[str] = []

    def name(d) -> str:
        return f"deadline {d.pk} ({d.kind}, occurrence {d.occurrence})"

    rows = {d.pk: d for d in Deadline.objects.filter(pk__in=ids)}
    for d in rows.values():
        problems += [f"{name(d)}: {p}" for p in _row_violations(d)]

    notes = list(Notification.objects.filter(deadline_id__in=ids).values_list(
        "deadline_id", "occurrence", "kind", "recipient_id", "dedup_key", "created_at"))
    per_key = Counter()
    for deadline_id, occurrence, kind, recipient_id, dedup_key, _created in notes:
        short = kind.removeprefix("deadline_")
        day = dedup_key.split(":")[4] if short == "reminder" and dedup_key.count(":") >= 5 else ""
        if short in ONCE_PER_OCCURRENCE or short == "reminder":
            per_key[(deadline_id, occurrence, short, recipient_id, day)] += 1
    for (deadline_id, occurrence, short, recipient_id, _day), n in per_key.items():
        if n > 1:
            problems.append(f"deadline {deadline_id} occurrence {occurrence}: {n} {short} notices to user {recipient_id}")

    told = {(deadline_id, occurrence, kind) for deadline_id, occurrence, kind, *_rest in notes}
    events = DeadlineEvent.objects.filter(deadline_id__in=ids)
    for deadline_id, occurrence, kind in events.filter(kind__in=list(TOLD)).values_list("deadline_id", "occurrence", "kind"):
        if (deadline_id, occurrence, TOLD[kind]) not in told:
            problems.append(f"deadline {deadline_id} occurrence {occurrence}: '{kind}' recorded but nobody was notified")
    for row in (events.filter(kind__in=["warned", "breached", "escalated"]).values("deadline_id", "occurrence", "kind")
                .annotate(n=Count("pk")).filter(n__gt=1)):
        problems.append(f"deadline {row['deadline_id']} occurrence {row['occurrence']}: '{row['kind']}' recorded {row['n']} times")

    finished = {d.pk: d for d in rows.values() if d.state in (State.MET, State.CANCELLED)}
    if finished:
        ended = dict(events.filter(deadline_id__in=list(finished), kind__in=["met", "cancelled"])
                     .values_list("deadline_id", "recorded_at"))
        for deadline_id, _occ, kind, _recipient, _key, created in notes:
            if deadline_id in ended and created > ended[deadline_id]:
                problems.append(f"deadline {deadline_id}: {kind} created after it was {finished[deadline_id].state}")
        for deadline_id, sent_at in OutboxMessage.objects.filter(
                deadline_id__in=list(ended), state=OutboxMessage.State.SENT).values_list("deadline_id", "sent_at"):
            if sent_at and sent_at > ended[deadline_id]:
                problems.append(f"deadline {deadline_id}: mail sent after it was {finished[deadline_id].state}")
    return problems
