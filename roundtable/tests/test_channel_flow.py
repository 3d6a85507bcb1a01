"""Referral → meeting → minutes: no outgoing mail carries health data or the full minutes; the
citizen opens the full minutes behind the signed link with a one-time code, and that read is logged."""

import base64
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import services as case_services
from cases.channel import contacts, sms
from cases.fasttrack import services as fasttrack
from cases.fasttrack import signing
from cases.models import AccessLog, OutboxMessage, Referral
from cases.notifications import outbox_send_due
from cases.tests.factories import make_team, make_user
from cases.tests.test_fasttrack import submit, team  # noqa: F401  (fixture)
from roundtable import pdf, services
from roundtable.models import Participant
from roundtable.tests.factories import SENTINEL_CONSULTANT, SENTINEL_SPECIALIST, fill_goals

pytestmark = pytest.mark.django_db

SENTINEL_NOTE = "SENTINEL-HELBRED-Diskus-6610"
SENTINEL_ANSWER = "SENTINEL-SVAR-Søvn-2204"
SENTINELS = (SENTINEL_NOTE, SENTINEL_ANSWER, SENTINEL_SPECIALIST, SENTINEL_CONSULTANT)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _attachment_text(filename: str, content: bytes) -> str:
    return _pdf_text(content) if content[:4] == b"%PDF" else content.decode("utf-8", "replace")


@pytest.fixture
def finalised_after_referral(client, team, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    sms.outbox.clear()
    submit(client)
    referral = Referral.objects.get()
    client.post(reverse("fasttrack:employee", args=[signing.make_token(referral.pk, salt=signing.EMPLOYEE_SALT)]),
                {"consent": "given", "functions": SENTINEL_ANSWER})
    consultant = team.members.first()
    case = fasttrack.referral_accept(referral=referral, actor=consultant)
    case_services.case_update(case=case, actor=consultant, fields={"health_note": SENTINEL_NOTE})
    meeting = services.meeting_schedule(
        case=case, actor=consultant, kind="roundtable",
        slot=services.SlotData(starts_at=timezone.now() + timedelta(hours=1), place="Lageret, kantinen"),
        participants=[
            services.ParticipantData(role=Participant.Role.EMPLOYEE, name="Jørgen Ærø", email="jorgen@post.example"),
            services.ParticipantData(role=Participant.Role.EMPLOYER, name="Hanne Ærenlund", email="hanne@nordlys.example"),
            services.ParticipantData(role=Participant.Role.SPECIALIST, name="Pia Psykolog", email="pia@klinik.example"),
            services.ParticipantData(role=Participant.Role.CONSULTANT, name="Mette", email="mette@kommune.example"),
        ],
    )
    services.meeting_hold(meeting=meeting, actor=consultant)
    meeting.refresh_from_db()
    fill_goals(meeting, consultant)
    services.specialist_note_add(meeting=meeting, actor=consultant, author_name="Pia Psykolog", author_title="psykolog",
                                 text=SENTINEL_SPECIALIST)
    services.meeting_note_save(meeting=meeting, actor=consultant, text=SENTINEL_CONSULTANT)
    version = services.minutes_finalise(meeting=meeting, actor=consultant)
    outbox_send_due()
    return case, meeting, version, consultant


def test_no_outgoing_mail_carries_health_data_or_the_full_minutes(finalised_after_referral):
    case, meeting, version, _consultant = finalised_after_referral
    full = pdf.read_pdf(version, pdf.FULL)
    assert SENTINEL_NOTE in _pdf_text(full)  # the sentinels are really in the full minutes
    stored = list(OutboxMessage.objects.all())
    assert stored and len(mail.outbox) == len(stored)
    for message in stored:
        for item in message.attachments:
            content = base64.b64decode(item["content"]) if item.get("b64") else item["content"].encode()
            assert content != full, message.subject
            text = _attachment_text(item["filename"], content)
            for sentinel in SENTINELS:
                assert sentinel not in text, (message.to, item["filename"], sentinel)
        for sentinel in SENTINELS:
            assert sentinel not in message.text and sentinel not in message.html and sentinel not in message.subject
    for sent in mail.outbox:  # what actually left, as built for SMTP
        for _name, content, _mimetype in sent.attachments:
            data = content if isinstance(content, bytes) else content.encode()
            assert data != full
            assert not any(sentinel in _attachment_text(_name, data) for sentinel in SENTINELS)
    minutes = {tuple(m.to): m for m in stored if m.dedup_key.startswith(f"minutes:{meeting.uid}:")}
    assert set(minutes) == {("jorgen@post.example",), ("hanne@nordlys.example",), ("pia@klinik.example",)}
    assert minutes[("jorgen@post.example",)].attachments == []
    assert all(len(m.attachments) == 1 for to, m in minutes.items() if to != ("jorgen@post.example",))


def test_the_citizen_opens_the_full_minutes_with_a_code_to_the_verified_phone(finalised_after_referral, client):
    case, meeting, version, consultant = finalised_after_referral
    letter = OutboxMessage.objects.get(dedup_key=f"minutes:{meeting.uid}:{version.number}:citizen")
    url = re.search(r"https?://\S+(/borger/referat/\S+/)", letter.text).group(1)
    page = client.get(url)
    assert page.status_code == 200 and SENTINEL_NOTE not in page.content.decode()
    assert 'name="point"' not in page.content.decode()  # nothing verified yet: no code can be sent
    client.force_login(consultant)
    client.post(reverse("channel:verify", args=[case.reference]), {"kind": "phone", "value": "+45 20 30 40 50",
                                                                  "method": "meeting"})
    client.logout()
    point = contacts.verified_contact_points(case.employee).get()
    client.post(url, {"send": "1", "point": point.pk})
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    assert client.post(url, {"check": "1", "code": code}).status_code == 302
    download = client.get(url + "hent/")
    assert download.status_code == 200 and download.content == pdf.read_pdf(version, pdf.FULL)
    log = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD, user__isnull=True)
    assert log.purpose == "borgerens egen indsigt" and log.case == case and f"v{version.number}" in log.detail


def test_the_consultant_sends_a_fresh_link_when_the_first_expired(finalised_after_referral, client, settings,
                                                                  time_machine):
    case, meeting, version, consultant = finalised_after_referral
    time_machine.move_to(timezone.now() + timedelta(days=settings.CITIZEN_LINK_DAYS + 1), tick=False)
    first = OutboxMessage.objects.get(dedup_key=f"minutes:{meeting.uid}:{version.number}:citizen")
    old = re.search(r"https?://\S+(/borger/referat/\S+/)", first.text).group(1)
    assert client.get(old).status_code == 410
    client.force_login(consultant)
    response = client.post(reverse("roundtable:minutes_letter", args=[case.reference, meeting.pk, version.number]))
    assert response.status_code == 302
    fresh = OutboxMessage.objects.filter(dedup_key__startswith=f"minutes:{meeting.uid}:{version.number}:citizen:").get()
    assert fresh.attachments == [] and fresh.to == ["jorgen@post.example"]
    client.logout()
    assert client.get(re.search(r"https?://\S+(/borger/referat/\S+/)", fresh.text).group(1)).status_code == 200
    assert case.events.filter(kind="minutes_link", actor=consultant).exists()
    client.force_login(make_user(team=make_team()))
    assert client.post(reverse("roundtable:minutes_letter", args=[case.reference, meeting.pk, 1])).status_code == 404
