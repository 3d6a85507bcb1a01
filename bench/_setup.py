"""Shared set-up for the benchmarks: a throw-away database next to the one DATABASE_URL names.

SQLite (default): var/bench-<name>.sqlite3, recreated on each run. PostgreSQL (DATABASE_URL=postgres://...):
a database "<name>_bench_<bench>" on the same server, dropped and recreated on each run. Production settings
(DEBUG off, so no query log grows in memory).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent


def bench_database_url(bench: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg2

        parts = urlparse(url)
        name = f"{parts.path.lstrip('/') or 'fastholdelse'}_bench_{bench}"
        admin = psycopg2.connect(urlunparse(parts._replace(path="/postgres")))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        admin.close()
        return urlunparse(parts._replace(path=f"/{name}"))
    path = ROOT / "var" / f"bench-{bench}.sqlite3"
    path.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def django_setup(bench: str) -> str:
    """Point Django at a fresh bench database, migrate it and return its URL."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = bench_database_url(bench)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DEBUG"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "fastholdelse.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"]


def report(name: str, value: float, unit: str) -> None:
    print(f"BENCH {name} {value:.3f} {unit}" if isinstance(value, float) else f"BENCH {name} {value} {unit}", flush=True)
