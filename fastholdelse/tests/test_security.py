"""Errors and abuse: Danish error pages in the layout, no redirect loop, security headers on every
kind of page, no inline scripts or styles (the CSP forbids them)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from cases.roles import Role
from cases.tests.factories import make_case, make_team, make_user
from cases.tests.test_fasttrack import form_data
from cases.tests.test_views import danish

pytestmark = pytest.mark.django_db


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.fixture
def world():
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    mette = make_user("mette", team=team)
    return {"team": team, "mette": mette, "case": make_case(team=team, consultant=mette)}


def test_security_headers_on_a_page_of_each_kind(client, world):
    public_form = client.get(reverse("fasttrack:form"))
    login = client.get(reverse("login"))
    not_found = client.get("/findes-ikke/")
    referral = client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="192.0.2.40")
    token = referral["Location"].rstrip("/").split("/")[-1]
    pdf = client.get(reverse("fasttrack:pdf", args=[token]))
    client.force_login(world["mette"])
    staff_page = client.get(reverse("cases:detail", args=[world["case"].reference]))
    assert pdf["Content-Type"] == "application/pdf"
    for response, status in ((public_form, 200), (login, 200), (not_found, 404), (pdf, 200), (staff_page, 200)):
        assert response.status_code == status
        assert_security_headers(response)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)


def assert_no_inline_code(html: str):
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html), html[max(0, INLINE_STYLE.search(html).start() - 200):][:400]


def test_pages_carry_no_inline_scripts_or_styles(client, world):
    lead = make_user("birgitte", role=Role.TEAM_LEAD, team=world["team"], lead=True)
    pages = [client.get(reverse("fasttrack:form")).content,
             client.post(reverse("fasttrack:form"), form_data(cvr="12345678"), REMOTE_ADDR="192.0.2.41").content,
             client.get(reverse("login")).content]
    client.force_login(lead)
    for name in ("cases:list", "cases:create", "dashboard:index", "dashboard:results", "phone:calls",
                 "fasttrack:triage"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        pages.append(response.content)
    pages.append(client.get(reverse("cases:detail", args=[world["case"].reference])).content)
    for html in pages:
        assert_no_inline_code(html.decode())


def test_404_and_403_are_danish_in_the_layout(client, world):
    client.force_login(world["mette"])
    not_found = client.get("/sager/FH-0000-99999/").content.decode()
    assert danish("The page was not found") in not_found
    assert 'class="navbar' in not_found  # the site's layout, with the menu of a logged-in user
    forbidden = client.get(reverse("cases:access_insight"))  # admins only
    assert forbidden.status_code == 403
    assert danish("You do not have access to this page") in forbidden.content.decode()
    assert_security_headers(forbidden)


def test_500_page_renders_without_the_database(django_db_blocker):
    request = RequestFactory().get("/sager/")
    with django_db_blocker.block():  # a 500 is often the database being down
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert danish("Something went wrong on our side") in html
    assert 'href="/static/css/app.css"' in html


def test_a_server_error_shows_the_danish_page(world, settings):
    settings.ROOT_URLCONF = "fastholdelse.tests.urls_boom"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert danish("Something went wrong on our side") in response.content.decode()
    assert_security_headers(response)


def test_a_refused_form_gets_a_danish_page_not_django_s():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert danish("The form could not be sent") in html
    assert "CSRF verification failed" not in html and "Forbidden" not in html


def test_a_logged_in_user_without_a_role_gets_a_page_not_a_loop(client):
    user = get_user_model().objects.create_user("ny", password="x-Password-1", first_name="Nina")
    client.force_login(user)
    response = client.get(reverse("login"), follow=True)
    # login → start page → case list, and there it stops with a page (no loop back to the login)
    assert [url for url, _status in response.redirect_chain] == ["/", reverse("cases:list")]
    assert response.status_code == 403
    assert danish("Your user has no role yet") in response.content.decode()
    for url in (reverse("cases:list"), reverse("cases:access_insight"), reverse("fasttrack:triage")):
        assert client.get(url).status_code == 403


def test_anonymous_users_still_go_to_the_login_page(client):
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_spoofed_forwarded_for_does_not_dodge_the_login_lock_out(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    make_user("anders", email="a@kommune.example")
    for n in range(5):  # the attacker writes a new address into the header each time, behind our proxy
        client.post(reverse("login"), {"username": "anders", "password": "forkert"},
                    REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7")
    locked = client.post(reverse("login"), {"username": "anders", "password": "demo-Password-1"},
                         REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7")
    assert locked.status_code == 429  # the client is 203.0.113.7, whatever it wrote before
