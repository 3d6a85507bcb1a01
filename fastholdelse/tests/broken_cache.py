"""Cache backends for the degraded-path tests: one that raises on every call, as redis-py does when
Redis is down, and one that hangs (as an unreachable host does until the socket timeout)."""

import time

from django.core.cache.backends.base import BaseCache


class RaisingCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6391. Connection refused.")

    add = get = set = touch = delete = get_many = set_many = delete_many = incr = decr = has_key = clear = _fail


class HangingCache(RaisingCache):
    def _fail(self, *args, **kwargs):
        time.sleep(3)
        raise TimeoutError("Timeout reading from socket")

    add = get = set = touch = delete = get_many = set_many = delete_many = incr = decr = has_key = clear = _fail
