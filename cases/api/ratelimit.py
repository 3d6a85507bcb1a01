"""Per-token rate limit: at most `rate_limit_per_minute` calls per token in a fixed one-minute window.

The same rules as the public form's limit (cases/fasttrack/ratelimit.py): fixed windows (the window
number is in the key, so retrying while blocked cannot push the window's end), and a cache that is down
never fails a call: each process then counts alone, with the same window and limit (logged). The limit
then holds per process instead of per installation: open, but bounded.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

WINDOW = 60

_local_counts: dict[str, int] = {}
_local_lock = threading.Lock()


def _local_hit(key: str) -> int:
    window = key.rsplit(":", 1)[1]
    with _local_lock:
        for stale in [k for k in _local_counts if k.rsplit(":", 1)[1] != window]:
            del _local_counts[stale]
        _local_counts[key] = _local_counts.get(key, 0) + 1
        return _local_counts[key]


def hit(token_id: int, limit: int, *, now: float | None = None) -> tuple[bool, int]:
    """Count one call of this token. Returns (allowed, seconds until the window ends)."""
    now = time.time() if now is None else now
    window = int(now // WINDOW)
    remaining = int((window + 1) * WINDOW - now) + 1
    key = f"api:rate:{token_id}:{window}"
    try:
        if cache.add(key, 1, remaining):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, remaining)
                count = 1
    except Exception:
        logger.warning("API rate limit: cache unavailable, this process counts alone", exc_info=True)
        count = _local_hit(key)
    return count <= limit, remaining
