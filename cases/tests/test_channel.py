"""The safe channel to the citizen: signed links, verified contact points, one-time codes, SMS
backends, letters, and the citizen's page (link → code → document, each read logged)."""

import io
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from cases.channel import codes, contacts, documents, sms
from cases.channel.senders import CitizenLetter, LetterSender, letter_send
from cases.models import AccessLog, ContactPoint, OneTimeCode, OutboxMessage
from cases.signing import LinkExpired, LinkInvalid, make_link, read_link
from cases.tests.factories import make_case, make_team, make_user
from cases.tests.test_views import danish

pytestmark = pytest.mark.django_db

SENTINEL = "SENTINEL-HELBRED-Ødem-5521"
PDF = b"%PDF-1.4 full minutes " + SENTINEL.encode()


@pytest.fixture(autouse=True)
def _sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def case():
    team = make_team()
    consultant = make_user(team=team)
    return make_case(team=team, consultant=consultant, health_note=SENTINEL)


@pytest.fixture
def document_kind():
    """A test document kind, as a feature registers one in its AppConfig.ready()."""
    from cases.models import Case

    def load(case_id):
        case = Case.objects.filter(pk=case_id).select_related("employee").first()
        if case is None:
            return None
        return documents.CitizenDocument(case=case, title="Referat fra dit møde", filename="referat.pdf",
                                         access_detail="testdokument", read=lambda: PDF)

    documents.register("proeve", load)
    return "proeve"


def _verify_phone(case, number="20 30 40 50"):
    return contacts.contact_point_verify(case=case, actor=case.consultant, kind="phone", value=number, method="meeting")


def _sent_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


# --- signing ----------------------------------------------------------------------------------------


