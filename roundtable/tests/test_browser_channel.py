"""In a real browser: the consultant verifies the employee's phone on the case, and the employee opens
the full minutes from the link in the mail with the one-time code sent by text message. axe-core finds
no serious or critical problem on the citizen's page or the contact page."""

import re

import pytest

from cases.channel import sms
from cases.models import AccessLog, OutboxMessage
from cases.tests.axe import axe_serious
from roundtable import services
from roundtable.tests.factories import held_meeting_with_goals

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consultant_verifies_the_phone_and_the_employee_opens_the_minutes(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sms.outbox.clear()
    _team, user, case, meeting = held_meeting_with_goals(health_note="Diskusprolaps")
    version = services.minutes_finalise(meeting=meeting, actor=user)
    letter = OutboxMessage.objects.get(dedup_key=f"minutes:{meeting.uid}:{version.number}:citizen")
    link = re.search(r"https?://\S+(/borger/referat/\S+/)", letter.text).group(1)

    # The employee's page before anything is verified: no way to get a code sent.
    page.goto(live_server.url + link)
    assert page.locator("#no-verified-contact").is_visible()
    assert "Diskusprolaps" not in page.content()

    # The consultant verifies the mobile number at the meeting.
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "demo-Password-1")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/sager/{case.reference}/")
    page.click("#contact a")
    assert axe_serious(page) == []
    page.check("#id_kind_0")
    page.fill("#id_value", "20 30 40 50")
    page.check("#id_method_1")
    page.click("form[action$='/bekraeft/'] [type=submit]")
    page.wait_for_selector("[role=status], .alert-success")
    assert "bekræftet" in page.inner_text("body")
    page.click("form[action$='/logout/'] [type=submit], a[href$='/logout/']")

    # The employee asks for a code, types it and downloads the full minutes.
    page.goto(live_server.url + link)
    assert axe_serious(page) == []
    page.click("button[name=send]")
    page.wait_for_selector("#id_code")
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    page.fill("#id_code", code)
    page.click("button[name=check]")
    page.wait_for_selector("#download")
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == f"referat-{case.reference}-v1.pdf"
    assert AccessLog.objects.filter(case=case, user__isnull=True, action=AccessLog.Action.DOWNLOAD,
                                    purpose="borgerens egen indsigt").count() == 1
