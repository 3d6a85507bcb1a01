"""The public form under abuse: the client address behind proxies, and the rate limit that counts
accepted referrals in fixed windows and degrades when the cache is down."""

import logging
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from cases.clientip import client_ip
from cases.fasttrack import ratelimit
from cases.models import Referral
from cases.tests.test_fasttrack import form_data, team  # noqa: F401  (fixture)
from cases.tests.test_views import danish

pytestmark = pytest.mark.django_db


def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    # No trusted proxy in front: the header is the client's own words and is ignored.
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
    # Behind our proxy: the address our proxy appended, not the first (client-written) entry.
    ("10.0.0.5", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
    # Two of our proxies in a row: skip both, counted from the right.
    ("10.0.0.5", "6.6.6.6, 198.51.100.1, 10.0.0.7", "198.51.100.1"),
    # The proxy itself sends (a health check): no header, the proxy's address.
    ("10.0.0.5", None, "10.0.0.5"),
    # IPv6 client and a port on an IPv4 entry.
    ("10.0.0.5", "2001:db8::1", "2001:db8::1"),
    ("10.0.0.5", "198.51.100.1:5555", "198.51.100.1"),
    # A garbled entry after our proxy: that is where trust ends; never the spoofed left part.
    ("10.0.0.5", "198.51.100.1, nonsense", "invalid"),
])
def test_client_ip_trusts_forwarded_for_only_from_configured_proxies(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request_from(remote, forwarded)) == expected


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("10.0.0.5", "198.51.100.1")) == "10.0.0.5"


def test_failed_validations_do_not_count(client, team):  # noqa: F811
    for _ in range(8):  # an employer correcting typos
        response = client.post(reverse("fasttrack:form"), form_data(cvr="12345678"), REMOTE_ADDR="192.0.2.60")
        assert response.status_code == 400
    assert client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="192.0.2.60").status_code == 302


def test_the_limit_counts_stored_referrals_and_keeps_the_input(client, team, settings):  # noqa: F811
    settings.FASTTRACK_RATE_LIMIT = 2
    statuses = [client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="192.0.2.61").status_code
                for _ in range(3)]
    assert statuses == [302, 302, 429]
    blocked = client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="192.0.2.61")
    assert "Hanne Ærenlund" in blocked.content.decode()
    assert Referral.objects.count() == 2
    assert client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="192.0.2.62").status_code == 302


def test_a_client_that_keeps_retrying_cannot_extend_its_window(settings):
    settings.FASTTRACK_RATE_LIMIT = 1
    request = request_from("192.0.2.63")
    start = 1_800_000_000.0 - 1_800_000_000.0 % ratelimit.RATE_WINDOW  # the start of a window
    ratelimit.count_accepted(request, now=start + 10)
    for second in range(20, ratelimit.RATE_WINDOW, 30):  # retrying all through the window
        assert ratelimit.limit_reached(request, now=start + second)
    assert not ratelimit.limit_reached(request, now=start + ratelimit.RATE_WINDOW + 1)


def test_the_window_is_fixed_with_the_file_cache_too(tmp_path, settings):
    """The file cache's incr re-sets a key's expiry to the default (300 s): the counter must still
    live to the end of its window, and not one second longer."""
    from django.core.cache.backends.filebased import FileBasedCache

    settings.FASTTRACK_RATE_LIMIT = 2
    file_cache = FileBasedCache(str(tmp_path), {})
    request = request_from("192.0.2.64")
    start = 1_800_000_000 - 1_800_000_000 % ratelimit.RATE_WINDOW
    with mock.patch.object(ratelimit, "cache", file_cache), time_machine.travel(start + 1, tick=False) as clock:
        ratelimit.count_accepted(request)
        clock.move_to(start + 2)
        ratelimit.count_accepted(request)
        clock.move_to(start + 500)  # past the default expiry that incr gave the key
        assert ratelimit.limit_reached(request)
        clock.move_to(start + ratelimit.RATE_WINDOW + 1)
        assert not ratelimit.limit_reached(request)


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache is down")
        return fail


def test_a_cache_that_is_down_lets_the_referral_through_and_logs(client, team, monkeypatch, caplog):  # noqa: F811
    monkeypatch.setattr(ratelimit, "cache", BrokenCache())
    with caplog.at_level(logging.WARNING, logger="cases.fasttrack.ratelimit"):
        response = client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="192.0.2.65")
    assert response.status_code == 302
    assert Referral.objects.count() == 1
    assert "cache unavailable" in caplog.text


def test_the_blocked_message_is_danish(client, team, settings):  # noqa: F811
    settings.FASTTRACK_RATE_LIMIT = 0
    cache.clear()
    response = client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="192.0.2.66")
    assert response.status_code == 429
    assert danish("Too many requests from your address. Wait ten minutes and send again; "
                  "what you typed is still here.") in response.content.decode()


def test_the_lock_out_gets_a_valid_address_or_none(settings):
    from cases.clientip import client_ip_for_axes

    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip_for_axes(request_from("10.0.0.5", "198.51.100.1")) == "198.51.100.1"
    assert client_ip_for_axes(request_from("10.0.0.5", "garbage")) is None  # axes stores an inet on PostgreSQL
    assert client_ip_for_axes(None) is None


def test_with_the_cache_down_each_process_still_counts_so_the_opening_is_bounded(client, team, monkeypatch, settings):  # noqa: F811
    """Fail open, but bounded: the process's own counter keeps the limit per process and window."""
    settings.FASTTRACK_RATE_LIMIT = 2
    monkeypatch.setattr(ratelimit, "cache", BrokenCache())
    monkeypatch.setattr(ratelimit, "_local_counts", {})
    statuses = [client.post(reverse("fasttrack:form"), form_data(employee_cpr=f"0203{60 + n}2468"),
                            REMOTE_ADDR="192.0.2.66").status_code for n in range(3)]
    assert statuses[:2] == [302, 302] and statuses[2] != 302
    assert Referral.objects.count() == 2
    # Another address has its own count.
    assert client.post(reverse("fasttrack:form"), form_data(employee_cpr="0203702468"),
                       REMOTE_ADDR="192.0.2.67").status_code == 302
