"""The legal rules behind what employers and employees are told (danish-review.md L1-L11).

Each test pins one rule with its source:
- SDL § 7 a: the employer's absence conversation "senest 4 uger efter første fraværsdag" = day + 28.
- SDL § 13 b, stk. 2 and 3: the first follow-up conversation within 2 weeks binds only for a § 7 c request
  made within 5 weeks of the first absence day, and not when the employee declines; and only when the
  municipality accepts this form as the § 7 c request (BEK 1710 § 3 names NemRefusion).
- BEK 1710 § 3, stk. 1: the employer "kan vælge at oplyse" the three questions: voluntary.
- Forvaltningsloven §§ 22, 25: a rejection that is a decision carries its reason and complaint guidance; one
  that is not never calls itself a decision.
- The mails name the job centre, not the product.
L9 (the seeded offer citing SDL § 56) is pinned in roundtable/tests/test_legal_offer.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.apps import ensure_defaults
from cases.fasttrack import services, signing
from cases.identity import legal_texts
from cases.models import DeadlinePolicy, Organisation, OutboxMessage, Referral
from cases.models.organisation import DEFAULT_COMPLAINT_GUIDANCE
from cases.notifications import mail_footer, outbox_enqueue, outbox_send_due
from cases.tests.factories import make_case, make_team, make_user
from cases.tests.test_fasttrack import form_data

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
PROMISE = "holder jobcentret den første opfølgningssamtale med medarbejderen senest"
LATE = "Fristen på 2 uger gælder ikke i dette tilfælde."
NEMREFUSION = "NemRefusion på virk.dk"


@pytest.fixture
def team():
    team = make_team("Nord")
    team.receives_fast_track = True
    team.save()
    make_user("mette", team=team, email="mette@kommune.example")
    return team


def organisation(**fields) -> Organisation:
    row = Organisation.objects.get(pk=1)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def form_is_the_request():
    organisation(fasttrack_channel=Organisation.FastTrackChannel.FORM)


def send(client, *, weeks_ago: int = 3, **overrides):
    """Submit the public form with the first absence day `weeks_ago` weeks back; returns the referral and
    the receipt page's HTML."""
    first = timezone.localdate() - timedelta(weeks=weeks_ago)
    data = form_data(first_absence_day=first.isoformat(), absence_conversation_on=(first + timedelta(days=3)).isoformat(),
                     **overrides)
    response = client.post(reverse("fasttrack:form"), data, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302, response.content.decode()[:3000]
    return Referral.objects.get(), client.get(response["Location"]).content.decode()


def receipt_mail(referral: Referral) -> str:
    return OutboxMessage.objects.get(dedup_key=f"fasttrack:receipt:{referral.pk}").text


# --- L10: SDL § 7 a ---------------------------------------------------------------------------------


def test_the_absence_conversation_falls_due_on_the_first_absence_day_plus_28(team, time_machine):
    time_machine.move_to(datetime(2026, 3, 9, 10, 0, tzinfo=CPH), tick=False)
    case = make_case(team=team, first_absence_day=date(2026, 3, 4))  # Wed 4/3
    due = case.deadlines.get(kind="absence_conversation").due_at.astimezone(CPH)
    assert due.date() == date(2026, 3, 4) + timedelta(days=28) == date(2026, 4, 1)  # Wed 1/4, not Tue 31/3
    assert DeadlinePolicy.objects.get(kind="absence_conversation").start_is_day_one is False


def test_a_fresh_database_and_the_migration_give_day_28():
    # ensure_defaults (after a flush) seeds the policy from the migrations' POLICIES: day + 28.
    DeadlinePolicy.objects.filter(kind="absence_conversation").delete()
    ensure_defaults(sender=None)
    assert DeadlinePolicy.objects.get(kind="absence_conversation").start_is_day_one is False
    # A database seeded before the fix (start day counted as day one) is corrected by the data migration.
    DeadlinePolicy.objects.filter(kind="absence_conversation").update(start_is_day_one=True)
    import_module("cases.migrations.0020_legal_texts").absence_conversation_on_day_28(django_apps, None)
    assert DeadlinePolicy.objects.get(kind="absence_conversation").start_is_day_one is False


# --- L1, L2, L6: SDL § 13 b, stk. 2 and 3; § 7 c ----------------------------------------------------


def test_the_receipt_promises_the_2_week_conversation_when_the_request_came_within_5_weeks(client, team):
    form_is_the_request()
    referral, page = send(client, weeks_ago=3)
    day = timezone.localdate(referral.received_at) + timedelta(weeks=2)
    assert services.two_week_promise(referral, legal_texts()) == day
    for text in (page, receipt_mail(referral)):
        assert PROMISE in text and LATE not in text
        assert f"{day.day}. " in text.split(PROMISE, 1)[1][:60]  # names the day
        assert "Siger medarbejderen ja" in text  # the condition of stk. 3


def test_a_late_request_gets_no_promise_only_the_warning(client, team):
    form_is_the_request()
    referral, page = send(client, weeks_ago=6)
    assert referral.is_late and services.two_week_promise(referral, legal_texts()) is None
    for text in (page, receipt_mail(referral)):
        assert LATE in text
        assert PROMISE not in text and "2 uger efter, at vi modtog" not in text


def test_no_promise_once_the_employee_declines(client, team):
    form_is_the_request()
    referral, _ = send(client)
    referral.consent = Referral.Consent.DECLINED
    assert services.two_week_promise(referral, legal_texts()) is None


def test_by_default_the_form_is_not_the_statutory_request_and_points_to_nemrefusion(client, team):
    form = client.get(reverse("fasttrack:form")).content.decode()
    assert NEMREFUSION in form and "https://virk.dk/" in form
    assert PROMISE not in form
    referral, page = send(client)
    assert services.two_week_promise(referral, legal_texts()) is None
    for text in (page, receipt_mail(referral)):
        assert NEMREFUSION in text and PROMISE not in text
    token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    document = client.get(reverse("fasttrack:text", args=[token])).content.decode()
    assert "OPLYSNINGER FRA ARBEJDSGIVEREN" in document and "§ 7 c" not in document


def test_a_municipality_that_accepts_the_form_states_the_rule_with_its_conditions(client, team):
    form_is_the_request()
    form = client.get(reverse("fasttrack:form")).content.decode()
    assert "Send den senest 5 uger efter første fraværsdag." in form  # tone 10: the 5-week rule
    assert "Siger medarbejderen ja, holder jobcentret den første opfølgningssamtale med medarbejderen senest 2 uger" in form
    assert NEMREFUSION not in form
    # tone 11: the first absence day's hint says what a late request means.
    assert "Du kan godt sende den senere, men så gælder fristen på 2 uger ikke." in form
    referral, _ = send(client)
    token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    assert "(SDL § 7 c)" in client.get(reverse("fasttrack:text", args=[token])).content.decode()


def test_the_intro_can_be_replaced_in_the_admin(client, team):
    organisation(fasttrack_intro="Ring til os først på 70 10 10 10.")
    form = client.get(reverse("fasttrack:form")).content.decode()
    assert "Ring til os først på 70 10 10 10." in form and "Brug formularen" not in form


def test_the_late_warning_for_the_consultant_says_assess_not_accepted(client, team):
    referral, _ = send(client, weeks_ago=6)
    client.force_login(team.members.first())
    page = client.get(reverse("fasttrack:triage_detail", args=[referral.pk])).content.decode()
    assert "Vurdér, om anmodningen kan behandles som fast track." in page and "Accepteret" not in page


# --- L5, T17: BEK 1710 § 3, stk. 1 ------------------------------------------------------------------


def test_the_three_questions_are_optional_and_labelled_so(client, team):
    form = client.get(reverse("fasttrack:form")).content.decode()
    assert "Hvilke arbejdsfunktioner er påvirket af sygdommen? (frivilligt)" in form
    assert "Er arbejdet forsøgt tilpasset den sygemeldtes tilstand? (frivilligt)" in form
    referral, _ = send(client, affected_functions="", affected_duration="", work_adapted="")
    assert (referral.affected_functions, referral.affected_duration, referral.work_adapted) == ("", "", "")
    text = services.referral_text(referral)
    assert "Er arbejdet forsøgt tilpasset den sygemeldtes tilstand?\n    –" in text


# --- L4, L11, tone 2-5: the employee -----------------------------------------------------------------


def test_the_employee_is_told_the_answers_may_reach_the_doctor_not_the_employer(client, team):
    referral, _ = send(client)
    token = signing.make_token(referral.pk, salt=signing.EMPLOYEE_SALT)
    page = client.get(reverse("fasttrack:employee", args=[token])).content.decode()
    assert ("Dine svar går til jobcentret og kan blive sendt til din læge, hvis jobcentret beder om en lægeattest. "
            "Din arbejdsgiver ser dem ikke.") in page
    assert "kun til jobcentret" not in page
    assert "Vil du have fast track" in page and "Ja, det vil jeg gerne" in page
    employee_mail = OutboxMessage.objects.get(dedup_key=f"fasttrack:employee:{referral.pk}").text
    assert "beholde dit job" not in employee_mail and "Du bestemmer selv" in employee_mail


def test_the_employer_is_asked_to_tell_the_employee_not_told_it_is_a_duty(client, team):
    form = client.get(reverse("fasttrack:form")).content.decode()
    assert "Fortæl medarbejderen, at du sender anmodningen." in form
    assert "Medarbejderen skal have besked." not in form


# --- L7: forvaltningsloven §§ 22, 25 -----------------------------------------------------------------


def reject(client, team, referral, reason="Medarbejderen er raskmeldt."):
    client.force_login(team.members.first())
    response = client.post(reverse("fasttrack:triage_reject", args=[referral.pk]), {"reason": reason})
    assert response.status_code == 302
    client.logout()
    return OutboxMessage.objects.get(dedup_key=f"fasttrack:rejected:{referral.pk}")


def status_page(client, referral) -> str:
    token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
    return client.get(reverse("fasttrack:status", args=[token])).content.decode()


def test_a_rejection_that_is_not_a_decision_never_says_afgoerelse(client, team):
    referral, _ = send(client)
    message = reject(client, team, referral)
    page = status_page(client, referral)
    for text in (message.subject, message.text, page):
        assert "afgørelse" not in text.lower() and "afgjort" not in text.lower()
        assert "Klagevejledning" not in text
    assert "kan ikke imødekomme din anmodning om fast track" in message.text
    assert "Medarbejderen er raskmeldt." in message.text and "behandlet" in message.subject


def test_a_rejection_configured_as_a_decision_carries_reason_and_complaint_guidance(client, team):
    organisation(rejection_is_decision=True)
    referral, _ = send(client)
    message = reject(client, team, referral)
    assert "Afgørelse" in message.text and "afgørelse" in message.subject
    assert "Begrundelse:\nMedarbejderen er raskmeldt." in message.text
    assert "Klagevejledning:" in message.text and DEFAULT_COMPLAINT_GUIDANCE in message.text
    assert "Ankestyrelsen" in message.text and "4 uger" in message.text
    page = status_page(client, referral)
    assert "Klagevejledning" in page and "Ankestyrelsen" in page


def test_the_status_page_says_what_the_mail_said_when_the_setting_changes_later(client, team):
    referral, _ = send(client)
    reject(client, team, referral)
    organisation(rejection_is_decision=True)  # switched on after the rejection went out
    page = status_page(client, referral)
    assert "afgørelse" not in page.lower() and "Klagevejledning" not in page
    assert Referral.objects.get().rejected_as_decision is False


def test_the_complaint_guidance_is_the_municipalitys_text(client, team):
    organisation(rejection_is_decision=True, complaint_guidance="Klag til Borgerservice inden 4 uger.")
    referral, _ = send(client)
    assert "Klag til Borgerservice inden 4 uger." in reject(client, team, referral).text


# --- tone 6: the mail footer ---------------------------------------------------------------------------


def test_the_mail_footer_names_the_job_centre_not_the_product(team):
    organisation(job_centre="Jobcenter Kolding", municipality="Kolding Kommune")
    outbox_enqueue(to="hanne@nordlys.example", subject="Prøve", text="Hej.", dedup_key="legal:footer")
    outbox_send_due()
    body = mail.outbox[-1].body.rstrip()
    assert body.endswith("Denne e-mail er sendt automatisk fra Jobcenter Kolding. Du kan ikke svare på den.")
    assert "Fastholdelse" not in body
    assert "sendt automatisk fra Jobcenter Kolding" in mail_footer(html=True)


def test_the_footer_name_can_be_set_apart_from_the_job_centre(team):
    organisation(job_centre="Jobcentret", mail_sender_name="Jobcenter Vejle")
    assert "Denne e-mail er sendt automatisk fra Jobcenter Vejle. Du kan ikke svare på den." in mail_footer()
