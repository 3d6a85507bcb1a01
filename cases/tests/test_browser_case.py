"""Journey 1 in a real browser (Debian's Chromium): a consultant opens a case while on the phone,
sees the 48-hour clock explained in Danish, writes in the journal and closes the case."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from cases.tests.axe import axe_serious
from cases.tests.factories import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-Password-1")
    page.click("button[type=submit]")


def test_consultant_opens_a_case_writes_journal_and_closes_it(page, live_server):
    team = make_team("Nord")
    make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    login(page, live_server, "mette")

    page.goto(f"{live_server.url}/sager/ny/")
    page.fill("#id_cpr", "0101701234")
    page.fill("#id_employee_name", "Søren Østergård")
    page.fill("#id_cvr", "13585627")  # wrong checksum first: a Danish message, nothing lost
    page.fill("#id_employer_name", "Skolen ved Øresund")
    page.fill("#id_first_absence_day", (timezone.localdate() - timedelta(days=10)).isoformat())
    page.check("#id_risk_mental_health")
    page.fill("#id_health_note", "Stress efter konflikt")
    page.click("input[type=submit], button[type=submit] >> nth=-1")
    assert page.locator("#id_cvr").input_value() == "13585627"
    assert page.locator("#id_employee_name").input_value() == "Søren Østergård"
    assert page.locator(".invalid-feedback, .alert-danger").first.is_visible()
    assert Case.objects.count() == 0

    page.fill("#id_cvr", "13585628")
    page.click("input[type=submit], button[type=submit] >> nth=-1")
    page.wait_for_selector("#deadlines-h")
    case = Case.objects.get()
    assert case.complexity == Case.Complexity.COMPLEX
    body = page.inner_text("main")
    assert "Søren Østergård" in body
    assert "arbejdstimer" in body  # the 48-hour clock, explained in Danish
    assert "0101701234" not in body and "010170-1234" not in body  # CPR masked
    assert axe_serious(page) == []

    page.fill("#id_text", "Ringede til Lone; rundbordssamtale mandag kl. 10.")
    page.click("form[action$='/journal/'] [type=submit]")
    page.wait_for_selector("text=Ringede til Lone")

    page.select_option("#id_outcome", "retained")
    page.click("form[action$='/luk/'] [type=submit]")
    page.wait_for_selector("text=Genåbn sag")
    case.refresh_from_db()
    assert not case.is_open and case.outcome == "retained"
    assert not case.deadlines.unfinished().exists()
