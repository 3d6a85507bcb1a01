"""REDIS_URL serves the cache and the broker; CACHE_URL and CELERY_BROKER_URL split them, and a dead Redis
fails fast (short socket timeouts) instead of holding a web worker."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = ("import json; from fastholdelse import settings as s; print(json.dumps({'cache': s.CACHES['default'], "
         "'broker': s.CELERY_BROKER_URL, 'transport': getattr(s, 'CELERY_BROKER_TRANSPORT_OPTIONS', {})}))")


def _settings(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL")}
    result = subprocess.run([sys.executable, "-c", PRINT], cwd=ROOT, env={**clean, "DEBUG": "1", **env},
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_redis_url_serves_both_with_short_timeouts():
    values = _settings(REDIS_URL="redis://10.0.0.5:6379/0")
    assert values["cache"]["LOCATION"] == values["broker"] == "redis://10.0.0.5:6379/0"
    assert values["cache"]["OPTIONS"]["socket_connect_timeout"] <= 0.5
    assert values["cache"]["OPTIONS"]["socket_timeout"] <= 0.5
    assert values["transport"]["socket_connect_timeout"] <= 2


def test_cache_and_broker_can_be_split():
    values = _settings(REDIS_URL="redis://10.0.0.5:6379/0", CACHE_URL="redis://10.0.0.6:6379/1")
    assert values["cache"]["LOCATION"] == "redis://10.0.0.6:6379/1"
    assert values["broker"] == "redis://10.0.0.5:6379/0"
    values = _settings(CELERY_BROKER_URL="redis://10.0.0.7:6379/0")
    assert values["broker"] == "redis://10.0.0.7:6379/0"
    assert values["cache"]["BACKEND"].endswith("FileBasedCache")  # no cache URL: the embedded default


def test_without_redis_the_embedded_default_stays():
    values = _settings()
    assert values["broker"] == "filesystem://"
    assert values["cache"]["BACKEND"].endswith("FileBasedCache")
