"""Vordingborg in the browser (desk width): the consultant registers the meeting with a GP practice as
one batch. A row without consent is refused on that row with everything typed still there; ticking it
registers the meeting, opens a case with the source GP and proposes the next meeting three weeks on."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, GpMeeting, GpPractice
from cases.tests.axe import axe_serious
from cases.tests.factories import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen",
            "viewport": {"width": 1280, "height": 900}}


def test_registering_a_gp_meeting_with_ten_patients(page, live_server):
    # Transactional tests flush the tables between tests: put the seeded roles and rules back.
    importlib.import_module("cases.migrations.0002_roles").create_roles(apps, None)
    for module in ("0004_seed_deadline_policies", "0024_gp_collaboration"):
        importlib.import_module(f"cases.migrations.{module}").seed(apps, None)
    team = make_team("Nord")
    make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    practice = GpPractice.objects.create(name="Lægehuset Algade", address="Algade 12, 4760 Vordingborg", team=team)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "mette")
    page.fill("input[name=password]", "demo-Password-1")
    page.click("button[type=submit]")

    page.get_by_role("button", name="Tidlig indsats").click()
    page.get_by_role("link", name="Lægepraksisser").first.click()
    page.get_by_role("link", name="Lægehuset Algade").click()
    page.get_by_role("link", name="Registrér et møde").click()
    page.fill("input[name=held_at]", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    for n in range(10):
        page.fill(f"input[name=p-{n}-name]", f"Patient {n + 1}")
        if n != 6:  # row 7: the consent is forgotten
            page.check(f"input[name=p-{n}-consent]")
        page.select_option(f"select[name=p-{n}-outcome]", "advice" if n % 2 else "early_intervention")
        page.fill(f"textarea[name=p-{n}-feedback]", f"Tilbagemelding {n + 1}")
    page.select_option("select[name=p-9-outcome]", "case_opened")
    page.fill("input[name=p-9-cpr]", "150388-4321")
    page.get_by_role("button", name="Registrér mødet").click()

    expect(page.locator("#batch-errors")).to_be_visible()
    expect(page.locator("tr.gp-row-error")).to_have_count(1)
    expect(page.locator("tr.gp-row-error")).to_contain_text("samtykke")
    expect(page.locator("input[name=p-6-name]")).to_have_value("Patient 7")
    expect(page.locator("textarea[name=p-3-feedback]")).to_have_value("Tilbagemelding 4")
    expect(page.locator("input[name=p-9-cpr]")).to_have_value("150388-4321")
    assert GpMeeting.objects.count() == 0
    assert axe_serious(page) == []  # the batch form with its row errors

    page.check("input[name=p-6-consent]")
    page.get_by_role("button", name="Registrér mødet").click()
    expect(page.locator("h1")).to_contain_text("Møde med Lægehuset Algade")
    expect(page.locator("#gp-patients tbody tr")).to_have_count(10)
    expect(page.locator("#gp-patients")).to_contain_text("150388-XXXX")
    expect(page.locator("#gp-patients")).not_to_contain_text("150388-4321")
    assert "4321" not in page.url
    assert axe_serious(page) == []
    case = Case.objects.get(source=Case.Source.GP)
    page.get_by_role("link", name=case.reference).click()
    expect(page.locator("h1")).to_contain_text("Patient 10")
    page.goto(f"{live_server.url}/laeger/{practice.pk}/")
    expect(page.locator("#next-meeting")).to_contain_text("Foreslået")
