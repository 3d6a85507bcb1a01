"""A consultant schedules a roundtable, holds it through the three goals, finalises and downloads the PDF."""

import importlib
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import AccessLog
from cases.tests.axe import axe_serious
from cases.tests.factories import make_case, make_team, make_user
from roundtable.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen"}


def _seed_reference_data():
    """Transactional tests flush the tables between tests: put the seeded rules back."""
    for module in ("cases.migrations.0002_roles", "cases.migrations.0004_seed_deadline_policies",
                   "roundtable.migrations.0001_initial"):
        seeder = importlib.import_module(module)
        (getattr(seeder, "seed", None) or seeder.create_roles)(apps, None)


def test_consultant_holds_a_roundtable_and_downloads_the_minutes(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _seed_reference_data()
    team = make_team("Nord")
    user = make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    user.set_password("demo-Password-1")
    user.save()
    case = make_case(team=team, consultant=user, name="Søren Østergård")


    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "mette")
    page.fill("input[name=password]", "demo-Password-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/sager/{case.reference}/")
    page.get_by_role("link", name="Book et møde").click()

    when = timezone.localtime(timezone.now() + timedelta(days=1)).replace(hour=10, minute=0)
    page.fill("input[name=starts_at]", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "Skolen ved Øresund, mødelokale 2")
    page.select_option("select[name=p-2-role]", "employer")
    page.fill("input[name=p-2-name]", "Lone Madsen")
    page.fill("input[name=p-2-email]", "lone@skolen.example")
    assert axe_serious(page) == []
    page.get_by_role("button", name="Book og send invitationer").click()
    # Held now (the default is the booked start, tomorrow, which is refused as a future time).
    page.fill("input[name=hold-held_at]", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Registrér mødet som afholdt").click()
    expect(page.get_by_test_id("meeting-state")).to_have_text("afholdt")

    # Goal 1: three placements apart, then the agreed step.
    page.select_option("select[name=goal1-employee]", label="5. Sygemeldt, uafklaret tilbagevenden")
    page.select_option("select[name=goal1-employer]", label="3. Delvis raskmeldt, timerne øges")
    page.select_option("select[name=goal1-consultant]", label="4. Sygemeldt med kontakt og en plan for tilbagevenden")
    page.select_option("select[name=goal1-agreed]", label="4. Sygemeldt med kontakt og en plan for tilbagevenden")
    page.get_by_role("button", name="Gem mål 1").click()
    expect(page.get_by_test_id("mismatch")).to_be_visible()
    # Goal 2: the plan, a week and an offer for the agreed step.
    page.fill("textarea[name=goal2-plan_text]", "Gradvis tilbagevenden uden gårdvagt.")
    page.fill("input[name=weeks-0-week]", "1")
    page.fill("input[name=weeks-0-hours]", "10")
    page.fill("input[name=weeks-0-tasks]", "Undervisning uden gårdvagt")
    page.get_by_label("Mentor på arbejdspladsen").check()
    page.get_by_role("button", name="Gem mål 2").click()
    # Goal 3: an agreement with a date.
    page.fill("input[name=goal3-who]", "Lone Madsen")
    page.fill("input[name=goal3-what]", "Fjerner gårdvagten")
    page.fill("input[name=goal3-due_on]", (timezone.localdate() + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Tilføj aftale").click()
    expect(page.get_by_text("Fjerner gårdvagten")).to_be_visible()
    page.get_by_role("button", name="Book opfølgningsmødet").click()
    expect(page.get_by_text("Opfølgningsmødet er booket")).to_be_visible()
    meeting = Meeting.objects.get(case=case, kind=Meeting.Kind.ROUNDTABLE)
    assert meeting.follow_up is not None
    page.goto(f"{live_server.url}/sager/{case.reference}/moeder/{meeting.pk}/")
    page.get_by_role("button", name="Godkend og lås referatet").click()
    expect(page.get_by_text("Referatet er godkendt og låst som version 1")).to_be_visible()
    assert axe_serious(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Arbejdsgiverens kopi").click()
    data = open(info.value.path(), "rb").read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Fjerner gårdvagten" in text and "Side 1 af" in text and "Mentor på arbejdspladsen" in text
    assert AccessLog.objects.filter(case=case, action=AccessLog.Action.DOWNLOAD).count() == 1
