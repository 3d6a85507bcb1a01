"""Two requests at once, made deterministic: the first runs its service inside a transaction and
keeps it open a moment after the service returned; the second starts only then, with the stale
object a second browser tab (or a double click) would hold. Without a row lock the second decides
on stale data; with one it waits for the first to commit and sees its result."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connections, transaction


def race(first: Callable[[], object], second: Callable[[], object], *, hold: float = 0.4) -> tuple[object, object]:
    """Run `first` and then, while its transaction is still open, `second` in another thread (own
    database connections). Returns both results; an exception is returned, not raised."""
    results: dict[str, object] = {}
    first_done = threading.Event()

    def run_first():
        try:
            with transaction.atomic():
                results["first"] = first()
                first_done.set()
                time.sleep(hold)
        except Exception as error:  # returned to the test
            results["first"] = error
        finally:
            first_done.set()
            connections.close_all()

    def run_second():
        first_done.wait(timeout=10)
        try:
            results["second"] = second()
        except Exception as error:  # returned to the test
            results["second"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results.get("first"), results.get("second")