def test_links_carry_purpose_and_expiry(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    token = make_link("citizen.proeve", 42, max_age=timedelta(days=1))
    assert read_link("citizen.proeve", token) == 42
    with pytest.raises(LinkInvalid):
        read_link("citizen.other", token)
    with pytest.raises(LinkInvalid):
        read_link("citizen.proeve", token[:-3] + "xyz")
    time_machine.shift(timedelta(days=1, seconds=1))
    with pytest.raises(LinkExpired):
        read_link("citizen.proeve", token)


# --- contact points -------------------------------------------------------------------------------


def test_verifying_a_phone_normalises_it_and_makes_it_the_number_on_file(case):
    point = _verify_phone(case, "20 30-40 50")
    case.employee.refresh_from_db()
    assert point.value == "+4520304050" and case.employee.phone == "+4520304050"
    assert point.is_verified and point.verified_by == case.consultant and point.verified_how == "meeting"
    assert case.events.filter(kind="contact_verified").exists()
    assert "20304050" not in case.events.get(kind="contact_verified").summary  # masked on the timeline
    with pytest.raises(ValidationError) as error:
        _verify_phone(case, "12 34")
    assert "value" in error.value.error_dict


def test_a_changed_number_is_not_verified(case):
    _verify_phone(case)
    case.employee.phone = "+4599887766"
    case.employee.save()
    overview = contacts.contact_overview(case.employee)
    assert [row["verified"] for row in overview["on_file"] if row["kind"] == "phone"] == [False]


# --- SMS backends -----------------------------------------------------------------------------------


def test_sms_backends(settings, tmp_path):
    settings.SMS_BACKEND = "cases.channel.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path)
    sms.send_sms(to="+4520304050", text="Din kode: 123456")
    (written,) = tmp_path.iterdir()
    assert "Din kode: 123456" in written.read_text() and "+4520304050" in written.read_text()
    stream = io.StringIO()
    assert sms.ConsoleBackend(stream=stream).send_messages([sms.SmsMessage(to="+45 1", text="hej")]) == 1
    assert "hej" in stream.getvalue()
    settings.SMS_BACKEND = "cases.channel.sms.DisabledBackend"
    assert not sms.sms_available()
    with pytest.raises(sms.SmsUnavailable):
        sms.send_sms(to="+4520304050", text="x")


# --- codes ------------------------------------------------------------------------------------------


def test_a_code_goes_only_to_a_verified_contact_point(case):
    unverified = ContactPoint.objects.create(employee=case.employee, kind="phone", value="+4511223344",
                                             source=ContactPoint.Source.EMPLOYER)
    with pytest.raises(ValidationError):
        codes.code_send(case=case, point=unverified)
    assert sms.outbox == [] and not OneTimeCode.objects.exists()
    point = _verify_phone(case)
    codes.code_send(case=case, point=point)
    assert sms.outbox[-1].to == "+4520304050" and SENTINEL not in sms.outbox[-1].text
    stored = OneTimeCode.objects.get()
    assert _sent_code() not in stored.code_hash  # only a keyed hash is kept


def test_code_attempts_are_limited_logged_and_a_new_code_replaces_the_old(case, settings):
    point = _verify_phone(case)
    codes.code_send(case=case, point=point)
    first = _sent_code()
    codes.code_send(case=case, point=point)
    second = _sent_code()
    if first != second:
        assert codes.code_check(case=case, code=first).outcome is codes.Outcome.WRONG  # replaced
    wrong = "000000" if second != "000000" else "111111"
    results = [codes.code_check(case=case, code=wrong) for _ in range(settings.CITIZEN_CODE_ATTEMPTS)]
    assert results[-1].outcome is codes.Outcome.LOCKED
    assert codes.code_check(case=case, code=second).outcome is codes.Outcome.LOCKED  # even the right one now
    assert case.events.filter(kind="code_failed").count() >= settings.CITIZEN_CODE_ATTEMPTS


def test_codes_expire_are_used_once_and_are_limited_per_hour(case, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    point = _verify_phone(case)
    codes.code_send(case=case, point=point)
    time_machine.shift(timedelta(minutes=settings.CITIZEN_CODE_MINUTES, seconds=1))
    assert codes.code_check(case=case, code=_sent_code()).outcome is codes.Outcome.EXPIRED
    codes.code_send(case=case, point=point)
    code = _sent_code()
    assert codes.code_check(case=case, code=code).ok
    assert codes.code_check(case=case, code=code).outcome is codes.Outcome.MISSING  # one time only
    for _ in range(settings.CITIZEN_CODES_PER_HOUR - 2):
        codes.code_send(case=case, point=point)
    with pytest.raises(ValidationError):
        codes.code_send(case=case, point=point)


def test_a_gateway_that_is_down_keeps_no_code(case, settings):
    point = _verify_phone(case)
    settings.SMS_BACKEND = "cases.channel.sms.DisabledBackend"
    with pytest.raises(ValidationError):
        codes.code_send(case=case, point=point)
    assert not OneTimeCode.objects.exists()


def test_a_code_to_a_verified_email_is_sent_at_once_not_stored_in_the_outbox(case):
    point = contacts.contact_point_verify(case=case, actor=case.consultant, kind="email", value="Soren@Post.Example",
                                          method="call")
    codes.code_send(case=case, point=point)
    assert mail.outbox[-1].to == ["soren@post.example"]
    assert re.search(r"\b\d{6}\b", mail.outbox[-1].body)
    assert not OutboxMessage.objects.exists()


# --- letters ----------------------------------------------------------------------------------------


class FakeDigitalPost(LetterSender):
    """What a Digital Post (SF1601) adapter looks like: it reaches every citizen by CPR."""

    sent: list = []

    def can_send(self, letter):
        return bool(letter.employee.cpr)

    def send(self, letter):
        self.sent.append(letter)
        return "digital post"


def test_letters_use_the_configured_senders_in_order(case, settings):
    letter = CitizenLetter(employee=case.employee, case=case, subject="Referat", text="Se linket", dedup_key="t:1",
                           email_hint="hint@post.example")
    assert letter_send(letter=letter) == "hint@post.example"  # no verified e-mail: where the meeting mails went
    contacts.contact_point_verify(case=case, actor=case.consultant, kind="email", value="ny@post.example", method="call")
    assert letter_send(letter=CitizenLetter(**{**letter.__dict__, "dedup_key": "t:2"})) == "ny@post.example"
    assert all(m.attachments == [] for m in OutboxMessage.objects.all())
    settings.CITIZEN_LETTER_SENDERS = ["cases.tests.test_channel.FakeDigitalPost", "cases.channel.senders.EmailLetterSender"]
    FakeDigitalPost.sent.clear()
    assert letter_send(letter=CitizenLetter(**{**letter.__dict__, "dedup_key": "t:3"})) == "digital post"
    assert [sent.dedup_key for sent in FakeDigitalPost.sent] == ["t:3"]


# --- the citizen's page ----------------------------------------------------------------------------


def _url(kind, case, name="channel:document"):
    return reverse(name, args=[kind, documents.document_token(kind, case.pk)])


def test_citizen_opens_the_document_with_a_code_and_every_read_is_logged(client, case, document_kind):
    url = _url(document_kind, case)
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and SENTINEL not in body
    assert danish("The job centre has not yet verified a phone number or an e-mail address with you, so we cannot "
                  "send you a code. Contact your retention consultant: they can verify your number, or give you a "
                  "code in person.").split(":")[0] in body
    # Without the code the download only leads back to the page, and nothing is read.
    assert client.get(_url(document_kind, case, "channel:download")).status_code == 302
    assert not AccessLog.objects.exists()

    point = _verify_phone(case)
    page = client.get(url)
    assert point.masked in page.content.decode() and "+4520304050" not in page.content.decode()
    assert client.post(url, {"send": "1", "point": point.pk}).status_code == 302
    code = _sent_code()
    wrong = "000000" if code != "000000" else "111111"
    page = client.post(url, {"check": "1", "code": wrong})
    assert page.status_code == 400
    with translation.override("da"):
        message = ngettext("The code is wrong. You have %(n)d attempt left.", "The code is wrong. You have %(n)d attempts left.", 4)
    assert message != "The code is wrong. You have %(n)d attempts left."
    assert message % {"n": 4} in page.content.decode()
    assert f'value="{wrong}"' in page.content.decode()  # nothing typed is lost
    assert case.events.filter(kind="code_failed").count() == 1
    assert client.post(url, {"check": "1", "code": code[:3] + " " + code[3:]}).status_code == 302
    view = AccessLog.objects.get(action=AccessLog.Action.VIEW)
    assert view.purpose == "borgerens egen indsigt" and view.case == case and view.user is None
    download = client.get(_url(document_kind, case, "channel:download"))
    assert download.status_code == 200 and download.content == PDF
    log = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert log.purpose == "borgerens egen indsigt" and log.detail == "testdokument" and log.employee == case.employee


def test_expired_and_altered_links_get_a_danish_page(client, case, document_kind, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    url = _url(document_kind, case)
    altered = client.get(url[:-4] + "abc/")
    assert altered.status_code == 404
    assert danish("This link is not valid. Check that the whole link was copied.") in altered.content.decode()
    time_machine.shift(timedelta(days=settings.CITIZEN_LINK_DAYS, seconds=1))
    expired = client.get(url)
    assert expired.status_code == 410
    assert danish("This link has expired. Contact your retention consultant to get a new one.") in expired.content.decode()


def test_expired_code_and_too_many_attempts_get_danish_messages(client, case, document_kind, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    point = _verify_phone(case)
    url = _url(document_kind, case)
    client.post(url, {"send": "1", "point": point.pk})
    time_machine.shift(timedelta(minutes=settings.CITIZEN_CODE_MINUTES + 1))
    page = client.post(url, {"check": "1", "code": _sent_code()})
    assert danish("The code has expired. Ask for a new code.") in page.content.decode()
    client.post(url, {"send": "1", "point": point.pk})
    code = _sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.CITIZEN_CODE_ATTEMPTS):
        page = client.post(url, {"check": "1", "code": wrong})
    assert danish("Too many wrong attempts: the code no longer works. Ask for a new code.") in page.content.decode()
    page = client.post(url, {"check": "1", "code": "12"})
    assert danish("Write the code with its %(n)d digits.") % {"n": 6} in page.content.decode()


# --- the consultant's side -------------------------------------------------------------------------


def test_consultant_verifies_a_phone_and_hands_over_a_code_shown_once(client, case, document_kind):
    client.force_login(case.consultant)
    detail = client.get(reverse("cases:detail", args=[case.reference]))
    assert danish("No verified contact yet: the citizen cannot get a code to open the minutes.") in detail.content.decode()
    contact_url = reverse("channel:contact", args=[case.reference])
    bad = client.post(reverse("channel:verify", args=[case.reference]), {"kind": "phone", "value": "12 34", "method": "call"})
    assert bad.status_code == 400
    assert danish("Write a phone number with 8 digits, or with the country code (+45 …).") in bad.content.decode()
    assert 'value="12 34"' in bad.content.decode()
    assert AccessLog.objects.filter(case=case, detail="kontaktoplysninger").count() == 1  # the re-render is a read
    good = client.post(reverse("channel:verify", args=[case.reference]), {"kind": "phone", "value": "20304050", "method": "call"})
    assert good.status_code == 302 and ContactPoint.objects.get().is_verified
    page = client.post(reverse("channel:hand_over", args=[case.reference]))
    code = re.search(r'id="handed-over-code".*?(\d{6})', page.content.decode(), re.S).group(1)
    assert code not in client.get(contact_url).content.decode()
    assert case.events.filter(kind="code_handed_over", actor=case.consultant).exists()
    client.logout()
    url = _url(document_kind, case)
    assert client.post(url, {"check": "1", "code": code}).status_code == 302
    assert client.get(_url(document_kind, case, "channel:download")).content == PDF


def test_another_team_cannot_see_or_verify_contacts(client, case):
    client.force_login(make_user(team=make_team()))
    assert client.get(reverse("channel:contact", args=[case.reference])).status_code == 404
    response = client.post(reverse("channel:verify", args=[case.reference]), {"kind": "phone", "value": "20304050",
                                                                            "method": "call"})
    assert response.status_code == 404 and not ContactPoint.objects.exists()
    assert client.post(reverse("channel:hand_over", args=[case.reference])).status_code == 404


# --- settings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "expected"), [({}, "True False"), ({"EMAIL_USE_TLS": "0"}, "False False"),
                                               ({"EMAIL_USE_SSL": "1"}, "False True")])
def test_mail_uses_tls_unless_switched_off(env, expected):
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    out = subprocess.run(
        [sys.executable, "-c", "import fastholdelse.settings as s; print(s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"],
        env={**clean, **env}, capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_each_count_and_the_right_code_opens_once(settings):
    """Eight browsers guessing at once: every wrong guess counts (row lock), the code locks at the limit,
    and of two right answers at the same moment only one uses the code."""
    import threading

    from django.db import connection, connections

    assert connection.vendor == "postgresql"
    team = make_team()
    case = make_case(team=team, consultant=make_user(team=team))
    point = _verify_phone(case)
    settings.CITIZEN_CODE_ATTEMPTS = 20
    codes.code_send(case=case, point=point)
    code = _sent_code()
    wrong = "000000" if code != "000000" else "111111"
    barrier = threading.Barrier(10)
    outcomes, errors = [], []

    def guess(value):
        try:
            barrier.wait()
            outcomes.append(codes.code_check(case=case, code=value).outcome)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(wrong,)) for _ in range(8)]
    threads += [threading.Thread(target=guess, args=(code,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert outcomes.count(codes.Outcome.OK) == 1
    stored = OneTimeCode.objects.get()
    assert stored.used_at is not None
    assert stored.attempts == outcomes.count(codes.Outcome.WRONG)


def test_deploy_checks_warn_about_mail_without_tls_and_a_development_sms_backend(settings):
    from cases.channel.checks import channel_deploy_checks

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SMS_BACKEND = "cases.channel.sms.ConsoleBackend"
    assert {problem.id for problem in channel_deploy_checks()} == {"cases.W101", "cases.W102"}
    settings.EMAIL_USE_TLS = True
    settings.SMS_BACKEND = "cases.channel.sms.DisabledBackend"
    assert channel_deploy_checks() == []
