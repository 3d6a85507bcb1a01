"""The minutes under the municipality's name: the sender frozen in each version, tagged PDF/A with a
title, Danish hours, no doubled role labels (see also cases/tests/test_identity.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.utils import timezone

from cases.identity import Sender, sender
from cases.models import Organisation
from cases.tests.test_identity import assert_archival, pdf_text
from roundtable.pdf import EMPLOYER, FULL, render_minutes_pdf, role_with_title

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_pdf_minutes import typical_content  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def aarhus():
    org = Organisation.objects.get(pk=1)
    org.municipality, org.job_centre, org.phone = "Aarhus Kommune", "Jobcenter Aarhus", "89 40 20 00"
    org.save()
    return org


def test_role_labels_are_never_doubled():
    assert role_with_title("fastholdelseskonsulent", "fastholdelseskonsulent") == "Fastholdelseskonsulent"
    assert role_with_title("specialist", "Specialist, psykolog") == "Specialist, psykolog"
    assert role_with_title("specialist", "psykolog") == "Specialist, psykolog"
    assert role_with_title("arbejdsgiver", "") == "Arbejdsgiver"


def _content(**sender_fields) -> dict:
    content = typical_content()
    content["participants"][3]["title"] = "Specialist, psykolog"
    content["sender"] = Sender(municipality="Aarhus Kommune", job_centre="Jobcenter Aarhus",
                               phone="89 40 20 00", **sender_fields).as_content()
    return content


@pytest.mark.parametrize("variant", [FULL, EMPLOYER])
def test_the_minutes_are_tagged_pdf_a_with_title_sender_and_danish_numbers(variant, tmp_path):
    data = render_minutes_pdf(content=_content(), number=1, reason="", finalised_at=timezone.now(), variant=variant)
    assert_archival(data, tmp_path, title="Referat FH-2026-00042")
    text = pdf_text(data)
    assert "Jobcenter Aarhus" in text and "Aarhus Kommune" in text and "89 40 20 00" in text
    assert "10 timer" in text and "37 timer" in text
    assert "10.0" not in text and "37.0" not in text
    assert "Fastholdelseskonsulent, fastholdelseskonsulent" not in text
    assert "Specialist, Specialist" not in text
    if variant == FULL:
        assert "Specialist, psykolog" in text


def test_finalised_minutes_freeze_the_sender_of_that_day(aarhus, settings, tmp_path):
    from roundtable import pdf
    from roundtable import services as roundtable_services
    from roundtable.tests.factories import held_meeting_with_goals

    settings.MEDIA_ROOT = tmp_path
    _team, user, _case, meeting = held_meeting_with_goals()
    version = roundtable_services.minutes_finalise(meeting=meeting, actor=user)
    assert version.content["sender"] == sender().as_content()
    assert "Jobcenter Aarhus" in pdf_text(pdf.read_pdf(version, pdf.EMPLOYER))
    aarhus.job_centre = "Jobcenter Aarhus Syd"
    aarhus.save()
    again = pdf.render_minutes_pdf(content=version.content, number=version.number, reason="",
                                   finalised_at=version.finalised_at, variant=pdf.FULL)
    assert "Jobcenter Aarhus Syd" not in pdf_text(again) and "Jobcenter Aarhus" in pdf_text(again)


