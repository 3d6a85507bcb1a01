"""A short-lived cache of the dashboard's counts, so opening the dashboard does not recount every
open case of the team on each request (at 100,000 cases that is the whole cost of the page).

Correctness: every change to a case writes a CaseEvent (the services' rule), and each one bumps its
team's generation after commit; the cached counts are keyed by the generations of the teams in
scope, so a change anywhere in scope is seen on the next request. What the cache can lag behind is
only time itself (a clock passing its due time with nobody touching the case): the counts carry the
instant they were computed at, and the card links pass that instant to the case list (`at=`), which
then applies the same conditions at the same instant, so card and list still show the same number.

Availability: the cache is an optimisation, never a dependency. When it raises (Redis down or slow
past its socket timeout) the overview is computed uncached, and a bump that fails after commit is
logged, never raised: the save is committed and the user sees it saved. The failed team is remembered
in this process and bumped again before the next read here, so that read recomputes; another process
serves at most TTL_SECONDS-old counts for it (its entry expires), and a restarted Redis without
persistence has no entries at all.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from ..models import Case, CaseEvent

logger = logging.getLogger(__name__)

TTL_SECONDS = 60


def _generation_key(team_id: int) -> str:
    return f"dashboard:generation:{team_id}"


# Teams whose bump failed in this process; bumped again before the next read (see the module doc).
_failed_bumps: set[int] = set()


def _bump(team_id: int) -> None:
    key = _generation_key(team_id)
    try:
        cache.incr(key)
    except ValueError:  # no generation yet
        cache.set(key, 1, None)


def team_generation_bump(team_id: int | None) -> None:
    """Invalidate the team's cached counts. Never raises: it runs after commit, when the change is saved."""
    if team_id is None:
        return
    try:
        _bump(team_id)
    except Exception:
        _failed_bumps.add(team_id)
        logger.warning("Dashboard cache bump failed for team %s; the next read recomputes.", team_id, exc_info=True)
    else:
        _failed_bumps.discard(team_id)


def _retry_failed_bumps() -> bool:
    """True when no failed bump is outstanding in this process (the cached counts may be used)."""
    for team_id in list(_failed_bumps):
        try:
            _bump(team_id)
        except Exception:
            return False
        _failed_bumps.discard(team_id)
    return True


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
    """`compute(now)` once per TTL and per generation of the teams in scope; returns (value, now).
    Computes uncached when the cache fails (see the module doc)."""
    try:
        if not _retry_failed_bumps():
            raise ConnectionError("a failed dashboard cache bump is still outstanding")
        generations = cache.get_many([_generation_key(pk) for pk in team_ids])
        signature = repr((scope, sorted(team_ids), sorted(generations.items())))
        key = "dashboard:counts:" + hashlib.sha256(signature.encode()).hexdigest()
        hit = cache.get(key)
    except Exception:
        logger.warning("Dashboard cache unavailable; counting uncached.", exc_info=True)
        now = timezone.now()
        return compute(now), now
    if hit is not None:
        return hit
    now = timezone.now()
    value = (compute(now), now)
    try:
        cache.set(key, value, TTL_SECONDS)
    except Exception:
        logger.warning("Dashboard cache write failed; the next read counts again.", exc_info=True)
    return value
