"""A short-lived cache of the dashboard's counts, so opening the dashboard does not recount every
open case of the team on each request (at 100,000 cases that is the whole cost of the page).

Correctness: every change to a case writes a CaseEvent (the services' rule), and each one bumps its
team's generation after commit; the cached counts are keyed by the generations of the teams in
scope, so a change anywhere in scope is seen on the next request. What the cache can lag behind is
only time itself (a clock passing its due time with nobody touching the case): the counts carry the
instant they were computed at, and the card links pass that instant to the case list (`at=`), which
then applies the same conditions at the same instant, so card and list still show the same number.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from ..models import Case, CaseEvent

TTL_SECONDS = 60


def _generation_key(team_id: int) -> str:
    return f"dashboard:generation:{team_id}"


def team_generation_bump(team_id: int | None) -> None:
    if team_id is None:
        return
    key = _generation_key(team_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def _bump_after_commit(team_id: int | None) -> None:
    transaction.on_commit(lambda: team_generation_bump(team_id))


@receiver(post_save, sender=CaseEvent, dispatch_uid="dashboard_cache_case_event")
def _case_event_saved(sender, instance: CaseEvent, created: bool, **kwargs) -> None:
    if created:
        _bump_after_commit(instance.case.team_id)


@receiver(post_save, sender=Case, dispatch_uid="dashboard_cache_case")
def _case_saved(sender, instance: Case, **kwargs) -> None:
    _bump_after_commit(instance.team_id)


def cached(scope: tuple, team_ids: list[int], compute) -> tuple[object, datetime]:
    """`compute(now)` once per TTL and per generation of the teams in scope; returns (value, now)."""
    generations = cache.get_many([_generation_key(pk) for pk in team_ids])
    signature = repr((scope, sorted(team_ids), sorted(generations.items())))
    key = "dashboard:counts:" + hashlib.sha256(signature.encode()).hexdigest()
    hit = cache.get(key)
    if hit is not None:
        return hit
    now = timezone.now()
    value = (compute(now), now)
    cache.set(key, value, TTL_SECONDS)
    return value
