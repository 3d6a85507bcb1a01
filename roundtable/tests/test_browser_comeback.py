"""Come-back in the browser (desk width): screen a case with the questionnaire, hold a coaching
conversation with notes, close as retained with aftercare, record the first check-in; then the case page
at phone width needs no sideways scrolling."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.apps import ensure_defaults
from cases.models import Case, Deadline
from cases.tests.factories import make_case, make_team, make_user
from roundtable.models import Meeting
from roundtable.tests.test_browser import _seed_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen",
            "viewport": {"width": 1280, "height": 900}}


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_screen_coach_close_with_aftercare_and_check_in(page, live_server):
    _seed_reference_data()
    ensure_defaults(sender=None)  # the questionnaire and the aftercare policy after the flush
    team = make_team("Nord")
    mette = make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    case = make_case(team=team, consultant=mette, name="Rikke Holm Jessen")
    case_url = f"{live_server.url}/sager/{case.reference}/"
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "mette")
    page.fill("input[name=password]", "demo-Password-1")
    page.click("button[type=submit]")

    # 1. The risk screening, rendered from the questionnaire: two yes answers, the score and its reasons.
    page.goto(case_url)
    page.check("#id_risk_no_absence_talk")
    page.check("#id_risk_mental_health")
    page.get_by_role("button", name="Gem screening").click()
    reasons = page.get_by_test_id("screening-reasons")
    expect(reasons).to_contain_text("score 2 point (kompleks fra 1)")
    expect(reasons).to_contain_text("Angst, depression eller stress (+1)")
    expect(reasons).to_contain_text("Ingen samtale om fraværet endnu (+1)")

    # 2. A coaching conversation: the employee and the consultant alone; held; notes written.
    page.get_by_role("link", name="Book en coachende samtale").click()
    expect(page.locator("#id_kind")).to_have_value("coaching")
    expect(page.locator("input[name=p-0-name]")).to_have_value("Rikke Holm Jessen")
    expect(page.locator("select[name=p-1-role]")).to_have_value("consultant")
    page.fill("#id_starts_at", _local(timezone.now() + timedelta(minutes=30)))
    page.select_option("#id_place_kind", "job_centre")
    page.get_by_role("button", name="Book og send invitationer").click()
    expect(page.get_by_test_id("coaching")).to_be_visible()
    page.fill("input[name=hold-held_at]", _local(timezone.now()))
    page.get_by_role("button", name="Registrér mødet som afholdt").click()
    expect(page.get_by_test_id("meeting-state")).to_have_text("afholdt")
    page.get_by_label("Noter fra den coachende samtale (følsomme, deles aldrig med arbejdsgiveren)").fill(
        "Faste pauser kl. 10 og 14; siger fra over for ekstra vagter.")
    page.get_by_role("button", name="Gem notat").click()
    meeting = Meeting.objects.get(case=case, kind=Meeting.Kind.COACHING)
    assert meeting.consultant_note.startswith("Faste pauser")
    assert set(meeting.participants.values_list("role", flat=True)) == {"employee", "consultant"}

    # 3. Close as retained with aftercare at 2, 6 and 12 weeks.
    page.goto(case_url)
    page.select_option("#id_outcome", "retained")
    page.check("#id_aftercare")
    expect(page.locator("#id_aftercare_weeks")).to_have_value("2, 6, 12")
    page.get_by_role("button", name="Afslut sag").click()
    aftercare = page.get_by_test_id("aftercare")
    expect(aftercare).to_contain_text("Efterværn: opfølgning 2 uger efter lukning")
    expect(aftercare).to_contain_text("Efterværn: opfølgning 12 uger efter lukning")

    # 4. The first check-in: an empty note is refused in Danish; a short note meets the clock.
    first = Deadline.objects.filter(case=case, kind="aftercare_check_in").order_by("due_at").first()
    page.fill(f"textarea[name=ci{first.pk}-text]", "   ")  # passes the browser's check, not the server's
    page.locator(f"form[action$='/eftervaern/{first.pk}/'] button").click()
    expect(page.locator(f"#error_1_id_ci{first.pk}-text")).to_contain_text("Skriv en kort note om opfølgningen.")
    page.fill(f"textarea[name=ci{first.pk}-text]", "Ringede: god første uge tilbage, pauserne holder.")
    page.locator(f"form[action$='/eftervaern/{first.pk}/'] button").click()
    expect(page.get_by_text("Opfølgningen er registreret.")).to_be_visible()
    first.refresh_from_db()
    assert first.state == Deadline.State.MET
    assert Case.objects.get(pk=case.pk).journal_entries.filter(kind="aftercare").count() == 1

    # 5. Phone width: the closed case with its aftercare fits without sideways scrolling.
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(case_url)
    expect(page.get_by_test_id("aftercare")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
