"""The simulated quarter's clock: events in time order, and every 10 simulated minutes the sweep,
the outbox sender and the invariant check; every morning at 08:05 the team lead's overview cards
against the lists they link to. Then the checks over the whole run (see checks.py)."""

from __future__ import annotations

import heapq
import random
import time as wallclock
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from . import adapter as app
from . import checks
from .scenario import LOCAL, World, local

TICK = timedelta(minutes=10)
COUNTS = ("sim_invariant_violations", "sim_duplicate_notifications", "sim_missed_notifications", "sim_offhours_mails",
          "sim_card_list_mismatches")


@dataclass
class Result:
    """counts: one per finding in details (an invariant broken by a deadline, however many ticks it
    lasted; a card on a morning; an expected notification per recipient; a repeated group), plus
    sim_sweep_failures (sweep runs that raised). stats: how often each kind of step was taken."""

    seconds: float
    counts: dict[str, int]
    details: dict[str, list[str]]
    stats: Counter = field(default_factory=Counter)


def run(*, weeks: int = 13, cases: int = 150, seed: int = 2027, start: date = date(2027, 3, 1),
        minutes_share: float = 0.45) -> Result:
    """Simulate `weeks` weeks from `start` (a Monday) with about `cases` cases. Needs an empty database
    with the seeded policies; leaves everything it made behind."""
    started = wallclock.perf_counter()
    end = start + timedelta(weeks=weeks)
    begin, finish = local(start, 7, 0), local(end, 0, 0)
    details: dict[str, list[str]] = {name: [] for name in COUNTS}
    details["sim_sweep_failures"] = []
    details["errors"] = []
    with time_machine.travel(begin - timedelta(hours=1), tick=False) as traveller:
        timeline = checks.Timeline()
        expected_clocks: list[dict] = []
        world = World(rng=random.Random(seed), start=start, end=end, timeline=timeline, expected_clocks=expected_clocks)
        world.minutes_share = minutes_share
        world.plan_arrivals(cases)
        client = Client()
        violations: set[str] = set()
        now = begin
        while now < finish:
            while world.queue and world.queue[0][0] <= now:
                moment, _seq, action, case_id, label = heapq.heappop(world.queue)
                traveller.move_to(moment)
                case_id = _act(world, action, moment, case_id, label, details)
                if case_id:
                    _observe(timeline, case_id, moment)
            traveller.move_to(now)
            try:
                app.sweep(now)
            except Exception as error:  # the engine's own failure is a finding, not the end of the run
                world.stats["sweep failures"] += 1
                if len(details["sim_sweep_failures"]) < 20:
                    details["sim_sweep_failures"].append(f"{now:%Y-%m-%d %H:%M} {type(error).__name__}: {error}")
            app.send_outbox(now)
            violations.update(app.deadline_invariant_violations(app.Deadline.objects.all()))
            if now.astimezone(LOCAL).strftime("%H:%M") == "08:00":
                violations.update(app.engine_invariant_violations(app.Deadline.objects.all()))
                traveller.move_to(now + timedelta(minutes=5))
                details["sim_card_list_mismatches"] += _cards_against_lists(world, client, now + timedelta(minutes=5))
                traveller.move_to(now)
            now += TICK
        _observe_all(timeline, finish)
        timeline.close(finish)
        details["sim_invariant_violations"] = sorted(violations)
        _analyse(world, timeline, expected_clocks, finish, details)
    counts = {name: len(details[name]) for name in COUNTS}
    counts["sim_sweep_failures"] = world.stats["sweep failures"]
    return Result(seconds=wallclock.perf_counter() - started, counts=counts, details=details, stats=world.stats)


def _act(world: World, action, moment: datetime, case_id, label: str, details) -> int | None:
    try:
        result = action(moment)
    except Exception as error:  # a crash in a service is a finding too; the quarter goes on
        if not isinstance(error, ValidationError):
            world.stats[f"crashed: {label}"] += 1
            details["errors"].append(f"{moment:%Y-%m-%d %H:%M} CRASH in {label} (case {case_id}): {error!r}")
            return case_id
        world.stats[f"refused: {label}"] += 1
        if len(details["errors"]) < 200:
            details["errors"].append(f"{moment:%Y-%m-%d %H:%M} refused {label} (case {case_id}): {error.messages}")
        return case_id
    return case_id or (result if isinstance(result, int) else None)


