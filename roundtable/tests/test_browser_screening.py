"""Journey: Lyngby-Taarbæk's week-6 screening in the browser. The consultant picks next week, marks two
people in the target group, books their start conversations in one go and opens one, where the three
questions wait for the employee's answers."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.infomeeting.selectors import monday_of
from cases.models import AbsenceSpell, Employee
from cases.tests.absence_factories import make_absence_world
from cases.tests.axe import axe_serious
from roundtable.models import Meeting, StartAnswer
from roundtable.screening_forms import week_value
from roundtable.tests.test_browser import _seed_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen",
            "viewport": {"width": 1280, "height": 900}}


def _next_working_morning() -> datetime:
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _row(page, name):
    return page.get_by_test_id("screening-row").filter(has_text=name)


def _mark(page, name, reason):
    row = _row(page, name)
    row.locator("summary").click()
    row.get_by_label("I målgruppen: opstartssamtale").check()
    row.get_by_label(reason).check()
    row.get_by_role("button", name="Gem markeringen").click()
    expect(page.get_by_text(f"{name} er markeret.")).to_be_visible()


def test_pick_the_week_mark_two_book_and_open_one(page, live_server):
    _seed_reference_data()
    w = make_absence_world()
    next_monday = monday_of(timezone.localdate()) + timedelta(days=7)
    for cpr, name, days in (("1203884518", "Rasmus Holm", 38), ("2507794622", "Birgitte Lunde", 30),
                            ("0911915736", "Ahmed Rahimi", 46)):
        employee = Employee.objects.create(cpr=cpr, name=name, email=f"{name.split()[0].lower()}@post.example")
        AbsenceSpell.objects.create(employee=employee, employer=w.employer, source=w.source,
                                    first_day=next_monday - timedelta(days=days))

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "anni")
    page.fill("input[name=password]", "demo-Password-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/informationsmoede/")
    expect(page.get_by_role("heading", name="Informationsmøde: screening")).to_be_visible()

    page.fill("input[name=week]", week_value(next_monday))
    page.get_by_role("button", name="Vis ugen").click()
    expect(page.get_by_test_id("screening-row")).to_have_count(3)
    expect(_row(page, "Rasmus Holm")).to_contain_text("120388-XXXX")
    expect(_row(page, "Rasmus Holm")).to_contain_text("ingen åben sag")

    _mark(page, "Rasmus Holm", "stress")
    _mark(page, "Birgitte Lunde", "angst")
    expect(_row(page, "Birgitte Lunde")).to_contain_text("I målgruppen")
    _row(page, "Ahmed Rahimi").locator("summary").click()  # an open mark form is checked too
    assert axe_serious(page) == []

    first = _next_working_morning()
    page.fill("input[name=first_at]", first.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "Jobcentret, mødelokale 2")
    page.get_by_role("button", name="Book opstartssamtalerne").click()
    expect(page.get_by_text("2 opstartssamtaler booket")).to_be_visible()
    assert Meeting.objects.filter(kind=Meeting.Kind.START).count() == 2
    expect(_row(page, "Ahmed Rahimi").get_by_test_id("start-link")).to_have_count(0)

    _row(page, "Rasmus Holm").get_by_test_id("start-link").click()
    expect(page.get_by_role("heading", name="Opstartssamtale: tre spørgsmål")).to_be_visible()
    expect(page.get_by_text("Hvilken situation kommer du fra?")).to_be_visible()
    page.get_by_label("1. Hvilken situation kommer du fra?").fill("Sygemeldt med stress efter en travl periode")
    page.get_by_role("button", name="Gem svarene").click()
    expect(page.get_by_text("Svarene er gemt.")).to_be_visible()
    assert axe_serious(page, "#start") == []
    assert StartAnswer.objects.filter(answer__startswith="Sygemeldt med stress").count() == 1


@pytest.mark.parametrize("browser_context_args", [{"locale": "da-DK", "timezone_id": "Europe/Copenhagen",
                                                  "viewport": {"width": 390, "height": 844}, "is_mobile": True,
                                                  "has_touch": True}])
def test_the_screening_page_at_phone_width(page, live_server, browser_context_args):
    w = make_absence_world()
    monday = monday_of(timezone.localdate())
    employee = Employee.objects.create(cpr="1203884518", name="Rasmus Holm Vestergaard")
    AbsenceSpell.objects.create(employee=employee, employer=w.employer, source=w.source,
                                first_day=monday - timedelta(days=38))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "anni")
    page.fill("input[name=password]", "demo-Password-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/informationsmoede/")
    _row(page, "Rasmus Holm").locator("summary").click()
    expect(_row(page, "Rasmus Holm").get_by_label("stress")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert axe_serious(page) == []
