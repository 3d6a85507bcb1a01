"""Issue 10's browser journey: health data stays where it belongs across every feature it passes.

1. an employer refers on the public form, writing about the illness where employers do;
2. the employee consents from the mail (the page never shows the employer's text or, reopened, the answers);
3. a consultant accepts in triage, books the roundtable (with the employer and a psychologist), holds it,
   fills the three goals with a health-revealing offer, writes a health note, a specialist note and a
   consultant note, and finalises the minutes;
4. the employer's status page (the link from the receipt, a fresh browser, no login) shows the meeting's
   time and place and none of the words typed about health;
5. the consultant verifies the employee's mobile number;
6. the employee opens the full minutes from the mail with a one-time code sent by text message (a wrong
   code first) and downloads the PDF.

Along the way: axe-core on the public pages, no sideways scrolling at 390 px, the citizen mail without an
attachment, and an access-log row with a purpose for every consultant page read.
"""

from __future__ import annotations

import base64
import importlib
import io
import re
from collections import Counter
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.urls import resolve
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.access import PURPOSE_CASEWORK
from cases.channel import sms
from cases.channel.views import PURPOSE_OWN_INSIGHT
from cases.models import AccessLog, Case, OutboxMessage, Referral
from cases.tests.axe import axe_serious
from cases.tests.factories import make_team, make_user
from roundtable.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"

# What each party writes about health: one recognisable word per source, so a leak names its source.
EMPLOYER_WROTE = {"#id_affected_functions": "Kan ikke stå i kassen: migræneanfald flere gange om ugen.",
                  "#id_affected_duration": "Lysfølsomhed siden foråret.",
                  "#id_work_adapted": "Hun har fået dæmpet lys på grund af migræneanfaldene."}
EMPLOYEE_WROTE = {"#id_functions": "Jeg får panikangst ved kassen.", "#id_duration": "Hjertebanken siden marts.",
                  "#id_adapted": "Jeg har fået lov at gå hjem, når panikangsten kommer."}
HEALTH_NOTE = "Moderat depression, behandles af egen læge."
SPECIALIST_NOTE = "Arbejder med katastrofetanker i kognitiv terapi."
CONSULTANT_NOTE = "Virker presset; nævnte antidepressiv medicin."
OFFER = "Stresscoaching"
HEALTH_WORDS = ("migræne", "lysfølsom", "panikangst", "hjertebanken", "depression", "katastrofetanker",
                "kognitiv", "antidepressiv", OFFER, "psykolog")

PLACE = "Nordlys, Industrivej 40, mødelokale 2"
EMPLOYER_AGREEMENT = "Indretter en rolig arbejdsplads i baglageret"
EMPLOYEE_EMAIL = "jorgen@post.example"
TYPED_BY_EMPLOYER_PHONE = "20304050"
VERIFIED_PHONE = "31 41 51 61"

# Consultant pages that show case data, and how their access-log row is recognised.
READ_DETAIL = {
    "fasttrack:triage": lambda row, w: row.detail.startswith("fast track-visitation"),
    "fasttrack:triage_detail": lambda row, w: row.referral == w["referral"] and row.detail == w["referral"].reference,
    "cases:detail": lambda row, w: row.case == w["case"] and row.detail == "",
    "cases:edit": lambda row, w: row.case == w["case"] and row.detail == "rediger",
    "roundtable:create": lambda row, w: row.case == w["case"] and row.detail == "nyt møde",
    "roundtable:detail": lambda row, w: row.case == w["case"] and row.detail == f"møde {w['meeting'].pk}",
    "channel:contact": lambda row, w: row.case == w["case"] and row.detail == "kontaktoplysninger",
    "mywork:index": lambda row, w: row.detail == "mit arbejde",
}
# Staff pages the journey passes that show no case data (fastholdelse/tests/test_door.py says why).
NOT_READS = {"cases:list", "login"}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen"}


def _seed_reference_data():
    """Transactional tests flush the tables between tests: put the seeded rules, steps and offers back."""
    for module in ("cases.migrations.0002_roles", "cases.migrations.0004_seed_deadline_policies",
                   "roundtable.migrations.0001_initial", "roundtable.migrations.0002_project_offer_employer_name"):
        seeder = importlib.import_module(module)
        (getattr(seeder, "seed", None) or seeder.create_roles)(apps, None)


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in HEALTH_WORDS if word.lower() in lowered]


