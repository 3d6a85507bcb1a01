"""In a real browser (Debian's Chromium) the Content-Security-Policy refuses nothing the app itself
needs: no page of the app breaks its own policy (no inline script, no inline style)."""

import pytest

from cases.roles import Role
from cases.tests.factories import make_case, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_violates_the_content_security_policy(page, live_server):
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    make_user("birgitte", role=Role.TEAM_LEAD, team=team, lead=True)
    case = make_case(team=team, consultant=make_user("mette", team=team))
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: violations.append(str(error)))

    page.goto(f"{live_server.url}/fast-track/")
    page.click("button[type=submit] >> nth=-1")  # empty form: the error summary takes the focus (app.js)
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "birgitte")
    page.fill("#id_password", "demo-Password-1")
    page.click("button[type=submit]")
    for path in ("/sager/", f"/sager/{case.reference}/", "/overblik/", "/overblik/resultater/", "/telefon/",
                 "/telefon/vagtplan/", "/sager/fast-track/", "/sager/findes-ikke/x/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
    assert violations == []


def test_the_meeting_page_and_the_admin_keep_the_policy(page, live_server):
    from roundtable.tests.factories import held_meeting_with_goals

    _team, user, case, meeting = held_meeting_with_goals()
    user.is_staff = user.is_superuser = True
    user.save()
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: violations.append(str(error)))
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "demo-Password-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/sager/{case.reference}/moeder/{meeting.pk}/")
    assert page.locator("figure.staircase .stairs-party-1").count() == 1  # the legend's colours, from app.css
    for path in ("/admin/", "/admin/cases/retentionrun/", "/admin/cases/case/", "/admin/cases/team/add/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
    assert violations == []


def test_revealing_the_cpr_in_the_browser_asks_why(page, live_server):
    from cases.models import AccessLog

    team = make_team("Nord")
    make_user("mette", team=team)
    case = make_case(team=team, cpr="0101701234")
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "mette")
    page.fill("#id_password", "demo-Password-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/sager/{case.reference}/")
    assert "010170-1234" not in page.inner_text("main")
    page.click("#cpr-value summary")
    page.fill("#id_cpr-detail", "borgeren ringede")
    page.click("#cpr-value button[type=submit]")  # no purpose chosen
    page.wait_for_selector("#cpr-purpose-error")
    assert page.input_value("#id_cpr-detail") == "borgeren ringede"  # nothing typed is lost
    page.check("#cpr-value input[value=citizen_enquiry]")
    page.click("#cpr-value button[type=submit]")
    page.wait_for_selector("#cpr-value:has-text('010170-1234')")
    assert page.url.endswith(f"/sager/{case.reference}/")  # htmx: no CPR in any URL
    assert AccessLog.objects.get(action=AccessLog.Action.REVEAL_CPR).purpose == "henvendelse fra borgeren: borgeren ringede"
    assert violations == []
