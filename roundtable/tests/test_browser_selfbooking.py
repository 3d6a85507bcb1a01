"""Varde's self-booking in the browser: the school's contact person opens the booking link on a phone,
picks a free time and books it for a named employee; the consultant sees the booking on her calendar
page (desk width) and in the bell, and the contact's page needs no sideways scrolling."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.tests.axe import axe_serious
from roundtable.models import CalendarHold
from roundtable.selfbooking import services
from roundtable.tests.selfbooking_factories import school_with_link
from roundtable.tests.test_browser import _seed_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_the_contact_books_on_a_phone_and_the_consultant_sees_it(browser, live_server):
    _seed_reference_data()
    _team, consultant, _school, link = school_with_link()
    slot = services.free_slots_of([consultant.pk])[1]
    path = "/book/" + services.link_url(link).split("/book/", 1)[1]

    phone = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen", viewport={"width": 375, "height": 740},
                                is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Book et møde med jobcentret")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_serious(page) == []
    page.locator(f"label[for='slot-{slot.key}']").tap()
    page.get_by_label("Medarbejderens navn").fill("Søren Østergård")
    page.get_by_label("Medarbejderens telefon").fill("20 30 40 50")
    page.get_by_role("button", name="Book mødet").tap()
    expect(page.get_by_role("status").first).to_contain_text("er reserveret")
    expect(page.locator("#your-bookings")).to_contain_text("Søren Østergård")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    hold = CalendarHold.objects.get()
    assert hold.starts_at == slot.starts_at and hold.employee_name == "Søren Østergård"
    phone.close()

    for width in (1280, 375):
        desk = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen", viewport={"width": width, "height": 900})
        page = desk.new_page()
        page.goto(f"{live_server.url}/login/?next=/kalender/")
        page.fill("input[name=username]", consultant.username)
        page.fill("input[name=password]", "demo-Password-1")
        page.click("button[type=submit]")
        page.wait_for_url("**/kalender/")
        bookings = page.locator("#bookings")
        expect(bookings).to_contain_text("Søren Østergård")
        expect(bookings).to_contain_text(timezone.localtime(slot.starts_at).strftime("%H:%M"))
        expect(bookings).to_contain_text("Afventer CPR-nummer")
        expect(page.locator("#links")).to_contain_text("Lone Madsen")
        if width == 375:
            assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert axe_serious(page) == []
        desk.close()
