"""Every main staff page at a 390 px phone and an 820 px tablet: the page itself never scrolls sideways
(wide tables scroll inside their own box or collapse), and axe-core finds no serious or critical
violation. The meeting page's "Markér som udført" stays on screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import notifications
from cases.phone import services as phone
from cases.roles import Role
from cases.tests.axe import axe_serious
from cases.tests.factories import make_referral, make_user
from roundtable.models import Agreement
from roundtable.tests.factories import held_meeting_with_goals, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 820]


def _world():
    team, user, case, meeting = held_meeting_with_goals(health_note="Ondt i ryggen")
    team.receives_fast_track = True
    team.save()
    lead = make_user("birgitte", role=Role.TEAM_LEAD, team=team, lead=True, first_name="Birgitte",
                     last_name="Holm-Kristensen")
    team.members.add(lead)
    make_meeting(case=case, actor=user, starts_in=timedelta(days=3))
    make_referral(team, cpr="0101804321")
    phone.call_log(actor=user, team=team, caller_type="employer",
                   summary="Arbejdsgiveren ringer om en medarbejder med lange sygeperioder og ønsker et møde snart",
                   settled=False)
    # The notifications page with an unread, a read and a held-back deadline mail (its contrast is checked).
    notifications.notify(recipient=lead, kind="deadline_warning", title=f"Frist i morgen på {case.reference}",
                         body="Opfølgning efter mødet.", dedup_key="r:1", case=case,
                         email_after=timezone.now() + timedelta(hours=10))
    read = notifications.notify(recipient=lead, kind="case_assigned", title="Sag omfordelt", body="Note fra Mette: ring.",
                                dedup_key="r:2", case=case)
    notifications.notifications_mark_read(user=lead, ids=[read.pk])
    return team, lead, case, meeting


PAGES = {
    "case": lambda t, c, m: reverse("cases:detail", args=[c.reference]),
    "case_list": lambda t, c, m: reverse("cases:list"),
    "team_overview": lambda t, c, m: reverse("dashboard:index"),
    "reassign_bulk": lambda t, c, m: reverse("dashboard:reassign"),
    "reassign_case": lambda t, c, m: reverse("cases:reassign", args=[c.reference]),
    "triage": lambda t, c, m: reverse("fasttrack:triage"),
    "call_log": lambda t, c, m: reverse("phone:calls") + f"?team={t.pk}",
    "meeting": lambda t, c, m: reverse("roundtable:detail", args=[c.reference, m.pk]),
    "my_work": lambda t, c, m: reverse("mywork:index"),
    "notifications": lambda t, c, m: reverse("cases:notifications"),
    "accessibility": lambda t, c, m: reverse("accessibility"),
}


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-Password-1")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_fits_the_screen_and_passes_axe(page, live_server, name, width):
    team, lead, case, meeting = _world()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, lead.username)
    response = page.goto(live_server.url + PAGES[name](team, case, meeting))
    assert response.status == 200, name
    overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"{name} at {width}px scrolls sideways: {overflow}"
    assert axe_serious(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_meeting_done_button_is_reachable_and_the_staircase_legible(page, live_server, width):
    team, lead, case, meeting = _world()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, lead.username)
    page.goto(live_server.url + PAGES["meeting"](team, case, meeting))
    done = page.get_by_role("button", name="Markér som udført").first
    done.scroll_into_view_if_needed()
    box = done.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    # The SVG scales its 13-unit text with its width: the rendered size is what a reader sees.
    rendered = page.evaluate(
        "(() => { const svg = document.querySelector('#goal1 .staircase svg');"
        " return 13 * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; })()")
    assert rendered >= 12, rendered
    open_before = Agreement.objects.filter(done_at__isnull=True).count()
    done.click()
    page.wait_for_load_state()
    assert Agreement.objects.filter(done_at__isnull=True).count() == open_before - 1


def _tab_to(page, predicate_js: str, limit: int = 150) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!e && ({predicate_js}); }})()"):
            return True
    return False


@pytest.mark.parametrize("width", [390, 1280])
def test_keyboard_alone_opens_the_menu_and_marks_an_agreement_done(page, live_server, width):
    """What the accessibility statement promises: the menu and the meeting's actions work by keyboard."""
    team, lead, case, meeting = _world()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, lead.username)
    page.goto(live_server.url + PAGES["meeting"](team, case, meeting))
    if width < 992:  # the collapsed menu opens from its button
        assert _tab_to(page, "e.classList.contains('navbar-toggler')")
        page.keyboard.press("Enter")
        page.wait_for_selector("#mainnav.show")
    assert page.locator("#mainnav a").first.is_visible()
    assert _tab_to(page, "e.textContent.trim() === 'Markér som udført'")
    focused = page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect();"
                            " return [r.left, r.right, getComputedStyle(document.activeElement).outlineStyle,"
                            " getComputedStyle(document.activeElement).boxShadow]; })()")
    assert focused[0] >= 0 and focused[1] <= width, focused
    assert focused[2] != "none" or focused[3] != "none", focused  # the focus is visible
    open_before = Agreement.objects.filter(done_at__isnull=True).count()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Agreement.objects.filter(done_at__isnull=True).count() == open_before - 1
