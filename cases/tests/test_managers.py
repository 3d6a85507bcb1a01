"""Frederikssund's tools for managers: the guide, the absence-conversation template (PDF, or sent on
as a prefilled fast-track request) and the contact note. Public, nothing stored until a referral is
sent, PDFs rate-limited per address."""

import re
import subprocess
from datetime import timedelta
from unittest import mock

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from cases.fasttrack import signing
from cases.models import Organisation, Referral
from cases.tests.factories import make_referral, make_team, make_user
from cases.tests.test_views import danish

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AGREEMENT = "Medarbejderen starter på 15 timer om ugen fra mandag; Lise ringer torsdag kl. 10."


def conversation(**overrides) -> dict:
    data = {
        "employee_name": "Jørgen Ærø", "manager_name": "Lise Højgaard", "workplace": "Frederikssund Rådhus, Borgerservice",
        "first_absence_day": (TODAY - timedelta(days=20)).isoformat(), "held_on": (TODAY - timedelta(days=2)).isoformat(),
        "can_do": "Telefonvagt og sagsbehandling ved skrivebordet.", "cannot_do": "Løft over 5 kg og skranken en hel dag.",
        "expected_duration": "Medarbejderen forventer 10-12 uger.", "over_8_weeks": "yes",
        "adjustments": "Hæve-sænkebord og korte dage.", "agreements": AGREEMENT,
        "next_contact_on": (TODAY + timedelta(days=7)).isoformat(), "action": "pdf",
    }
    data.update(overrides)
    return data


def contact(**overrides) -> dict:
    data = {
        "employee_name": "Jørgen Ærø", "manager_name": "Lise Højgaard", "first_absence_day": "",
        "contact_on": TODAY.isoformat(), "contact_form": "phone",
        "situation": "Kan gå korte ture, kan ikke sidde længe.", "workplace_news": "Ny kollega i teamet.",
        "return_options": "Delvis genoptagelse med 10 timer.", "agreements": "KONTAKT-AFTALE: vi ses på kontoret om 14 dage.",
        "next_contact_on": "", "action": "pdf",
    }
    data.update(overrides)
    return data


@pytest.fixture
def frederikssund():
    org = Organisation.objects.get(pk=1)
    org.municipality, org.job_centre = "Frederikssund Kommune", "Jobcenter Frederikssund"
    org.save()
    return org


