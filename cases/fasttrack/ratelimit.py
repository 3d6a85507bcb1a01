"""The public form's rate limit: at most FASTTRACK_RATE_LIMIT accepted referrals per client address
in a fixed 10-minute window. Other public endpoints count in their own `scope` with their own limit
(the managers' PDF templates, cases/managers/views.py).

- Only stored referrals count: an employer who corrects typos is never blocked by their own errors.
- Fixed windows (the window number is part of the key): retrying while blocked cannot push the end of
  the window, whatever the cache backend does to a key's expiry on incr (the file cache resets it).
- A cache that is down never fails the POST: each process falls back to its own counter with the
  same window and limit (logged). The limit then holds per process instead of per installation, so a
  client gets at most FASTTRACK_RATE_LIMIT x the number of web processes: open, but bounded.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

from ..clientip import client_ip

logger = logging.getLogger(__name__)

RATE_WINDOW = 10 * 60

# The fallback while the cache is down: {key: count} for the current window only (old windows pruned).
_local_counts: dict[str, int] = {}
_local_lock = threading.Lock()


def _local_count(key: str, *, add: int = 0) -> int:
    window = key.rsplit(":", 1)[1]
    with _local_lock:
        for stale in [k for k in _local_counts if k.rsplit(":", 1)[1] != window]:
            del _local_counts[stale]
        _local_counts[key] = _local_counts.get(key, 0) + add
        return _local_counts[key]


def _key(request, now: float, scope: str = "fasttrack", client: str | None = None) -> tuple[str, int]:
    window = int(now // RATE_WINDOW)
    remaining = int((window + 1) * RATE_WINDOW - now) + 1
    return f"{scope}:rate:{client or client_ip(request)}:{window}", remaining


def seconds_left(*, now: float | None = None) -> int:
    """Until the current window ends (the Retry-After of a refused referral)."""
    now = time.time() if now is None else now
    return _key(None, now, client="-")[1]


def limit_reached(request, *, now: float | None = None, scope: str = "fasttrack", limit: int | None = None,
                  client: str | None = None) -> bool:
    """True when this address (or `client`: the API's sending system) has already had its referrals (or its
    `limit` in `scope`) in the current window."""
    limit = settings.FASTTRACK_RATE_LIMIT if limit is None else limit
    key, _remaining = _key(request, time.time() if now is None else now, scope, client)
    try:
        return int(cache.get(key) or 0) >= limit
    except Exception:
        logger.warning("%s rate limit: cache unavailable, this process counts alone", scope, exc_info=True)
        return _local_count(key) >= limit


def count_accepted(request, *, now: float | None = None, scope: str = "fasttrack", client: str | None = None) -> None:
    """Count one stored referral (or one use in `scope`) for this address (or `client`) in the current window."""
    key, remaining = _key(request, time.time() if now is None else now, scope, client)
    try:
        if not cache.add(key, 1, remaining):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, remaining)
            cache.touch(key, remaining)  # the file cache's incr re-sets the default expiry
    except Exception:
        logger.warning("%s rate limit: cache unavailable, counted in this process", scope, exc_info=True)
        _local_count(key, add=1)
