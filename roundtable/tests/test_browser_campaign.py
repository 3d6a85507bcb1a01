"""Helsingør's care conversations in the browser, at desk width: create the campaign, register a planning
meeting with the manager, put two people on the list (one refused first, nothing lost), invite both in one
go, and see the figures."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.tests.axe import axe_serious
from cases.tests.factories import make_team, make_user
from roundtable.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen",
            "viewport": {"width": 1280, "height": 900}}


def test_a_care_conversation_campaign_from_request_to_invitations(page, live_server):
    team = make_team("Nord")
    make_user("hassan", team=team, first_name="Hassan", last_name="Anbohi")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "hassan")
    page.fill("input[name=password]", "demo-Password-1")
    page.click("button[type=submit]")
    page.get_by_role("button", name="Tidlig indsats").click()
    page.get_by_role("link", name="Omsorgssamtaler").first.click()

    page.fill("input[name=cvr]", "29189978")
    page.fill("input[name=employer_name]", "Plejecenter Bøgehøj")
    page.fill("input[name=manager_name]", "Lone Bech")
    page.fill("input[name=manager_email]", "lone@boegehoej.example")
    page.fill("textarea[name=concern]", "Højt fravær i nattevagten")
    page.get_by_role("button", name="Opret forløbet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Omsorgssamtaler hos Plejecenter Bøgehøj")

    page.fill("textarea[name=plan-summary]", "Mål og roller aftalt")
    page.fill("textarea[name=plan-goals]", "Halvere fraværet på et halvt år")
    page.get_by_role("button", name="Registrér mødet med lederen").click()
    expect(page.locator(".alert-success")).to_contain_text("Mødet med lederen er registreret")

    today = timezone.localdate()
    page.get_by_text("Tilføj en person til listen").click()
    page.fill("input[name=person-name]", "Anna Andersen")
    page.fill("input[name=person-cpr]", "0101801234")
    page.fill("input[name=person-sick_from]", (today - timedelta(days=300)).isoformat())
    page.fill("input[name=person-sick_to]", (today - timedelta(days=250)).isoformat())
    page.fill("input[name=person-email]", "anna@post.example")
    page.get_by_role("button", name="Tilføj til listen").click()
    expect(page.locator("#error_1_id_person-sick_to")).to_contain_text("seks måneder")
    expect(page.locator("input[name=person-name]")).to_have_value("Anna Andersen")
    page.fill("input[name=person-sick_from]", (today - timedelta(days=60)).isoformat())
    page.fill("input[name=person-sick_to]", (today - timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Tilføj til listen").click()
    expect(page.locator("#campaign-people")).to_contain_text("Anna Andersen")

    page.get_by_text("Tilføj en person til listen").click()
    page.fill("input[name=person-name]", "Bo Berg")
    page.fill("input[name=person-cpr]", "0202801234")
    page.fill("input[name=person-sick_from]", (today - timedelta(days=20)).isoformat())
    page.fill("input[name=person-phone]", "20 30 40 50")
    page.get_by_role("button", name="Tilføj til listen").click()
    expect(page.locator("#campaign-people")).to_contain_text("Bo Berg")

    day = today + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    page.fill("input[name=invite-first_at]", f"{day.isoformat()}T09:00")
    page.fill("input[name=invite-place]", "Bøgevej 4, mødelokalet")
    page.get_by_role("button", name="Invitér alle, der ikke er inviteret endnu").click()
    expect(page.locator(".alert-success")).to_contain_text("2 omsorgssamtaler er booket")
    expect(page.get_by_test_id("figure-invited")).to_have_text("2")
    expect(page.get_by_test_id("campaign-state")).to_have_text("samtaler inviteret")
    assert Meeting.objects.filter(kind=Meeting.Kind.CARE).count() == 2
    assert axe_serious(page) == []
