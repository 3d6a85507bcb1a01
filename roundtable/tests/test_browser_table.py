"""The meeting page on a tablet (820 px) at the table: the three goals are done by tapping, without one
page reload (a marker set on `window` survives), and everything lands in the database. axe-core finds no
serious or critical violation after the swaps; the page fits 390 and 820 px without sideways scrolling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.tests.axe import axe_serious
from cases.tests.test_browser_case import login
from roundtable.models import Agreement, Placement
from roundtable.tests.factories import make_meeting, setup_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _meeting():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    return user, case, meeting


def _fits(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def test_the_three_goals_at_the_table_on_a_tablet_without_a_reload(page, live_server):
    user, case, meeting = _meeting()
    page.set_viewport_size({"width": 820, "height": 1180})
    login(page, live_server, user.username)
    page.goto(live_server.url + reverse("roundtable:detail", args=[case.reference, meeting.pk]))
    page.evaluate("window.__noReload = 'kept'")

    # Goal 1: choose the party, tap its step; the section is swapped in place each time.
    parties = (("employee", "Medarbejder", 5), ("employer", "Arbejdsgiver", 3), ("consultant", "Konsulent", 4))
    for count, (party, label, position) in enumerate(parties, start=1):
        page.locator("#goal1 .tap-steps label", has_text=label).click()
        page.get_by_test_id(f"tap-step-{position}").click()
        # The swapped section shows the new marker on the tapped step and keeps the party chosen.
        expect(page.locator("#goal1 .tap-step .stairs-marker")).to_have_count(count)
        expect(page.get_by_test_id(f"tap-step-{position}").locator(".stairs-marker")).to_have_count(1)
        expect(page.locator(f"#tap-party-{party}")).to_be_checked()
    placed = {p.party: p.step.position for p in Placement.objects.filter(meeting=meeting).select_related("step")}
    assert placed == {"employee": 5, "employer": 3, "consultant": 4}
    assert page.get_by_test_id("mismatch").is_visible()
    assert page.locator("#goal1 .tap-step .stairs-marker").count() == 3

    # Goal 2: two more week rows with "Tilføj uge", then save: the section comes back with the four weeks.
    rows = page.locator("#goal2 .week-row").count()
    page.get_by_role("button", name="Tilføj uge").click()
    page.get_by_role("button", name="Tilføj uge").click()
    assert page.locator("#goal2 .week-row").count() == rows + 2
    for i, (week, hours) in enumerate([("1", "10"), ("2", "15"), ("3", "20"), ("4", "30")]):
        page.fill(f"#id_weeks-{i}-week", week)
        page.fill(f"#id_weeks-{i}-hours", hours)
    page.get_by_role("button", name="Gem mål 2").click()
    page.get_by_test_id("goal2-saved").wait_for()
    assert [w.week for w in meeting.plan_weeks.order_by("week")] == [1, 2, 3, 4]
    # The swapped-in section has a working "Tilføj uge" again.
    rows = page.locator("#goal2 .week-row").count()
    page.get_by_role("button", name="Tilføj uge").click()
    assert page.locator("#goal2 .week-row").count() == rows + 1

    # Goal 3: a refusal shows the message next to the field and keeps the text; then the agreement is added.
    page.fill("#id_goal3-who", "Tina Tillid")
    page.get_by_role("button", name="Tilføj aftale").click()
    page.locator("#goal3", has_text="Skriv, hvad der er aftalt.").wait_for()
    assert page.input_value("#id_goal3-who") == "Tina Tillid"
    page.fill("#id_goal3-what", "Taler med kollegerne om gårdvagten")
    page.fill("#id_goal3-due_on", (timezone.localdate() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Tilføj aftale").click()
    page.get_by_test_id("goal3-saved").wait_for()
    assert page.input_value("#id_goal3-who") == ""
    assert Agreement.objects.filter(meeting=meeting, who="Tina Tillid").count() == 1
    assert page.locator("#goal3 td", has_text="Taler med kollegerne om gårdvagten").is_visible()

    assert page.evaluate("window.__noReload") == "kept"
    assert axe_serious(page) == []
    _fits(page)
    page.set_viewport_size({"width": 390, "height": 844})
    _fits(page)
