"""Kolding's outreach in the browser: a consultant registers a visit at a new workplace on a phone, the
mistakes are explained next to the fields with nothing lost, and the team lead sees the week's progress."""

import pytest
from playwright.sync_api import expect

from cases.models import OutreachActivity
from cases.tests.axe import axe_serious
from cases.tests.factories import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen",
            "viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo-Password-1")
    page.click("button[type=submit]")


def test_registering_a_visit_at_a_new_workplace_on_a_phone(page, live_server):
    team = make_team("Nord")
    make_user("mette", team=team, first_name="Mette", last_name="Holm")
    make_user("lene", role="team_lead", team=team, lead=True, first_name="Lene", last_name="Lund")
    _login(page, live_server, "mette")
    page.goto(f"{live_server.url}/opsoegende/")
    expect(page.get_by_role("heading", name="Registrér en aktivitet")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.select_option("select[name=kind]", "visit")
    page.fill("textarea[name=presented]", "Postkort og kort oplæg om fast track")
    page.get_by_role("button", name="Registrér aktiviteten").click()
    expect(page.locator("#error_1_id_workplaces")).to_contain_text("Vælg mindst én arbejdsplads")
    expect(page.locator("textarea[name=presented]")).to_have_value("Postkort og kort oplæg om fast track")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.fill("input[name=new_cvr]", "10000130")
    page.fill("input[name=new_name]", "Fjordby Efterskole")
    page.fill("input[name=new_contact_name]", "Pia Møller")
    page.fill("input[name=new_contact_role]", "Forstander")
    page.get_by_role("button", name="Registrér aktiviteten").click()
    expect(page.locator(".alert-success")).to_contain_text("Aktiviteten er registreret")
    expect(page.locator("#outreach-activities")).to_contain_text("Fjordby Efterskole")
    expect(page.locator("#outreach-week")).to_contain_text("1 / 10")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_serious(page) == []
    assert OutreachActivity.objects.get().workplaces.get().cvr == "10000130"

    page.context.clear_cookies()
    _login(page, live_server, "lene")
    page.goto(f"{live_server.url}/overblik/")
    expect(page.locator("#outreach-week")).to_contain_text("Mette Holm")
    expect(page.locator("#outreach-week")).to_contain_text("1 / 10")
