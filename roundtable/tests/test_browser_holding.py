"""At phone width the meeting page, with its held-time field and its error, needs no sideways
scrolling, and registering a held meeting works with the keyboard and a touch screen alike."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.tests.factories import make_case, make_team, make_user
from roundtable import services
from roundtable.models import Meeting
from roundtable.tests.factories import participants
from roundtable.tests.test_browser import _seed_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen",
            "viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def test_registering_a_held_meeting_at_phone_width(page, live_server):
    _seed_reference_data()
    team = make_team("Nord")
    user = make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    case = make_case(team=team, consultant=user)
    starts = timezone.now() + timedelta(hours=2)
    meeting = services.meeting_schedule(case=case, actor=user, kind=Meeting.Kind.ROUNDTABLE, participants=participants(),
                                        slot=services.SlotData(starts_at=starts, place="Skolen ved Øresund, lokale 2"))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "mette")
    page.fill("input[name=password]", "demo-Password-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/sager/{case.reference}/moeder/{meeting.pk}/")

    field = page.locator("input[name=hold-held_at]")
    expect(field).to_have_value(timezone.localtime(starts).strftime("%Y-%m-%dT%H:%M"))  # the booked start
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    box = field.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375

    # The booked start lies ahead: refused next to the field, and the page still fits.
    page.get_by_role("button", name="Registrér mødet som afholdt").click()
    expect(page.locator("#error_1_id_hold-held_at")).to_contain_text("i fremtiden")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.fill("input[name=hold-held_at]", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Registrér mødet som afholdt").click()
    expect(page.get_by_test_id("meeting-state")).to_have_text("afholdt")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