def _link_path(text: str, pattern: str) -> str:
    return re.search(rf"https?://\S+?({pattern}\S+/)", text).group(1)


def _mail_texts(message: OutboxMessage) -> str:
    """Everything a recipient gets: subject, bodies and attachments (PDFs as their text)."""
    parts = [message.subject, message.text, message.html]
    for attachment in message.attachments:
        content = base64.b64decode(attachment["content"]) if attachment["b64"] else attachment["content"].encode()
        if attachment["mimetype"] == "application/pdf":
            parts.append("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))
        else:
            parts.append(content.decode("utf-8", "replace"))
    return "\n".join(parts)


def test_health_data_stays_with_the_employee_from_referral_to_minutes(browser, browser_context_args, page, live_server,
                                                                      settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sms.outbox.clear()
    _seed_reference_data()
    team = make_team("Nord")
    consultant = make_user("mette", team=team, first_name="Mette", last_name="Jensen")
    url = live_server.url

    # --- 1. the employer refers ------------------------------------------------------------------
    employer = browser.new_context(**browser_context_args)
    form = employer.new_page()
    form.goto(f"{url}/fast-track/")
    fields = {
        "#id_cvr": "13585628", "#id_employer_name": "Nordlys Lager & Logistik A/S",
        "#id_employer_address": "Industrivej 40, 6000 Kolding", "#id_contact_name": "Hanne Ærenlund",
        "#id_contact_role": "HR-partner", "#id_contact_phone": "70203040", "#id_contact_email": "hanne@nordlys.example",
        "#id_employee_name": "Jørgen Ærø", "#id_employee_cpr": "020369-2468", "#id_employee_email": EMPLOYEE_EMAIL,
        "#id_employee_phone": TYPED_BY_EMPLOYER_PHONE, "#id_job_title": "butiksassistent",
        "#id_first_absence_day": (timezone.localdate() - timedelta(days=21)).isoformat(), **EMPLOYER_WROTE,
    }
    for selector, value in fields.items():
        form.fill(selector, value)
    for radio in ("#id_expected_over_8_weeks_0", "#id_absence_conversation_held_1", "#id_possibility_statement_1",
                  "#id_employee_told_0"):
        form.check(radio)
    form.click("button[type=submit]")
    expect(form.get_by_test_id("reference")).to_be_visible()
    referral = Referral.objects.get()
    expect(form.get_by_test_id("reference")).to_have_text(referral.reference)
    status_link = form.locator("a[href*='/fast-track/status/']").first.get_attribute("href")
    employer.close()

    # --- 2. the employee consents from the mail (on the phone) -----------------------------------
    employee = browser.new_context(**browser_context_args, viewport=PHONE_WIDTH, is_mobile=True, has_touch=True)
    phone = employee.new_page()
    consent_mail = OutboxMessage.objects.get(dedup_key=f"fasttrack:employee:{referral.pk}")
    consent_path = _link_path(consent_mail.text, "/fast-track/medarbejder/")
    phone.goto(url + consent_path)
    expect(phone.locator("#id_consent_0")).to_be_visible()
    assert _leaks(phone.inner_text("body")) == []  # the employer's words about the illness stay off the page
    assert axe_serious(phone) == []
    phone.check("#id_consent_0")
    for selector, value in EMPLOYEE_WROTE.items():
        phone.fill(selector, value)
    phone.get_by_role("button", name="Send mit svar").click()
    expect(phone.get_by_text("Tak. Dit svar er sendt til jobcentret.")).to_be_visible()
    referral.refresh_from_db()
    assert referral.consent == Referral.Consent.GIVEN and "panikangst" in referral.employee_functions
    phone.goto(url + consent_path)  # reopened: says it was answered, shows nothing and offers no form
    expect(phone.get_by_text("Jobcentret modtog dit svar")).to_be_visible()
    assert phone.locator("textarea, input[type=radio]").count() == 0
    assert _leaks(phone.inner_text("body")) == []

    # --- 3. the consultant accepts, books, holds and finalises -----------------------------------
    reads = []
    page.on("response", lambda r: reads.append(urlparse(r.url).path) if (
        r.request.resource_type == "document" and r.request.method == "GET" and r.status == 200
        and r.url.startswith(url)) else None)
    page.goto(f"{url}/login/")
    page.fill("#id_username", "mette")
    page.fill("#id_password", "demo-Password-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/mit-arbejde/")  # a consultant lands on "Mit arbejde"
    page.goto(f"{url}/sager/fast-track/")
    page.click(f"text={referral.reference}")
    page.click("form[action$='/accepter/'] [type=submit]")
    expect(page.locator("#deadlines-h")).to_be_visible()
    case = Case.objects.get()
    assert case.employee.phone == TYPED_BY_EMPLOYER_PHONE  # on file, but not verified (step 5)

    page.click(f"a[href$='/sager/{case.reference}/rediger/']")
    page.fill("#id_health_note", HEALTH_NOTE)
    page.click("input[type=submit][name=submit]")
    expect(page.get_by_text("Sagen er gemt.")).to_be_visible()
    expect(page.get_by_text(HEALTH_NOTE)).to_be_visible()  # saved: the case page shows it to the consultant

    page.get_by_role("link", name="Book et møde").click()
    starts = timezone.localtime(timezone.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    page.fill("input[name=starts_at]", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", PLACE)
    expect(page.locator("select[name=p-1-role]")).to_have_value("employer")
    expect(page.locator("input[name=p-1-name]")).to_have_value("Hanne Ærenlund")
    page.select_option("select[name=p-3-role]", "specialist")
    page.fill("input[name=p-3-name]", "Ida Holm")
    page.fill("input[name=p-3-title]", "Specialist, psykolog")
    page.fill("input[name=p-3-email]", "ida@psykologhuset.example")
    page.get_by_role("button", name="Book og send invitationer").click()
    expect(page.get_by_test_id("meeting-state")).to_have_text("inviteret")
    meeting = Meeting.objects.get(case=case)

    page.fill("input[name=hold-held_at]", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Registrér mødet som afholdt").click()
    expect(page.get_by_test_id("meeting-state")).to_have_text("afholdt")
    step = "4. Sygemeldt med kontakt og en plan for tilbagevenden"
    for party in ("employee", "employer", "consultant", "agreed"):
        page.select_option(f"select[name=goal1-{party}]", label=step)
    page.get_by_role("button", name="Gem mål 1").click()
    expect(page.locator("#goal1")).to_contain_text(f"Aftalt trin: {step}")
    page.fill("textarea[name=goal2-plan_text]", "Gradvis tilbagevenden, først uden kassevagter.")
    page.fill("input[name=weeks-0-week]", "1")
    page.fill("input[name=weeks-0-hours]", "15")
    page.fill("input[name=weeks-0-tasks]", "Varemodtagelse")
    page.get_by_label(re.compile(OFFER)).check()
    page.get_by_role("button", name="Gem mål 2").click()
    expect(page.get_by_text("Mål 2 gemt.")).to_be_visible()
    expect(page.get_by_label(re.compile(OFFER))).to_be_checked()
    page.fill("input[name=goal3-who]", "Hanne Ærenlund")
    page.fill("input[name=goal3-what]", EMPLOYER_AGREEMENT)
    page.fill("input[name=goal3-due_on]", (timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Tilføj aftale").click()
    expect(page.locator("#goal3 td", has_text=EMPLOYER_AGREEMENT)).to_be_visible()
    page.get_by_text("Tilføj et notat fra en specialist").click()
    page.fill("input[name=note-author_name]", "Ida Holm")
    page.fill("input[name=note-author_title]", "autoriseret psykolog")
    page.fill("textarea[name=note-text]", SPECIALIST_NOTE)
    page.get_by_role("button", name="Tilføj notat").click()
    expect(page.get_by_text("Notat tilføjet.")).to_be_visible()
    expect(page.get_by_text(SPECIALIST_NOTE)).to_be_visible()
    page.fill("textarea[name=consultant_note]", CONSULTANT_NOTE)
    page.get_by_role("button", name="Gem notat").click()
    expect(page.get_by_text("Notat gemt.")).to_be_visible()
    expect(page.locator("textarea[name=consultant_note]")).to_have_value(CONSULTANT_NOTE)
    page.get_by_role("button", name="Godkend og lås referatet").click()
    expect(page.get_by_text("Referatet er godkendt og låst som version 1")).to_be_visible()
    version = meeting.versions.get()

    # --- 4. the employer's status page: the meeting, and nothing about health ---------------------
    status_context = browser.new_context(**browser_context_args, viewport=PHONE_WIDTH, is_mobile=True, has_touch=True)
    status = status_context.new_page()
    status.goto(status_link)
    expect(status.get_by_role("heading", level=1)).to_contain_text(referral.reference)
    body = status.inner_text("body")
    assert PLACE in body and starts.strftime("%d/%m/%Y %H:%M") in body, body
    assert EMPLOYER_AGREEMENT in body
    assert _leaks(body) == [], body
    assert axe_serious(status) == []
    assert status.evaluate(NO_SIDEWAYS_SCROLL)
    status_context.close()
    # What went to the employer by mail (receipt, decision, invitation, minutes) is as clean.
    to_employer = [m for m in OutboxMessage.objects.all() if "hanne@nordlys.example" in m.to]
    assert {m.dedup_key.split(":")[0] for m in to_employer} >= {"fasttrack", "minutes"}
    for message in to_employer:
        if not message.dedup_key.startswith("fasttrack:receipt"):  # the receipt quotes the employer's own text
            assert _leaks(_mail_texts(message)) == [], message.dedup_key

    # --- 5. the consultant verifies the employee's mobile number ---------------------------------
    page.goto(f"{url}/sager/{case.reference}/")
    page.click("#contact a")
    page.check("#id_kind_0")
    page.fill("#id_value", VERIFIED_PHONE)
    page.check("#id_method_1")
    page.get_by_role("button", name="Markér som bekræftet").click()
    expect(page.get_by_text("er bekræftet. Der kan nu sendes engangskoder dertil.")).to_be_visible()

    # --- 6. the employee opens the full minutes with a one-time code ------------------------------
    letter = OutboxMessage.objects.get(dedup_key=f"minutes:{meeting.uid}:{version.number}:citizen")
    assert letter.to == [EMPLOYEE_EMAIL]
    assert letter.attachments == []
    assert _leaks(_mail_texts(letter)) == []
    minutes_path = _link_path(letter.text, "/borger/referat/")
    phone.goto(url + minutes_path)
    assert _leaks(phone.inner_text("body")) == []
    assert axe_serious(phone) == []
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    phone.get_by_role("button", name="Send mig en kode").click()
    expect(phone.locator("#id_code")).to_be_visible()
    assert [m.to for m in sms.outbox] == [sms.outbox[0].to] and sms.outbox[0].to.endswith("31415161")
    code = re.search(r"\b(\d{6})\b", sms.outbox[0].text).group(1)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    phone.fill("#id_code", wrong)
    phone.get_by_role("button", name="Åbn dokumentet").click()
    expect(phone.get_by_text("Koden er forkert. Du har 4 forsøg tilbage.")).to_be_visible()
    expect(phone.locator("#id_code")).to_have_value(wrong)  # what was typed stays
    assert axe_serious(phone) == []
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    phone.fill("#id_code", code)
    phone.get_by_role("button", name="Åbn dokumentet").click()
    with phone.expect_download() as download:
        phone.locator("#download").click()
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(download.value.path()).pages).split())
    assert HEALTH_NOTE in pdf and SPECIALIST_NOTE in pdf, pdf
    employee.close()

    # The citizen's own reads are logged as their own insight: the accepted code and the download.
    own = AccessLog.objects.filter(case=case, user__isnull=True, purpose=PURPOSE_OWN_INSIGHT)
    assert sorted(own.values_list("action", flat=True)) == [AccessLog.Action.DOWNLOAD, AccessLog.Action.VIEW]
    # Every consultant page that showed case data wrote its access-log row with a purpose.
    pages = Counter(resolve(path).view_name for path in reads)
    unknown = set(pages) - set(READ_DETAIL) - NOT_READS
    assert not unknown, f"pages in the journey not classified as reads: {unknown}"
    rows = list(AccessLog.objects.filter(user=consultant).exclude(purpose=""))
    assert all(row.purpose == PURPOSE_CASEWORK for row in rows)
    journey = {"referral": referral, "case": case, "meeting": meeting}
    for name, shown in pages.items():
        if name in READ_DETAIL:
            logged = [row for row in rows if row.action == AccessLog.Action.VIEW and READ_DETAIL[name](row, journey)]
            assert len(logged) >= shown, f"{name}: shown {shown} times, logged {len(logged)}"
    assert set(READ_DETAIL) <= set(pages)  # the journey passed every kind of consultant read
    assert AccessLog.objects.filter(user=consultant, purpose="").count() == 0
