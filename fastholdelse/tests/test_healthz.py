"""/healthz: database, broker and cache reported separately, and an answer within the probe deadline
(0.4 s, the setting HEALTHZ_TIMEOUT_SECONDS) whatever is down or hanging."""

import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from cases.sweep import sweep_deadlines
from fastholdelse import views
from fastholdelse.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)

RAISING = {"default": {"BACKEND": "fastholdelse.tests.broken_cache.RaisingCache"}}
HANGING = {"default": {"BACKEND": "fastholdelse.tests.broken_cache.HangingCache"}}
# Nothing listens on port 1: redis-py fails at connect, as with a stopped Redis.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def _get(client):
    started = time.monotonic()
    response = client.get("/healthz")
    return response, time.monotonic() - started


@pytest.fixture
def broker_down():
    celery_app.conf.broker_write_url = DEAD_REDIS
    yield
    celery_app.conf.broker_write_url = None


def test_all_parts_ok_is_200_with_each_part_named(client):
    sweep_deadlines()  # a fresh database has no completed sweep yet, which alone makes it 503
    response, elapsed = _get(client)
    body = response.json()
    assert {"database", "broker", "cache", "sweep"} <= set(body) and body["sweep"] == "ok"
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert response.status_code == (200 if body["broker"] == "ok" else 503)
    assert elapsed < 0.5


@override_settings(CACHES=RAISING)
def test_cache_raising_is_reported_alone_and_fast(client):
    response, elapsed = _get(client)
    assert response.status_code == 503
    assert response.json()["cache"] == "down"
    assert response.json()["database"] == "ok"
    assert elapsed < 0.5


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": DEAD_REDIS, "OPTIONS": {"socket_connect_timeout": 0.25}}})
def test_cache_on_a_stopped_redis_is_down(client):
    response, elapsed = _get(client)
    assert response.status_code == 503 and response.json()["cache"] == "down"
    assert elapsed < 0.5


@override_settings(CACHES=HANGING)
def test_cache_hanging_answers_within_the_deadline_and_does_not_pile_up(client):
    response, elapsed = _get(client)
    assert response.status_code == 503
    assert response.json()["cache"] == "timeout"
    assert response.json()["database"] == "ok"
    assert elapsed < 0.5
    # The first probe still hangs: the next request does not start a second one and answers at once.
    response, elapsed = _get(client)
    assert response.json()["cache"] == "timeout"
    assert elapsed < 0.1
    time.sleep(3.2)  # let the hanging probe finish, so later tests start clean


def test_broker_on_a_stopped_redis_is_down_and_fast(client, broker_down):
    response, elapsed = _get(client)
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] in ("down", "timeout")
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert elapsed < 0.5


def test_broker_raising_is_reported_alone(client, monkeypatch):
    def refuse():
        raise ConnectionRefusedError("broker down")

    monkeypatch.setitem(views.PROBES, "broker", refuse)
    response, elapsed = _get(client)
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["cache"] == "ok"
    assert elapsed < 0.5


def test_database_down_is_reported_alone(client, monkeypatch):
    def refuse():
        raise ConnectionRefusedError("database down")

    monkeypatch.setitem(views.PROBES, "database", refuse)
    response, _elapsed = _get(client)
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["cache"] == "ok"


def test_database_hanging_answers_within_the_deadline(client, monkeypatch):
    monkeypatch.setitem(views.PROBES, "database", lambda: time.sleep(1.0))
    response, elapsed = _get(client)
    assert response.status_code == 503
    assert response.json()["database"] == "timeout"
    assert elapsed < 0.5
    time.sleep(1.1)


@override_settings(DEADLINE_SWEEP_SECONDS=60)
def test_healthz_reports_the_last_sweep_and_answers_503_when_it_is_stuck(client, time_machine, monkeypatch):
    monkeypatch.setitem(views.PROBES, "broker", lambda: None)
    never = client.get("/healthz")
    assert never.status_code == 503 and never.json()["sweep"] == "never"
    time_machine.move_to(timezone.now(), tick=False)
    sweep_deadlines()
    body = client.get("/healthz").json()
    assert body["sweep"] == "ok" and body["sweep_failing_rows"] == 0 and "sweep_last_completed_at" in body
    assert client.get("/healthz").status_code == 200
    time_machine.shift(timedelta(minutes=4, seconds=59))
    assert client.get("/healthz").status_code == 200
    time_machine.shift(timedelta(seconds=2))
    late = client.get("/healthz")
    assert late.status_code == 503 and late.json()["sweep"] == "late"
