"""Hjørring and Roskilde in the browser: the consultant books an interdisciplinary case conference with
a psychologist and a physiotherapist (no employee, no employer), records an offer with the proposed
start the week after, and registers the start. The conference page also fits a phone's width."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Deadline, OutboxMessage
from cases.tests.axe import axe_serious
from cases.tests.factories import make_case, make_team, make_user
from roundtable.models import Meeting
from roundtable.tests.test_browser import _seed_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen",
            "viewport": {"width": 1280, "height": 900}}


def _login(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "mette")
    page.fill("input[name=password]", "demo-Password-1")
    page.click("button[type=submit]")


def test_booking_a_case_conference_and_starting_an_offer(page, live_server, browser):
    _seed_reference_data()
    importlib.import_module("cases.migrations.0024_gp_collaboration").seed(apps, None)
    team = make_team("Nord")
    user = make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    case = make_case(team=team, consultant=user, name="Bo Lykke")
    _login(page, live_server)
    page.goto(f"{live_server.url}/sager/{case.reference}/moeder/ny/")
    page.get_by_role("link", name="Book en tværfaglig sagskonference i stedet").click()
    expect(page.locator(".alert-info")).to_contain_text("uden medarbejder og arbejdsgiver")
    page.select_option("select[name=kind]", "case_conference")
    page.fill("input[name=starts_at]", timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT10:00"))
    page.select_option("select[name=place_kind]", "job_centre")
    page.fill("input[name=p-1-name]", "Pia Vinther")
    page.fill("input[name=p-1-email]", "pia@fjordby.example")
    page.fill("input[name=p-2-name]", "Rasmus Krogh")
    page.get_by_role("button", name="Book og send invitationer").click()

    expect(page.locator("h1")).to_contain_text("Tværfaglig sagskonference")
    meeting = Meeting.objects.get(kind=Meeting.Kind.CASE_CONFERENCE)
    assert set(meeting.participants.values_list("role", flat=True)) == {"consultant", "specialist"}
    recipients = {address for to in OutboxMessage.objects.values_list("to", flat=True) for address in to}
    assert case.employee.email not in recipients and "pia@fjordby.example" in recipients

    form = page.get_by_test_id("offer-form")
    proposed = form.locator("input[name=offer-start_on]").input_value()
    assert proposed >= (timezone.localdate() + timedelta(days=8)).isoformat()  # the week after the conference
    form.locator("select[name=offer-offer]").select_option(index=1)
    form.locator("input[name=offer-course_weeks]").fill("6")
    form.get_by_role("button", name="Registrér tilbuddet").click()
    expect(page.get_by_test_id("offer-starts")).to_contain_text("Ikke startet endnu")
    decided = meeting.offer_starts.get()
    assert decided.deadline.kind == "intervention_start" and decided.deadline.state == Deadline.State.OPEN

    page.get_by_role("button", name="Registrér opstart").click()
    expect(page.get_by_test_id("offer-starts")).to_contain_text("Startet")
    decided.deadline.refresh_from_db()
    assert decided.deadline.state == Deadline.State.MET
    assert axe_serious(page) == []

    # The same page at a phone's width: nothing scrolls sideways.
    phone = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen",
                                viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    small = phone.new_page()
    _login(small, live_server)
    small.goto(f"{live_server.url}/sager/{case.reference}/moeder/{meeting.pk}/")
    expect(small.get_by_test_id("offer-starts")).to_be_visible()
    assert small.evaluate(NO_SIDEWAYS_SCROLL)
    phone.close()
