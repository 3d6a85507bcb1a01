"""Browser: the team lead's Monday (journey 5): dashboard -> overdue card -> list -> reassign."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, Deadline, Notification
from cases.roles import Role
from cases.tests.factories import make_case, make_team, make_user

AXE = Path(__file__).parent / "assets" / "axe.min.js"
PASSWORD = "demo-Password-1"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_team_lead_follows_overdue_card_and_reassigns(page, live_server):
    team = make_team("Nord")
    lead = make_user("birgitte", role=Role.TEAM_LEAD, team=team, lead=True, first_name="Birgitte")
    mette = make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    fatima = make_user("fatima", team=team, first_name="Fatima", last_name="Ali")
    late = make_case(team=team, consultant=mette, name="Søren Østergård")
    make_case(team=team, consultant=mette, name="Maja Kjær")  # not overdue: its 48-hour clock runs
    Deadline.objects.filter(case=late, kind="first_meeting").update(due_at=timezone.now() - timedelta(hours=3))

    page.goto(f"{live_server.url}/overblik/")
    page.fill("#id_username", lead.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/overblik/$"))

    card = page.locator("a[data-flag=overdue]")
    expect(card.locator("[data-count]")).to_have_text("1")
    # The page content passes axe's checks (serious and critical); the shared navbar is not ours to fix.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")  # not a <script> tag: the CSP refuses inline scripts
    violations = page.evaluate(
        "async () => (await axe.run('#main', {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ' ' + v.nodes.map(n => n.html).join(' | '))")
    assert violations == []

    card.click()
    expect(page).to_have_url(re.compile(r"/sager/\?.*flag=overdue"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(late.reference)

    page.locator("a[href^='/overblik/omfordel/']").click()
    page.locator(f"input[name=cases][value='{late.pk}']").check()
    page.select_option("#id_consultant", str(fatima.pk))
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".alert-success")).to_contain_text("Fatima Ali")

    late.refresh_from_db()
    assert late.consultant == fatima
    assert Notification.objects.filter(recipient=fatima, case=late).exists()
    assert Case.objects.filter(consultant=mette).count() == 1

    # The results page draws its charts and passes the same checks.
    page.goto(f"{live_server.url}/overblik/resultater/")
    expect(page.locator("#chart-sources")).to_be_visible()
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")  # not a <script> tag: the CSP refuses inline scripts
    violations = page.evaluate(
        "async () => (await axe.run('#main', {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)")
    assert violations == []
    assert page.evaluate("() => Chart.getChart('chart-sources') !== undefined")
