"""Suite-wide test set-up.

Service tests: a test marked `postgres` needs DATABASE_URL to point at PostgreSQL, one marked
`redis` needs REDIS_URL. On the embedded default they are deselected (the run says how many);
when the URL is given, the service must answer: a missing service fails the test, never skips it.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    on_redis = bool(os.environ.get("REDIS_URL"))
    keep, drop = [], []
    for item in items:
        if (item.get_closest_marker("postgres") and not on_postgres) or (item.get_closest_marker("redis") and not on_redis):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        print(f"\n{len(drop)} PostgreSQL/Redis tests deselected on the embedded default (set DATABASE_URL and REDIS_URL).")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, dashboard counts)."""
    from django.core.cache import cache

    cache.clear()
    yield