def pdf_text(content: bytes, tmp_path) -> str:
    """The PDF's text as poppler's pdftotext reads it (the real bytes, not our template)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_guide_names_the_four_weeks_with_the_law(client):
    page = client.get(reverse("managers:guide")).content.decode()
    assert 'lang="da"' in page
    for week in ("Week 1: get in touch", "Week 4: hold the absence conversation",
                 "Week 5: ask for fast track if the absence may be long", "Week 8: the job centre follows up"):
        assert danish(week) in page
    week = {n: page.split(f'id="week-{n}"')[1].split("</li>")[0] for n in (1, 4, 5, 8)}
    assert "Planlæg den derfor nu" in week[1]
    assert "Samtalen skal holdes senest 4 uger efter første fraværsdag" in week[4] and "§ 7 a" in week[4]
    assert "senest 5 uger efter første fraværsdag (sygedagpengeloven § 7 c)" in week[5]
    assert "Ventes den sygemeldte ikke tilbage inden for 8 uger" in week[8]
    assert "senest ved udgangen af uge 8 regnet fra første fraværsdag (sygedagpengeloven § 13 b, stk. 1)" in week[8]
    for name in ("managers:absence_conversation", "managers:contact_note", "fasttrack:form"):
        assert f'href="{reverse(name)}"' in page


def test_the_templates_are_public_and_warn_against_diagnoses(client):
    for name in ("managers:absence_conversation", "managers:contact_note"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert danish("Do not write diagnoses or treatment. Write only what the employee can and cannot do at work. "
                      "You must not ask about the diagnosis.") in response.content.decode()
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_the_absence_conversation_pdf_holds_the_agreements_under_the_job_centre(client, frederikssund, tmp_path):
    before = row_counts()
    response = client.post(reverse("managers:absence_conversation"), conversation())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="sygefravaerssamtale-')
    assert response.content.startswith(b"%PDF-")
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Jobcenter Frederikssund" in text
    assert "Sygefraværssamtale" in text
    assert "Medarbejderen starter på 15 timer om ugen fra mandag" in text
    assert "Løft over 5 kg" in text
    assert (TODAY - timedelta(days=2)).strftime("%d/%m/%Y") in text
    assert row_counts() == before  # nothing stored: not a referral, not a log row, not a session


def test_bad_input_gets_danish_messages_and_keeps_what_was_typed(client):
    future = (TODAY + timedelta(days=3)).isoformat()
    response = client.post(reverse("managers:absence_conversation"), conversation(held_on=future, agreements=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert danish("The date cannot be in the future.") in page
    assert danish("This field is required.") in page
    assert "Løft over 5 kg og skranken en hel dag." in page and "Jørgen Ærø" in page  # nothing lost
    before = (TODAY - timedelta(days=30)).isoformat()
    page = client.post(reverse("managers:absence_conversation"), conversation(held_on=before)).content.decode()
    assert danish("The conversation cannot be before the first absence day.") in page


def test_sending_on_shows_the_referral_form_prefilled_and_stores_nothing(client):
    before = row_counts()
    response = client.post(reverse("managers:absence_conversation"), conversation(action="referral"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["absence_conversation_held"] is True
    assert form.initial["absence_conversation_on"] == TODAY - timedelta(days=2)
    assert form.initial["adjustments_tried"] == (f"Aftalt ved sygefraværssamtalen den {(TODAY - timedelta(days=2)):%d/%m/%Y}:\n"
                                                 f"{AGREEMENT}")
    assert form.initial["expected_over_8_weeks"] is True
    page = response.content.decode()
    assert f'action="{reverse("fasttrack:form")}"' in page  # the form posts to the fast track itself
    assert AGREEMENT in page
    assert danish("Do not write about diagnosis or treatment: describe what the employee can and cannot do at work.") in page
    assert row_counts() == before


def test_the_prefilled_referral_saves_the_date_and_agreements(client):
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    make_user("mette", team=team)
    form = client.post(reverse("managers:absence_conversation"), conversation(action="referral")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data.update({  # what the manager adds on the referral form
        "cvr": "13585628", "employer_address": "Torvet 2, 3600 Frederikssund", "contact_role": "Afdelingsleder",
        "contact_phone": "47 35 10 00", "contact_email": "lise@frederikssund.example", "employee_cpr": "020369-2468",
        "employee_email": "jorgen@post.example", "job_title": "administrativ medarbejder",
        "affected_duration": "Tre uger.", "possibility_statement": "False", "employee_told": "True", "website": "",
    })
    response = client.post(reverse("fasttrack:form"), data)
    assert response.status_code == 302, response.context["form"].errors
    referral = Referral.objects.get()
    assert referral.absence_conversation_held is True
    assert referral.absence_conversation_on == TODAY - timedelta(days=2)
    assert AGREEMENT in referral.adjustments_tried
    assert "Løft over 5 kg" in referral.affected_functions
    assert referral.employee_name == "Jørgen Ærø" and referral.contact_name == "Lise Højgaard"


def test_the_contact_note_pdf(client, frederikssund, tmp_path):
    before = row_counts()
    response = client.post(reverse("managers:contact_note"), contact())
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith('attachment; filename="kontaktnotat-')
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Kontaktnotat ved langvarig sygdom" in text
    assert "KONTAKT-AFTALE: vi ses på kontoret om 14 dage." in text
    assert "Telefonsamtale" in text and "Jobcenter Frederikssund" in text
    assert row_counts() == before


def test_the_contact_note_refuses_a_future_contact_and_a_missing_form(client):
    response = client.post(reverse("managers:contact_note"),
                           contact(contact_on=(TODAY + timedelta(days=1)).isoformat(), contact_form=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert danish("The date cannot be in the future.") in page and danish("This field is required.") in page
    assert "KONTAKT-AFTALE" in page


def test_pdfs_are_rate_limited_per_address_and_keep_the_text(client, settings):
    settings.MANAGERS_PDF_RATE_LIMIT = 2
    url = reverse("managers:contact_note")
    for _ in range(2):
        assert client.post(url, contact(), REMOTE_ADDR="10.9.0.1")["Content-Type"] == "application/pdf"
    blocked = client.post(url, contact(), REMOTE_ADDR="10.9.0.1")
    assert blocked.status_code == 429
    page = blocked.content.decode()
    assert danish("You have made many PDFs in a short time. Wait ten minutes and try again; what you typed is "
                  "still here.") in page
    assert "KONTAKT-AFTALE" in page
    assert client.post(url, contact(), REMOTE_ADDR="10.9.0.2")["Content-Type"] == "application/pdf"  # others go on
    # The fast-track form's own limit is a separate count.
    from cases.fasttrack import ratelimit

    request = mock.Mock(META={"REMOTE_ADDR": "10.9.0.1"})
    assert not ratelimit.limit_reached(request)


def test_pdfs_degrade_when_the_cache_is_down(client, settings):
    settings.MANAGERS_PDF_RATE_LIMIT = 1
    url = reverse("managers:contact_note")
    with mock.patch("django.core.cache.cache.get", side_effect=ConnectionError("cache down")), \
            mock.patch("django.core.cache.cache.add", side_effect=ConnectionError("cache down")):
        first = client.post(url, contact(), REMOTE_ADDR="10.9.1.1")
        second = client.post(url, contact(), REMOTE_ADDR="10.9.1.1")
    assert first["Content-Type"] == "application/pdf"  # served while the cache is down
    assert second.status_code == 429  # and still bounded, per process


def test_the_referral_pages_link_to_the_tools(client):
    team = make_team("Nord")
    referral = make_referral(team, cpr="0203692468")
    token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    guide = reverse("managers:guide")
    for url in (reverse("fasttrack:status", args=[token]), reverse("fasttrack:receipt", args=[token]),
                reverse("fasttrack:form"), reverse("login")):
        page = client.get(url).content.decode()
        assert f'href="{guide}"' in page, url


# As in fastholdelse/tests/test_security.py (cases may not import the project package, tests included).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)


def test_the_tools_carry_no_inline_code_and_the_csp(client):
    responses = [client.get(reverse(name)) for name in
                 ("managers:guide", "managers:absence_conversation", "managers:contact_note")]
    responses += [client.post(reverse("managers:absence_conversation"), conversation(agreements="")),
                  client.post(reverse("managers:absence_conversation"), conversation(action="referral")),
                  client.post(reverse("managers:contact_note"), contact(agreements=""))]
    for response in responses:
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)


def test_the_longest_template_still_fits_the_referral_fields():
    from cases.managers.forms import AbsenceConversationForm

    form = AbsenceConversationForm(conversation(
        employee_name="Æ" * 200, manager_name="Ø" * 200, workplace="Å" * 200, can_do="k" * 900, cannot_do="i" * 900,
        adjustments="t" * 900, agreements="a" * 1800))
    assert form.is_valid(), form.errors
    for name, value in form.referral_initial().items():
        limit = Referral._meta.get_field(name).max_length
        assert limit is None or len(str(value)) <= limit, name
