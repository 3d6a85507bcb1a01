"""Journey 3 in a real browser: an HR partner fills the fast-track form, fixes an error from the summary,
gets the receipt and opens the status page; the employee consents from the link in the mail; a
consultant accepts from the team queue and the case has its fast-track clock. axe-core on every
public page finds no serious or critical problem."""

import pytest
from django.utils import timezone

from cases.fasttrack import signing
from cases.models import Case, Referral
from cases.tests.axe import axe_serious
from cases.tests.factories import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_employer_sends_a_referral_and_follows_it(page, live_server):
    team = make_team("Nord")
    make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    page.goto(f"{live_server.url}/fast-track/")
    assert axe_serious(page) == []
    first_absence = (timezone.localdate() - timezone.timedelta(days=21)).isoformat()
    fields = {
        "#id_cvr": "13585627",  # wrong check digit first
        "#id_employer_name": "Nordlys Lager & Logistik A/S", "#id_employer_address": "Industrivej 40, 6000 Kolding",
        "#id_contact_name": "Hanne Ærenlund", "#id_contact_role": "HR-partner", "#id_contact_phone": "70203040",
        "#id_contact_email": "hanne@nordlys.example", "#id_employee_name": "Jørgen Ærø", "#id_employee_cpr": "020369-2468",
        "#id_employee_email": "jorgen@post.example", "#id_job_title": "lagermedarbejder", "#id_first_absence_day": first_absence,
        "#id_affected_functions": "Løft og truckkørsel.", "#id_affected_duration": "Tre uger.", "#id_work_adapted": "Nej.",
    }
    for selector, value in fields.items():
        page.fill(selector, value)
    for radio in ("#id_expected_over_8_weeks_0", "#id_absence_conversation_held_1", "#id_possibility_statement_1",
                  "#id_employee_told_0"):
        page.check(radio)
    page.click("button[type=submit]")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"  # focus moves to the summary
    assert axe_serious(page) == []
    summary.locator("a[href='#id_cvr']").click()
    assert page.locator("#id_employee_name").input_value() == "Jørgen Ærø"  # nothing lost
    page.fill("#id_cvr", "13585628")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=reference]")
    referral = Referral.objects.get()
    assert page.inner_text("[data-testid=reference]") == referral.reference
    assert axe_serious(page) == []
    page.click("a[href*='/fast-track/status/']")
    page.wait_for_selector("h1")
    assert referral.reference in page.inner_text("h1")
    assert axe_serious(page) == []

    # The employee answers from the link in the mail, with the keyboard.
    token = signing.make_token(referral.pk, salt=signing.EMPLOYEE_SALT)
    page.goto(f"{live_server.url}/fast-track/medarbejder/{token}/")
    assert axe_serious(page) == []
    page.focus("#id_consent_0")
    page.keyboard.press("Space")
    page.fill("#id_functions", "Jeg kan ikke løfte, men kan køre truck i korte perioder.")
    page.keyboard.press("Tab")
    page.click("button[type=submit]")
    page.wait_for_selector("[role=status]")
    referral.refresh_from_db()
    assert referral.consent == Referral.Consent.GIVEN

    # A consultant of the receiving team accepts it from the queue.
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "mette")
    page.fill("#id_password", "demo-Password-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/sager/fast-track/")
    page.click(f"text={referral.reference}")
    page.click("form[action$='/accepter/'] [type=submit]")
    page.wait_for_selector("#deadlines-h")
    case = Case.objects.get()
    fast = case.deadlines.get(kind="fast_track_conversation")
    assert fast.start_at == referral.received_at
    page.click("section[aria-labelledby=referral-h] summary")
    assert "Jeg kan ikke løfte" in page.inner_text("section[aria-labelledby=referral-h]")
