"""The municipality's identity on every document: organisation settings in the admin, the sender on the
minutes, the referral (page, PDF, text) and every mail, the consultant's direct contact, Danish numbers,
and tagged PDF/A documents with a title."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from cases.fasttrack import pdf as referral_pdf_module
from cases.fasttrack import services, signing
from cases.formatting import csv_cell, da_hours, da_number, da_percent
from cases.identity import Sender, consultant_contact, sender
from cases.models import ConsultantProfile, Organisation, OutboxMessage, Referral
from cases.notifications import outbox_send_due
from cases.tests.factories import make_team, make_user
from cases.tests.test_fasttrack import submit

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def aarhus():
    org = Organisation.objects.get(pk=1)
    org.municipality, org.job_centre = "Aarhus Kommune", "Jobcenter Aarhus"
    org.address, org.phone = "Værkmestergade 2, 8000 Aarhus C", "89 40 20 00"
    org.email, org.web = "jobcenter@aarhus.dk", "https://www.aarhus.dk"
    org.save()
    return org


@pytest.fixture
def team():
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    mette = make_user("mette", team=team, first_name="Mette", last_name="Jensen", email="mette@aarhus.dk")
    ConsultantProfile.objects.create(user=mette, phone="87 13 45 67")
    return team


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_info(data: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    output = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _sep, value in (line.partition(":") for line in output.splitlines())}


def assert_archival(data: bytes, tmp_path, *, title: str) -> None:
    info = pdf_info(data, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == title
    reader = PdfReader(io.BytesIO(data))
    assert reader.trailer["/Root"]["/Lang"] == "da"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfaid:part" in xmp and "3" in xmp  # PDF/A-3


# --- the settings ------------------------------------------------------------------------------


def test_the_migration_gives_a_default_sender_and_the_row_stays_single():
    assert sender() == Sender(municipality="Kommunen", job_centre="Jobcentret")
    Organisation(municipality="Anden", job_centre="Andet").save()
    assert Organisation.objects.count() == 1 and sender().job_centre == "Andet"


def test_the_admin_edits_the_settings_with_a_logo_and_cannot_add_or_delete(client, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    admin = make_user("superadmin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(reverse("admin:cases_organisation_change", args=[1]), {
        "municipality": "Helsingør Kommune", "job_centre": "Jobcenter Helsingør", "address": "Prøvestenen 2",
        "phone": "49 28 28 28", "email": "jobcenter@helsingor.dk", "web": "https://helsingor.dk",
        "logo": SimpleUploadedFile("logo.png", PNG, content_type="image/png"), "fasttrack_channel": "nemrefusion",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sender().job_centre == "Jobcenter Helsingør" and sender().logo.endswith(".png")
    assert client.get(reverse("admin:cases_organisation_add")).status_code == 403
    assert client.post(reverse("admin:cases_organisation_delete", args=[1]), {"post": "yes"}).status_code == 403
    bad = client.post(reverse("admin:cases_organisation_change", args=[1]), {
        "municipality": "X", "job_centre": "Y", "logo": SimpleUploadedFile("logo.gif", b"GIF89a", content_type="image/gif")})
    assert bad.status_code == 200 and "logo" in bad.context["adminform"].form.errors
    # The logo goes into the referral PDF as an image.
    submit(client)
    data = referral_pdf_module.referral_pdf(Referral.objects.get())
    assert any(page.images for page in PdfReader(io.BytesIO(data)).pages)


# --- numbers and labels ------------------------------------------------------------------------


def test_danish_numbers():
    assert da_number(10.0) == "10" and da_number(Decimal("7.50")) == "7,5" and da_number(Decimal("22.25")) == "22,3"
    assert da_number(None) == "" and da_number(0) == "0"
    assert da_hours(Decimal("10.0")) == "10 timer" and da_hours(1) == "1 time" and da_hours("7.5") == "7,5 timer"
    assert da_percent(22.2) == "22,2 %" and da_percent(30.0) == "30 %"
    assert csv_cell(Decimal("30.0")) == "30" and csv_cell(22.2) == "22,2" and csv_cell(3) == 3 and csv_cell(None) == ""


# --- the documents ----------------------------------------------------------------------------


def test_the_referral_pdf_page_and_text_name_the_job_centre(client, team, aarhus, tmp_path):
    submit(client)
    referral = Referral.objects.get()
    token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    data = client.get(reverse("fasttrack:pdf", args=[token])).content
    assert_archival(data, tmp_path, title=f"Fast track-anmodning {referral.reference}")
    assert "Jobcenter Aarhus" in pdf_text(data)
    page = client.get(reverse("fasttrack:receipt", args=[token])).content.decode()
    assert "Jobcenter Aarhus" in page and "jobcenter@aarhus.dk" in page
    assert "Jobcenter Aarhus" in client.get(reverse("fasttrack:text", args=[token])).content.decode()


# --- mails and the status page -----------------------------------------------------------------


def test_every_mail_carries_the_sender_and_the_case_mail_names_the_consultant(client, team, aarhus):
    submit(client)
    referral = Referral.objects.get()
    mette = team.members.get(username="mette")
    services.referral_accept(referral=referral, actor=mette)
    outbox_send_due()
    assert len(mail.outbox) >= 3
    for message in mail.outbox:
        assert "Jobcenter Aarhus, Aarhus Kommune" in message.body, message.subject
        assert "Værkmestergade 2, 8000 Aarhus C" in message.body
        assert message.body.count("Jobcenter Aarhus, Aarhus Kommune") == 1
        for html, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                assert "Jobcenter Aarhus" in html and html.rstrip().endswith("</html>")
    opened = next(m for m in mail.outbox if m.to == ["hanne@nordlys.example"] and "oprettet en sag" in m.subject)
    assert "Mette Jensen" in opened.body and "87 13 45 67" in opened.body and "mette@aarhus.dk" in opened.body
    assert OutboxMessage.objects.filter(state=OutboxMessage.State.SENT).count() == len(mail.outbox)


def test_the_status_page_names_the_consultant_through_the_projection(client, team, aarhus):
    submit(client)
    referral = Referral.objects.get()
    mette = team.members.get(username="mette")
    services.referral_accept(referral=referral, actor=mette)
    view = services.employer_view(Referral.objects.get())
    assert view.consultant == consultant_contact(mette)
    assert (view.consultant.name, view.consultant.phone) == ("Mette Jensen", "87 13 45 67")
    token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    page = client.get(reverse("fasttrack:status", args=[token])).content.decode()
    assert "Din fastholdelseskonsulent" in page and "Mette Jensen" in page and "87 13 45 67" in page
    assert "Jobcenter Aarhus" in page


def test_a_staff_notification_mail_carries_the_sender_in_text_and_html(aarhus):
    from cases.notifications import notify

    user = make_user("lise", email="lise@aarhus.dk")
    notify(recipient=user, kind="test", title="Frist i dag", body="Sagen venter.", dedup_key="identity:1")
    outbox_send_due()
    (message,) = mail.outbox
    assert message.body.rstrip().endswith("Denne e-mail er sendt automatisk fra Jobcenter Aarhus. Du kan ikke svare på den.")
    assert "Jobcenter Aarhus, Aarhus Kommune" in message.body and "Tlf. 89 40 20 00" in message.body
    (html, mimetype), = message.alternatives
    assert mimetype == "text/html"
    assert html.index("Jobcenter Aarhus") < html.index("</body>")
    # The stored row is the caller's text: the footer is the settings at sending time, added once.
    assert "Jobcenter Aarhus" not in OutboxMessage.objects.get().text


def test_public_pages_name_the_job_centre_and_staff_pages_the_product(client, team):
    Organisation.objects.filter(pk=1).update(job_centre="Jobcenter Helsingør")
    body = client.get(reverse("fasttrack:form"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    brand = body[body.index('class="navbar-brand"'):][:120]
    assert "Jobcenter Helsingør" in brand and "Fastholdelse" not in brand
    assert "· Jobcenter Helsingør</title>" in body
    client.force_login(make_user("brand-check", team=team))
    body = client.get(reverse("cases:list")).content.decode()
    assert "Fastholdelse</a>" in body
