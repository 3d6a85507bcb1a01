"""Mit arbejde and the employer fields in Debian's Chromium: every count equals its list (also at 390 px,
without sideways scrolling), a known CVR fills the form and is never renamed, a call without a CVR keeps
its employer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import deadlines, followups
from cases.models import Case, DeadlinePolicy, Employer
from cases.phone import services as phone
from cases.tests.axe import axe_serious
from cases.tests.factories import make_case, make_referral, make_team, make_user
from roundtable.tests.factories import make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-Password-1")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _mettes_day():
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    mette = make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    fatima = make_user("fatima", team=team, first_name="Fatima", last_name="Ali")
    case = make_case(team=team, consultant=mette)
    now = timezone.now()
    deadlines.deadline_open(case=case, kind=DeadlinePolicy.Kind.AGREEMENT_ITEM, start=now - timedelta(days=3),
                            actor=mette, title="Lægeerklæring", due_at=now - timedelta(hours=3))
    followups.followup_task_set(case=case, actor=mette, reason=followups.Reason.CONTACT_GP,
                                due_on=timezone.localdate() + timedelta(days=1))
    make_meeting(case=case, actor=mette, starts_in=timedelta(days=1))
    make_referral(team, cpr="0101804321")
    phone.call_log(actor=fatima, team=team, caller_type="employer", summary="Ring tilbage", settled=False)
    return team, mette


def _counts_and_lists(page) -> list[tuple[str, int, int]]:
    rows = []
    for link in page.locator("[data-count]").all():
        key = link.get_attribute("data-count")
        shown = int(link.locator("[data-n]").inner_text())
        listed = page.locator(f'[data-section="{key}"] [data-item]').count()
        rows.append((key, shown, listed))
    return rows


@pytest.mark.parametrize("width", [390, 1280])
def test_my_work_counts_equal_their_lists_without_sideways_scrolling(page, live_server, width):
    _team, _mette = _mettes_day()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "mette")
    assert page.url.endswith("/mit-arbejde/")  # a consultant lands here after login
    rows = _counts_and_lists(page)
    assert len(rows) == 10 and all(shown == listed for _key, shown, listed in rows), rows
    assert dict((key, shown) for key, shown, _ in rows)["overdue"] == 1
    assert dict((key, shown) for key, shown, _ in rows)["tasks"] == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_serious(page) == []
    page.click('[data-count="tasks"]')
    assert page.url.endswith("#tasks")
    page.click('[data-section="tasks"] button[type=submit]')  # done
    page.wait_for_load_state()
    assert dict((key, shown) for key, shown, _ in _counts_and_lists(page))["tasks"] == 0


def test_a_known_cvr_fills_the_form_and_the_employer_is_never_renamed(page, live_server):
    team = make_team("Nord")
    make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    school = Employer.objects.create(cvr="29189978", name="Skolen ved Øresund", address="Skolevej 1, 3000 Helsingør")
    login(page, live_server, "mette")
    page.goto(f"{live_server.url}/sager/ny/")
    page.fill("#id_cvr", "29189979")
    page.locator("#id_cvr").blur()
    page.wait_for_selector('[data-testid="cvr-error"]')
    assert "kontrolciffer" in page.inner_text('[data-testid="cvr-error"]')
    page.fill("#id_cvr", "29189978")
    page.locator("#id_cvr").blur()
    page.wait_for_selector('[data-testid="employer-known"]')
    assert page.locator("#id_employer_name").input_value() == "Skolen ved Øresund"
    assert page.locator("#id_employer_address").input_value() == "Skolevej 1, 3000 Helsingør"
    assert page.locator("#id_employer_name").get_attribute("readonly") is not None
    # Even a name forced into the locked field does not rename the employer.
    page.evaluate("document.getElementById('id_employer_name').removeAttribute('readonly')")
    page.fill("#id_employer_name", "Omdøbt skole")
    page.fill("#id_cpr", "0101701234")
    page.fill("#id_employee_name", "Søren Østergård")
    page.fill("#id_contact_name", "Lone Madsen")
    page.click("input[type=submit], button[type=submit] >> nth=-1")
    page.wait_for_selector("#deadlines-h")
    school.refresh_from_db()
    assert school.name == "Skolen ved Øresund"
    case = Case.objects.get()
    assert case.employer == school and case.employer_contact.name == "Lone Madsen"


def test_a_call_without_a_cvr_keeps_the_employer(page, live_server):
    team = make_team("Nord")
    mette = make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    call = phone.call_log(actor=mette, team=team, caller_type="employer", summary="Lone ringer", settled=False)
    page.set_viewport_size({"width": 390, "height": 900})
    login(page, live_server, "mette")
    page.goto(f"{live_server.url}/telefon/opkald/{call.pk}/sag/")
    page.fill("#id_cpr", "0101701234")
    page.fill("#id_employee_name", "Søren Østergård")
    page.fill("#id_employer_name", "Bageriet på Torvet")
    page.fill("#id_contact_name", "Lone Madsen")
    page.fill("#id_contact_phone", "+45 11 22 33 44")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("input[type=submit], button[type=submit] >> nth=-1")
    page.wait_for_selector("#deadlines-h")
    case = Case.objects.get()
    assert case.employer.name == "Bageriet på Torvet" and case.employer.cvr_missing
    assert case.employer_contact.phone == "+45 11 22 33 44"
    assert "CVR mangler" in page.inner_text("main")
