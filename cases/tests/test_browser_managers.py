"""Frederikssund's tools on a phone (375 px): a manager reads the guide, fills in the absence-conversation
template with the employee, downloads the PDF, sends it on as a fast-track request (prefilled with the
date and the agreements), and later finds the tools again from the status page. No page scrolls
sideways, and axe-core finds no serious or critical problem."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Organisation, Referral
from cases.tests.axe import axe_serious
from cases.tests.factories import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
AGREEMENT = "Jørgen starter på 15 timer om ugen fra mandag. Lise ringer torsdag kl. 10."


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen", "accept_downloads": True,
            "viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def _phone_ok(page):
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.url
    assert axe_serious(page) == [], page.url


def test_the_tools_fit_a_phone(page, live_server):
    for path in ("/for-ledere/", "/for-ledere/sygefravaerssamtale/", "/for-ledere/kontaktnotat/"):
        page.goto(f"{live_server.url}{path}")
        _phone_ok(page)
    page.click("button[value=pdf]")  # the contact note, empty: the error summary at phone width
    page.wait_for_selector("#error-summary")
    _phone_ok(page)


def test_a_manager_fills_in_the_conversation_on_a_phone_and_sends_it_on(page, live_server, tmp_path):
    Organisation.objects.update_or_create(pk=1, defaults={"municipality": "Frederikssund Kommune",
                                                          "job_centre": "Jobcenter Frederikssund"})
    team = make_team("Fastholdelse")
    team.receives_fast_track = True
    team.save()
    make_user("mette", team=team)
    today = timezone.localdate()
    held = today - timedelta(days=1)

    page.goto(f"{live_server.url}/login/")
    page.click("text=Værktøjer til ledere: vejledning og skabeloner")
    page.wait_for_selector("#week-4")
    page.click("#week-4 a[href='/for-ledere/sygefravaerssamtale/']")
    page.wait_for_selector("[data-testid=health-warning]")
    page.fill("#id_employee_name", "Jørgen Ærø")
    page.fill("#id_manager_name", "Lise Højgaard")
    page.fill("#id_workplace", "Frederikssund Rådhus")
    page.fill("#id_first_absence_day", (today - timedelta(days=22)).isoformat())
    page.fill("#id_held_on", (today + timedelta(days=2)).isoformat())  # a slip: a date in the future
    page.fill("#id_can_do", "Telefonvagt og sagsbehandling.")
    page.fill("#id_cannot_do", "Løft og skranken en hel dag.")
    page.check("#id_over_8_weeks_0")
    page.fill("#id_adjustments", "Hæve-sænkebord og korte dage.")
    page.fill("#id_agreements", AGREEMENT)
    page.click("button[value=pdf]")
    page.wait_for_selector("#error-summary")
    assert "Datoen kan ikke ligge i fremtiden." in page.inner_text("#error-summary")
    assert page.input_value("#id_agreements") == AGREEMENT  # nothing lost
    _phone_ok(page)
    page.fill("#id_held_on", held.isoformat())

    with page.expect_download() as download_info:
        page.click("button[value=pdf]")
    download = download_info.value
    assert download.suggested_filename == f"sygefravaerssamtale-{held.isoformat()}.pdf"
    path = tmp_path / "samtale.pdf"
    download.save_as(path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Jobcenter Frederikssund" in text and "Jørgen starter på 15 timer om ugen" in text
    assert Referral.objects.count() == 0

    page.click("button[value=referral]")
    page.wait_for_selector("[data-testid=prefilled]")
    _phone_ok(page)
    assert page.input_value("#id_absence_conversation_on") == held.isoformat()
    assert page.is_checked("#id_absence_conversation_held_0")
    assert AGREEMENT in page.input_value("#id_adjustments_tried")
    assert page.input_value("#id_employee_name") == "Jørgen Ærø"
    assert page.input_value("#id_work_adapted") == "Hæve-sænkebord og korte dage."
    assert Referral.objects.count() == 0  # still nothing stored
    fields = {
        "#id_cvr": "13585628", "#id_employer_address": "Torvet 2, 3600 Frederikssund", "#id_contact_role": "Afdelingsleder",
        "#id_contact_phone": "47351000", "#id_contact_email": "lise@frederikssund.example",
        "#id_employee_cpr": "020369-2468", "#id_employee_email": "jorgen@post.example",
        "#id_job_title": "administrativ medarbejder", "#id_affected_duration": "Tre uger.",
    }
    for selector, value in fields.items():
        page.fill(selector, value)
    page.check("#id_possibility_statement_1")
    page.check("#id_employee_told_0")
    page.click("button[type=submit]:not([value])")
    page.wait_for_load_state()
    if page.locator("#error-summary").count():
        raise AssertionError(page.inner_text("#error-summary"))
    page.wait_for_selector("[data-testid=reference]")
    referral = Referral.objects.get()
    assert referral.absence_conversation_on == held and AGREEMENT in referral.adjustments_tried
    assert referral.contact_name == "Lise Højgaard" and referral.expected_over_8_weeks is True

    page.click("a[href*='/fast-track/status/']")
    page.wait_for_selector("[data-testid=managers-tools]")
    _phone_ok(page)
    page.click("[data-testid=managers-tools]")
    page.wait_for_selector("#week-8")
    assert "/for-ledere/" in page.url
