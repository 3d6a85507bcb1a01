"""The cache is an optimisation, never a dependency: with it raising (Redis down) the overview is counted
uncached, a committed save never turns into an error page, and a failed invalidation is logged and the
next read recomputes."""

import logging

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases.dashboard import cache as dashboard_cache
from cases.models import JournalEntry
from cases.roles import Role
from cases.tests.factories import make_case, make_team, make_user

RAISING = {"default": {"BACKEND": "fastholdelse.tests.broken_cache.RaisingCache"}}
DEAD_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0", "OPTIONS": {"socket_connect_timeout": 0.25}}}


@pytest.fixture(autouse=True)
def _no_outstanding_bumps():
    dashboard_cache._failed_bumps.clear()
    yield
    dashboard_cache._failed_bumps.clear()


@pytest.fixture
def nord():
    team = make_team("Nord")
    lead = make_user("birgitte", role=Role.TEAM_LEAD, team=team, lead=True)
    mette = make_user("mette", team=team)
    case = make_case(team=team, consultant=mette)
    return {"team": team, "lead": lead, "mette": mette, "case": case}


@pytest.mark.django_db
@pytest.mark.parametrize("caches_setting", [RAISING, DEAD_REDIS], ids=["raising", "stopped-redis"])
def test_overview_is_counted_uncached_when_the_cache_fails(client, nord, caches_setting, caplog):
    client.force_login(nord["lead"])
    with override_settings(CACHES=caches_setting), caplog.at_level(logging.WARNING, "cases.dashboard.cache"):
        response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    cards = {card["flag"]: card["count"] for card in response.context["cards"]}
    assert cards["unassigned"] == 0
    assert "Teamoverblik" in response.content.decode()
    assert "counting uncached" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_journal_post_with_a_failing_bump_redirects_and_stores_one_row(client, nord, caplog):
    client.force_login(nord["mette"])
    url = reverse("cases:journal_add", args=[nord["case"].reference])
    data = {"kind": "note", "text": "Ringede til Søren.", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    with override_settings(CACHES=RAISING), caplog.at_level(logging.WARNING, "cases.dashboard.cache"):
        response = client.post(url, data)
    assert response.status_code == 302
    assert JournalEntry.objects.filter(case=nord["case"], text="Ringede til Søren.").count() == 1
    assert f"bump failed for team {nord['team'].pk}" in caplog.text


@pytest.mark.django_db
def test_a_failed_bump_is_logged_and_the_next_read_recomputes(nord, monkeypatch, caplog):
    team_id = nord["team"].pk
    computed = []

    def compute(now):
        computed.append(now)
        return len(computed)

    assert dashboard_cache.cached(("t",), [team_id], compute)[0] == 1
    assert dashboard_cache.cached(("t",), [team_id], compute)[0] == 1  # served from the cache

    backend = caches["default"]

    def refuse(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(backend, "incr", refuse)
    monkeypatch.setattr(backend, "set", refuse)
    monkeypatch.setattr(backend, "get_many", refuse)
    with caplog.at_level(logging.WARNING, "cases.dashboard.cache"):
        dashboard_cache.team_generation_bump(team_id)  # a change was committed; invalidation fails
    assert "bump failed" in caplog.text
    # While the cache is down, reads count uncached.
    assert dashboard_cache.cached(("t",), [team_id], compute)[0] == 2
    monkeypatch.undo()
    # The cache is back and still holds the stale entry: the next read bumps first and recomputes.
    assert dashboard_cache.cached(("t",), [team_id], compute)[0] == 3
    assert dashboard_cache.cached(("t",), [team_id], compute)[0] == 3
    assert not dashboard_cache._failed_bumps
