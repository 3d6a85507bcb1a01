import hashlib
import io
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.models import AccessLog, OutboxMessage
from roundtable import pdf, services
from roundtable.tests.factories import (
    SENTINEL_CONSULTANT,
    SENTINEL_HEALTH,
    SENTINEL_SPECIALIST,
    held_meeting_with_goals,
)

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture
def finalised(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    team, user, case, meeting = held_meeting_with_goals(health_note=SENTINEL_HEALTH)
    services.specialist_note_add(meeting=meeting, actor=user, author_name="Pia Psykolog", author_title="psykolog",
                                 text=SENTINEL_SPECIALIST)
    services.meeting_note_save(meeting=meeting, actor=user, text=SENTINEL_CONSULTANT)
    services.follow_up_book(meeting=meeting, actor=user)
    started = time.perf_counter()
    version = services.minutes_finalise(meeting=meeting, actor=user)
    elapsed = time.perf_counter() - started
    return user, case, meeting, version, elapsed


def test_full_minutes_pdf_holds_everything_in_danish_with_page_numbers(finalised):
    _user, case, meeting, version, _elapsed = finalised
    data = pdf.read_pdf(version, pdf.FULL)
    assert hashlib.sha256(data).hexdigest() == version.pdf_full_sha256
    text, pages = _text(data)
    assert f"Side 1 af {pages}" in text
    for expected in (case.reference, "Søren Østergård", "Skolen ved Øresund", "Mål 1", "Mål 2", "Mål 3",
                     "Aftalt trin", "Sygemeldt med kontakt og en plan for tilbagevenden", "Fjerner gårdvagt",
                     "Bestiller tid hos egen læge", "Uge 1 uden gårdvagt", "Opfølgningsmøde", "Version"):
        assert expected in text, expected
    # The staircase carries each party's placement (M, A, K markers) and the agreed step.
    assert "Sygemeldt, uafklaret tilbagevenden" in text and "(aftalt)" in text
    for sentinel in (SENTINEL_HEALTH, SENTINEL_SPECIALIST, SENTINEL_CONSULTANT):
        assert sentinel in text


def test_employer_copy_lacks_health_fields_and_notes(finalised):
    _user, case, _meeting, version, _elapsed = finalised
    text, _pages = _text(pdf.read_pdf(version, pdf.EMPLOYER))
    assert "Fjerner gårdvagt" in text and "Side 1 af" in text
    for sentinel in (SENTINEL_HEALTH, SENTINEL_SPECIALIST, SENTINEL_CONSULTANT):
        assert sentinel not in text
    assert hashlib.sha256(pdf.read_pdf(version, pdf.EMPLOYER)).hexdigest() == version.pdf_employer_sha256


def test_finalised_minutes_go_to_participants_employer_gets_the_safe_copy(finalised):
    _user, case, meeting, version, _elapsed = finalised
    mails = {m.to[0]: m for m in OutboxMessage.objects.filter(dedup_key__startswith=f"minutes:{meeting.uid}:1:")}
    assert set(mails) == {"soren@post.example", "lone@skolen.example"}  # the consultant sends, not receives
    import base64

    employer_pdf = base64.b64decode(mails["lone@skolen.example"].attachments[0]["content"])
    employee_pdf = base64.b64decode(mails["soren@post.example"].attachments[0]["content"])
    assert hashlib.sha256(employer_pdf).hexdigest() == version.pdf_employer_sha256
    assert hashlib.sha256(employee_pdf).hexdigest() == version.pdf_full_sha256


def test_correction_pdf_shows_version_and_reason_in_the_full_copy_only(finalised):
    user, _case, meeting, _version, _elapsed = finalised
    services.minutes_correct(meeting=meeting, actor=user, reason="Forkert ugeplan for uge 3")
    meeting.refresh_from_db()
    v2 = services.minutes_finalise(meeting=meeting, actor=user, send=False)
    full, _pages = _text(pdf.read_pdf(v2, pdf.FULL))
    assert "Forkert ugeplan for uge 3" in full and "version 2" in full
    # The employer's copy says it is a correction; the reason is free text for the file and stays out.
    safe, _pages = _text(pdf.read_pdf(v2, pdf.EMPLOYER))
    assert "2: rettet" in safe and "Forkert ugeplan" not in safe


def test_pdf_download_is_logged_and_other_teams_get_404(finalised, client):
    user, case, meeting, version, _elapsed = finalised
    from cases.tests.factories import make_team, make_user

    client.force_login(user)
    url = reverse("roundtable:pdf", args=[case.reference, meeting.pk, 1, "employer"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response) == pdf.read_pdf(version, pdf.EMPLOYER)
    log = AccessLog.objects.filter(case=case, action=AccessLog.Action.DOWNLOAD).get()
    assert log.user == user and "v1" in log.detail
    outsider = make_user(team=make_team())
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).count() == 1


def test_rendering_a_typical_minutes_document_is_fast(finalised):
    # Two copies rendered on finalising; the target is 0.4 s a copy (bench/bench_pdf_minutes.py measures it).
    _user, _case, _meeting, _version, elapsed = finalised
    assert elapsed < 5


def test_markup_in_the_minutes_is_printed_as_text(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _team, user, _case, meeting = held_meeting_with_goals()
    services.plan_save(meeting=meeting, actor=user, plan_text="<b>fed</b> <script>alert('x')</script> æøå",
                       weeks=[], offers=[])
    version = services.minutes_finalise(meeting=meeting, actor=user, send=False)
    text, _pages = _text(pdf.read_pdf(version, pdf.FULL))
    assert "<b>fed</b> <script>alert('x')</script> æøå" in text