def _rows(queryset):
    return [(pk, kind, state, due, met_at, owner or consultant, reference, escalate)
            for pk, kind, state, due, met_at, owner, consultant, reference, escalate in queryset.values_list(
                "pk", "kind", "state", "due_at", "met_at", "owner_id", "case__consultant_id", "case__reference",
                "policy__escalate_after")]


def _observe(timeline: checks.Timeline, case_id: int, now: datetime) -> None:
    timeline.observe(_rows(app.Deadline.objects.filter(case_id=case_id)), now)


def _observe_all(timeline: checks.Timeline, now: datetime) -> None:
    timeline.observe(_rows(app.Deadline.objects.all()), now)


def _cards_against_lists(world: World, client: Client, now: datetime) -> list[str]:
    """The lead's overview for the team: each card's count against the list behind its link, and
    against the case list's own filter counted now."""
    client.force_login(world.lead)
    problems = []
    for card in app.overview_cards(client=client, team=world.team):
        listed = app.list_count(client=client, url=card["url"])
        direct = app.flag_count(user=world.lead, team=world.team, flag=card["flag"], now=now)
        if not card["count"] == listed == direct:
            problems.append(f"{now:%Y-%m-%d} card {card['flag']}: card {card['count']}, list {listed}, filter {direct}")
    return problems


def _analyse(world: World, timeline, expected_clocks, finish: datetime, details) -> None:
    leads = (world.lead.pk,)
    expected = checks.expected_notifications(timeline, leads=leads, calendar=world.calendar,
                                             next_working_time=app.next_working_time)
    told = list(app.Notification.objects.filter(kind__startswith="deadline_", deadline__isnull=False)
                .values_list("deadline_id", "kind", "recipient_id", "created_at"))
    mails = app.OutboxMessage.objects.filter(state="sent", dedup_key__startswith="mail:deadline:")
    sent = []  # (deadline, kind, address, sent_at, created_at, reminder day)
    for deadline_id, key, to, sent_at, created_at in mails.values_list("deadline_id", "dedup_key", "to", "sent_at",
                                                                        "created_at"):
        parsed = checks.deadline_mail_key(key)
        sent += [(deadline_id, parsed.kind, address, sent_at, created_at, parsed.day) for address in to]
    addresses = {user.pk: user.email for user in (*world.consultants, world.lead)}
    details["sim_missed_notifications"] = checks.missed_notifications(
        expected, told, [row[:4] for row in sent], addresses) + _clocks_never_started(expected_clocks, finish)
    # One line per notification and per sent mail: channel, deadline, kind, recipient, time, reminder day.
    items = [("notification", d, k.removeprefix("deadline_"), r, c,
              c.astimezone(LOCAL).date().isoformat() if k == "deadline_reminder" else "") for d, k, r, c in told]
    items += [("mail", d, k, address, created_at, day) for d, k, address, _sent_at, created_at, day in sent]
    details["sim_duplicate_notifications"] = checks.duplicate_notifications(timeline, items)
    details["sim_offhours_mails"] = checks.offhours_mails(
        mails.values_list("pk", "subject", "sent_at"), calendar=world.calendar, is_working_time=app.is_working_time)


def _clocks_never_started(expected_clocks: list[dict], finish: datetime) -> list[str]:
    """A statutory clock that should have run from a known first absence day, was not met by the
    consultant and fell due while the case was open, but has no deadline row: nobody was told."""
    missed = []
    for item in expected_clocks:
        if item["met_at"] is not None or item["due"] + checks.GRACE > finish:
            continue
        case = app.Case.objects.get(pk=item["case_id"])
        closed_before = case.closed_on is not None and local(case.closed_on, 0) <= item["due"]
        if closed_before or case.deadlines.filter(kind=item["kind"]).exists():
            continue
        missed.append(f"breach of {item['kind']} (case {case.reference}, due {item['due']:%Y-%m-%d %H:%M} UTC): "
                      f"the first absence day was known from {item['known_at']:%Y-%m-%d %H:%M} but no clock ran")
    return missed
