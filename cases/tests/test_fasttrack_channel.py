"""Fast track meets the citizen channel: the consent page is write-only with a short-lived link, and
the details an employer typed never overwrite the case file nor count as verified."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.channel import contacts
from cases.fasttrack import services, signing
from cases.models import ContactPoint, Employee, Referral
from cases.tests.factories import make_case
from cases.tests.test_fasttrack import submit, team  # noqa: F401  (fixture)
from cases.tests.test_views import danish

pytestmark = pytest.mark.django_db

ANSWER = "SENTINEL-SVAR-Migræne-3317"


def _consent_url(referral):
    return reverse("fasttrack:employee", args=[signing.make_token(referral.pk, salt=signing.EMPLOYEE_SALT)])


def test_consent_page_is_write_only(client, team):  # noqa: F811
    submit(client)
    referral = Referral.objects.get()
    url = _consent_url(referral)
    page = client.get(url).content.decode()
    assert "Løft og truckkørsel." not in page  # not even what the employer wrote about the illness
    assert client.post(url, {"consent": "given", "functions": ANSWER}).status_code == 302
    after = client.get(url)
    assert after.status_code == 200 and ANSWER not in after.content.decode()
    assert danish("Your answer has been received") in after.content.decode()
    assert 'name="functions"' not in after.content.decode()
    # Whoever else holds the link can neither read nor change the answer.
    client.post(url, {"consent": "declined", "functions": "ændret"})
    referral.refresh_from_db()
    assert referral.consent == Referral.Consent.GIVEN and referral.employee_functions == ANSWER
    with pytest.raises(Exception) as error:
        services.referral_employee_answer(referral=referral, answer=services.EmployeeAnswer(consent="declined"))
    assert danish("You have already answered. Contact the job centre if you want to change your answer.") in str(error.value)


def test_consent_link_expires_after_the_configured_days(client, team, settings, time_machine):  # noqa: F811
    time_machine.move_to(timezone.now(), tick=False)
    settings.FASTTRACK_CONSENT_LINK_DAYS = 7
    submit(client)
    url = _consent_url(Referral.objects.get())
    time_machine.shift(timedelta(days=6, hours=23))
    assert client.get(url).status_code == 200
    time_machine.shift(timedelta(hours=2))
    expired = client.get(url)
    assert expired.status_code == 410
    assert danish("This link has expired. Contact the job centre to get a new one.") in expired.content.decode()


def test_the_employee_mail_says_how_long_the_link_works(client, team, settings):  # noqa: F811
    from cases.models import OutboxMessage

    settings.FASTTRACK_CONSENT_LINK_DAYS = 5
    submit(client)
    text = OutboxMessage.objects.get(to=["jorgen@post.example"]).text
    assert " 5 dage" in text and "Løft og truckkørsel." not in text


def test_accepting_never_overwrites_what_the_case_file_knows(client, team):  # noqa: F811
    consultant = team.members.first()
    known = make_case(team=team, consultant=consultant, cpr="0203692468", name="Jørgen Ærø Hansen")
    contacts.contact_point_verify(case=known, actor=consultant, kind="email", value="jorgen.eget@post.example",
                                  method="call")
    case_services.case_close(case=known, actor=consultant, outcome="retained", closed_on=timezone.localdate(), note="")
    submit(client, employee_email="forkert@arbejde.example", employee_phone="+45 11 22 33 44",
           employee_name="Jørgen Ærø")
    case = services.referral_accept(referral=Referral.objects.get(), actor=consultant)
    person = Employee.objects.get(cpr="0203692468")
    assert case.employee == person
    # Known values stay; an empty field (the phone) is filled but stays unverified.
    assert person.email == "jorgen.eget@post.example" and person.name == "Jørgen Ærø Hansen"
    assert person.phone == "+45 11 22 33 44"
    typed = {(p.kind, p.value): p for p in person.contact_points.all()}
    assert not typed[("phone", "+4511223344")].is_verified
    assert typed[("phone", "+4511223344")].source == ContactPoint.Source.EMPLOYER
    assert not typed[("email", "forkert@arbejde.example")].is_verified
    assert typed[("email", "jorgen.eget@post.example")].is_verified


def test_a_new_person_from_a_referral_has_only_unverified_contacts(client, team):  # noqa: F811
    submit(client, employee_phone="20 30 40 50")
    case = services.referral_accept(referral=Referral.objects.get(), actor=team.members.first())
    assert case.employee.email == "jorgen@post.example"
    assert set(case.employee.contact_points.values_list("verified_at", flat=True)) == {None}
    assert not contacts.verified_contact_points(case.employee).exists()
