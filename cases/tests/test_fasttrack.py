"""The fast-track path: the employer's public form, the signed status and employee pages, triage."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.fasttrack import services, signing
from cases.models import Case, Deadline, JournalEntry, OutboxMessage, Referral
from cases.notifications import outbox_send_due
from cases.roles import Role
from cases.tests.factories import make_team, make_user
from cases.tests.test_views import danish

pytestmark = pytest.mark.django_db

SENTINEL = "SENTINEL-HELBRED-7731"


def form_data(**overrides) -> dict:
    data = {
        "cvr": "13585628", "p_number": "", "employer_name": "Nordlys Lager & Logistik A/S",
        "employer_address": "Industrivej 40, 6000 Kolding", "contact_name": "Hanne Ærenlund", "contact_role": "HR-partner",
        "contact_phone": "+45 70 20 30 40", "contact_email": "hanne@nordlys.example",
        "employee_name": "Jørgen Ærø", "employee_cpr": "020369-2468", "employee_email": "jorgen@post.example",
        "employee_phone": "", "job_title": "lagermedarbejder",
        "first_absence_day": (timezone.localdate() - timedelta(weeks=3)).isoformat(), "expected_over_8_weeks": "True",
        "affected_functions": "Løft og truckkørsel.", "affected_duration": "Tre uger.", "work_adapted": "Nej, ikke endnu.",
        "absence_conversation_held": "True", "absence_conversation_on": (timezone.localdate() - timedelta(days=7)).isoformat(),
        "possibility_statement": "False", "adjustments_tried": "", "employee_told": "True", "meeting_wishes": "Gerne formiddag",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def team():
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    make_user("mette", team=team, email="mette@kommune.example")
    return team


def submit(client, **overrides):
    return client.post(reverse("fasttrack:form"), form_data(**overrides), REMOTE_ADDR=f"10.1.{len(overrides)}.1")


def test_the_form_is_public_and_danish(client, team):
    page = client.get(reverse("fasttrack:form")).content.decode()
    assert 'lang="da"' in page
    assert danish("Fast-track request to the job centre") in page


def test_a_valid_referral_is_stored_with_receipt_and_mails(client, team):
    response = submit(client)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.reference.startswith("FT-") and referral.team == team and not referral.is_late
    receipt = client.get(response["Location"]).content.decode()
    assert referral.reference in receipt
    assert "/fast-track/status/" in receipt
    to = {tuple(m.to) for m in OutboxMessage.objects.all()}
    assert ("hanne@nordlys.example",) in to and ("jorgen@post.example",) in to
    assert referral.team.members.first().notifications.filter(kind="referral_received").exists()


@pytest.mark.parametrize("field, value, message", [
    ("cvr", "13585627", "The CVR number's check digit does not match: check for typing errors."),
    ("cvr", "", "This field is required."),
    ("employee_cpr", "3213691234", "The CPR number's birth date does not exist or lies in the future."),
    ("employee_cpr", "12345", "A CPR number has 10 digits, written DDMMYY-SSSS."),
    ("p_number", "123", "A P-number has 10 digits."),
    ("first_absence_day", (timezone.localdate() + timedelta(days=2)).isoformat(), "The date cannot be in the future."),
    ("absence_conversation_on", "", "Give the date of the absence conversation."),
    ("contact_email", "ikke-en-mail", "Enter a valid email address."),
    ("employee_email", "", "Give the employee's e-mail or phone."),
    ("employee_told", "", "This field is required."),
    ("affected_functions", "x" * 2001, None),
    ("employer_name", "x" * 201, None),
])
def test_each_field_is_validated_in_danish_and_input_is_kept(client, team, field, value, message):
    response = submit(client, **{field: value})
    page = response.content.decode()
    assert response.status_code == 400
    assert Referral.objects.count() == 0
    assert 'id="error-summary"' in page and f'href="#id_{field}"' in page
    if message:
        assert danish(message) in page
    assert "Hanne Ærenlund" in page  # what was typed is still there


def test_a_request_later_than_5_weeks_is_accepted_but_flagged(client, team):
    submit(client, first_absence_day=(timezone.localdate() - timedelta(weeks=6)).isoformat(),
           absence_conversation_on=(timezone.localdate() - timedelta(weeks=5)).isoformat())
    referral = Referral.objects.get()
    assert referral.is_late
    client.force_login(team.members.first())
    assert danish("later than 5 weeks") in client.get(reverse("fasttrack:triage")).content.decode()


def test_honeypot_stores_nothing_and_rate_limit_keeps_input(client, team):
    assert client.post(reverse("fasttrack:form"), form_data(website="http://spam.example")).status_code == 200
    assert Referral.objects.count() == 0
    for _ in range(5):
        client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="10.9.9.9")
    sixth = client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="10.9.9.9")
    assert sixth.status_code == 429
    assert "Hanne Ærenlund" in sixth.content.decode()
    assert Referral.objects.count() == 5


def test_markup_is_stored_and_shown_as_text(client, team):
    response = submit(client, affected_functions="<script>alert(1)</script> Løft")
    status = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in status
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in status


def _accepted(client, team):
    submit(client)
    referral = Referral.objects.get()
    consultant = team.members.first()
    case = services.referral_accept(referral=referral, actor=consultant)
    return referral, case, consultant


def test_accepting_opens_a_case_with_both_clocks_from_the_request(client, team):
    referral, case, consultant = _accepted(client, team)
    assert case.source == Case.Source.FAST_TRACK and case.employer.cvr == "13585628"
    fast = case.deadlines.get(kind="fast_track_conversation")
    assert fast.start_at == referral.received_at
    assert case.deadlines.filter(kind="first_meeting", state=Deadline.State.OPEN).exists()
    assert OutboxMessage.objects.filter(dedup_key=f"fasttrack:accepted:{referral.pk}").exists()


def test_accepting_attaches_to_the_persons_open_case(client, team):
    from cases.tests.factories import make_case

    existing = make_case(team=team, consultant=team.members.first(), cpr="0203692468")
    _referral, case, _c = _accepted(client, team)
    assert case == existing
    assert existing.events.filter(kind="referral_attached").exists()


def test_declining_employee_means_no_fast_track_clock(client, team):
    submit(client)
    referral = Referral.objects.get()
    token = signing.make_token(referral.pk, salt=signing.EMPLOYEE_SALT)
    page = client.post(reverse("fasttrack:employee", args=[token]), {"consent": "declined", "functions": "Ryggen"})
    assert page.status_code == 302
    referral.refresh_from_db()
    assert referral.consent == Referral.Consent.DECLINED and referral.employee_functions == "Ryggen"
    case = services.referral_accept(referral=referral, actor=team.members.first())
    assert not case.deadlines.filter(kind="fast_track_conversation").exists()


def test_declining_after_acceptance_cancels_the_fast_track_clock(client, team):
    referral, case, _c = _accepted(client, team)
    token = signing.make_token(referral.pk, salt=signing.EMPLOYEE_SALT)
    client.post(reverse("fasttrack:employee", args=[token]), {"consent": "declined"})
    assert case.deadlines.get(kind="fast_track_conversation").state == Deadline.State.CANCELLED


def test_employee_page_requires_an_answer_in_danish(client, team):
    submit(client)
    token = signing.make_token(Referral.objects.get().pk, salt=signing.EMPLOYEE_SALT)
    response = client.post(reverse("fasttrack:employee", args=[token]), {"functions": "Noget"})
    assert response.status_code == 400
    assert danish("Say whether you agree to fast track.") in response.content.decode()
    assert "Noget" in response.content.decode()


def test_status_link_valid_expired_and_tampered(client, team, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    submit(client)
    referral = Referral.objects.get()
    token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    assert client.get(reverse("fasttrack:status", args=[token])).status_code == 200
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    bad = client.get(reverse("fasttrack:status", args=[tampered]))
    assert bad.status_code == 404 and danish("This link is not valid. Check that the whole link was copied.") in bad.content.decode()
    other_purpose = signing.make_token(referral.pk, salt=signing.EMPLOYEE_SALT)
    assert client.get(reverse("fasttrack:status", args=[other_purpose])).status_code == 404
    time_machine.shift(signing.STATUS_MAX_AGE + timedelta(days=1))
    expired = client.get(reverse("fasttrack:status", args=[token]))
    assert expired.status_code == 410
    assert danish("This link has expired. Contact the job centre to get a new one.") in expired.content.decode()


def test_employer_pages_and_mails_never_show_health_data(client, team):
    referral, case, consultant = _accepted(client, team)
    Case.objects.filter(pk=case.pk).update(health_note=SENTINEL, risk_note=SENTINEL, risk_mental_health=True)
    JournalEntry.objects.create(case=case, author=consultant, kind="note", text=SENTINEL, occurred_at=timezone.now())
    token = signing.make_token(referral.pk, salt=signing.EMPLOYEE_SALT)
    client.post(reverse("fasttrack:employee", args=[token]), {"consent": "given", "functions": "EMPLOYEE-ONLY-ANSWER"})
    status_token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    pages = [client.get(reverse(name, args=[status_token])) for name in
             ("fasttrack:status", "fasttrack:receipt", "fasttrack:text")]
    texts = [p.content.decode() for p in pages]
    pdf = client.get(reverse("fasttrack:pdf", args=[status_token])).content
    from io import BytesIO

    from pypdf import PdfReader

    texts.append("".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))
    outbox_send_due()
    employer_mail = [m for m in mail.outbox if "hanne@nordlys.example" in m.to]
    assert employer_mail
    texts += [m.body for m in employer_mail] + [str(a) for m in employer_mail for a in m.attachments]
    for text in texts:
        assert SENTINEL not in text
        assert "EMPLOYEE-ONLY-ANSWER" not in text
        assert "0203692468" not in text and "020369-2468" not in text


def test_triage_per_role(client, team):
    submit(client)
    referral = Referral.objects.get()
    other = make_user("anders", team=make_team("Syd"))
    lead = make_user("birgitte", role=Role.TEAM_LEAD, team=team, lead=True)
    client.force_login(other)
    assert referral.reference not in client.get(reverse("fasttrack:triage")).content.decode()
    assert client.get(reverse("fasttrack:triage_detail", args=[referral.pk])).status_code == 404
    assert client.post(reverse("fasttrack:triage_accept", args=[referral.pk])).status_code == 404
    client.force_login(lead)
    assert referral.reference in client.get(reverse("fasttrack:triage")).content.decode()
    client.force_login(team.members.get(username="mette"))
    rejected = client.post(reverse("fasttrack:triage_reject", args=[referral.pk]), {"reason": ""})
    assert rejected.status_code == 400
    assert danish("Give the reason that will be sent to the employer.") in rejected.content.decode()
    response = client.post(reverse("fasttrack:triage_accept", args=[referral.pk]),
                           {"consultant": team.members.get(username="mette").pk})
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.reference])
    assert referral.reference in client.get(response["Location"]).content.decode()  # shown on the case
    again = client.post(reverse("fasttrack:triage_reject", args=[referral.pk]), {"reason": "For sent"}, follow=True)
    assert danish("This referral has already been decided.") in again.content.decode()


def test_rejecting_mails_the_reason_to_the_employer(client, team):
    submit(client)
    referral = Referral.objects.get()
    client.force_login(team.members.first())
    client.post(reverse("fasttrack:triage_reject", args=[referral.pk]), {"reason": "Medarbejderen er raskmeldt."})
    message = OutboxMessage.objects.get(dedup_key=f"fasttrack:rejected:{referral.pk}")
    assert "Medarbejderen er raskmeldt." in message.text and message.to == ["hanne@nordlys.example"]


def test_a_broker_down_loses_no_referral_and_mails_go_out_after(client, team, monkeypatch, django_capture_on_commit_callbacks):
    from cases import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.send_outbox, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client)
    assert response.status_code == 302
    assert Referral.objects.count() == 1
    assert mail.outbox == []
    # The receipt to the employer and the link to the employee (the team is told in the app).
    assert OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count() == 2
    assert outbox_send_due() == 2  # the beat sweep sends them when the broker is back
    assert {m.to[0] for m in mail.outbox} == {"hanne@nordlys.example", "jorgen@post.example"}


def test_rate_limit_counts_the_forwarded_address_behind_a_proxy(client, team, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.FASTTRACK_RATE_LIMIT = 1
    first = client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")
    other = client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.8")
    again = client.post(reverse("fasttrack:form"), form_data(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert (first.status_code, other.status_code, again.status_code) == (302, 302, 429)
