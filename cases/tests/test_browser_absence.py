"""The early-detection journey in the browser: a payroll CSV is uploaded (preview, then import), the alert
reaches the manager's mail (the outbox) and the team's queue, and a consultant opens a case from the
alert whose week-8 clock derives from the spells."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from cases.models import AbsenceAlert, Case, OutboxMessage
from cases.tests.absence_factories import HEADER, csv_line, make_absence_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CPR = "0101901234"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen"}


def test_csv_upload_alert_to_manager_and_queue_then_case_with_week_8_from_the_spells(page, live_server):
    make_absence_world()  # team, consultant "anni", source "Lønsystem", workplace with manager Lene Leder
    today = timezone.localdate()
    earlier, current = today - timedelta(days=25), today - timedelta(days=9)
    csv_text = "\n".join([
        HEADER,
        csv_line(CPR, earlier, earlier + timedelta(days=3)),  # gap of 11 days (< 16): the same sickness period
        csv_line(CPR, current, None),  # ongoing, 10 days today: the 7-day rule is met
        csv_line("010190", current, None, name="Fejl Linje"),  # refused: CPR too short
    ]) + "\n"

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "anni")
    page.fill("input[name=password]", "demo-Password-1")
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/fravaer/indlaes/")
    page.select_option("select[name=source]", label="Lønsystem")
    page.set_input_files("input[name=file]", files=[{"name": "fravaer.csv", "mimeType": "text/csv",
                                                      "buffer": csv_text.encode()}])
    page.get_by_role("button", name="Vis forhåndsvisning").click()

    expect(page.get_by_role("heading", name="Forhåndsvisning af fraværsfilen")).to_be_visible()
    expect(page.locator("#absence-preview-summary")).to_contain_text("2 nye fravær")
    expect(page.locator("#absence-errors")).to_contain_text("10 cifre")
    content = page.content()
    assert "010190-XXXX" in content and CPR not in content  # the preview masks the CPR
    assert not AbsenceAlert.objects.exists()  # nothing imported yet

    page.get_by_role("button", name="Indlæs", exact=True).click()
    expect(page.get_by_role("heading", name="Fraværsimport")).to_be_visible()
    expect(page.locator("#absence-errors")).to_contain_text("4")  # the refused line, by its number

    # The manager's mail, through the outbox: who and which rule, no health text.
    alert = AbsenceAlert.objects.get()
    mail = OutboxMessage.objects.get(dedup_key=f"absence-alert:{alert.pk}:manager")
    assert mail.to == ["lene.leder@hjoerring.example"]
    assert "7 dage i træk" in mail.text and "Ring til en fastholdelseskonsulent" in mail.text

    # The team's queue.
    page.get_by_role("link", name="Fraværsadviser").first.click()
    queue = page.locator("#absence-queue")
    expect(queue).to_contain_text("Jens Hansen")
    expect(queue).to_contain_text("Lene Leder")
    queue.get_by_role("link", name="Jens Hansen").click()
    expect(page.locator("#absence-spells tbody tr")).to_have_count(1)  # the spell that met the rule
    page.get_by_role("button", name="Opret sag").click()

    # The case: source "fraværsadvis", first absence day from the spells, the week-8 clock from it.
    case = Case.objects.get(employee__cpr=CPR)
    expect(page).to_have_url(f"{live_server.url}/sager/{case.reference}/")
    assert case.source == Case.Source.ABSENCE_ALERT and case.first_absence_day == earlier
    week8 = case.deadlines.get(kind="ordinary_follow_up")
    assert timezone.localtime(week8.start_at).date() == earlier
    expect(page.get_by_text("første ordinære opfølgning").first).to_be_visible()
    expect(page.locator("body")).to_contain_text(date_format(timezone.localtime(week8.due_at), "D d/m/Y H:i"))
    alert.refresh_from_db()
    assert alert.state == "case_opened" and set(case.absence_spells.values_list("first_day", flat=True)) == {
        earlier, current}
