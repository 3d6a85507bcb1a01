"""Employers as master data: a known CVR fills in and is never renamed by a case, call or referral;
an unknown one is created; a P-number picks the workplace; without a CVR the employer is kept as typed
("CVR mangler"); changes go through the employer page, with history."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import employers
from cases.models import Case, Employer, EmployerChange
from cases.phone import services as phone
from cases.tests.factories import make_case, make_team, make_user, next_cpr

pytestmark = pytest.mark.django_db

SCHOOL_CVR = "29189978"  # a valid check digit
BAD_CVR = "29189979"


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def user(team):
    return make_user(team=team, first_name="Mette", last_name="Jensen")


@pytest.fixture
def school():
    return Employer.objects.create(cvr=SCHOOL_CVR, name="Skolen ved Øresund", address="Skolevej 1, 3000 Helsingør")


def _case_post(team, user, **employer):
    return {
        "cpr": next_cpr(), "employee_name": "Søren Østergård", "team": team.pk, "consultant": user.pk,
        "source": Case.Source.PHONE_CALL, "first_contact_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        **employer,
    }


def test_a_case_form_never_renames_a_known_employer(client, team, user, school):
    other = make_case(team=team, consultant=user)  # another case with the same employer
    client.force_login(user)
    response = client.post(reverse("cases:create"), _case_post(
        team, user, cvr=SCHOOL_CVR, employer_name="Skolen (omdøbt)", employer_address="Andetsteds 9"))
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.name, school.address) == ("Skolen ved Øresund", "Skolevej 1, 3000 Helsingør")
    assert Case.objects.exclude(pk=other.pk).get().employer == school == Case.objects.get(pk=other.pk).employer
    assert Employer.objects.count() == 1


def test_a_known_cvr_needs_no_name_and_an_unknown_one_is_created(client, team, user, school):
    client.force_login(user)
    assert client.post(reverse("cases:create"), _case_post(team, user, cvr=SCHOOL_CVR)).status_code == 302
    response = client.post(reverse("cases:create"), _case_post(team, user, cvr="13585628"))
    assert response.status_code == 200
    assert "Angiv arbejdsgiverens navn: CVR-nummeret er nyt for os." in response.content.decode()
    response = client.post(reverse("cases:create"), _case_post(team, user, cvr="13585628", employer_name="Nordlys A/S"))
    assert response.status_code == 302
    created = Employer.objects.get(cvr="13585628")
    assert created.name == "Nordlys A/S"
    assert EmployerChange.objects.filter(employer=created).count() == 1


def test_a_bad_check_digit_gets_a_danish_message_and_keeps_the_input(client, team, user):
    client.force_login(user)
    response = client.post(reverse("cases:create"), _case_post(team, user, cvr=BAD_CVR, employer_name="Firma ApS"))
    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "CVR-nummerets kontrolciffer passer ikke" in html
    assert f'value="{BAD_CVR}"' in html and 'value="Firma ApS"' in html


def test_the_lookup_fills_in_a_known_cvr_and_judges_only_the_cvr(client, user, school):
    client.force_login(user)
    html = client.get(reverse("cases:employer_lookup"), {"cvr": SCHOOL_CVR, "employer_name": ""}).content.decode()
    assert 'value="Skolen ved Øresund"' in html and "readonly" in html and 'data-testid="employer-known"' in html
    html = client.get(reverse("cases:employer_lookup"), {"cvr": "13585628"}).content.decode()
    assert 'data-testid="employer-new"' in html and "Angiv arbejdsgiverens navn" not in html
    html = client.get(reverse("cases:employer_lookup"), {"cvr": BAD_CVR}).content.decode()
    assert "CVR-nummerets kontrolciffer passer ikke" in html


def test_a_p_number_picks_the_workplace(school):
    workplace = Employer.objects.create(cvr=SCHOOL_CVR, p_number="1012345678", name="Skolen, afd. Nord",
                                        address="Nordvej 2")
    assert employers.employer_lookup(cvr=SCHOOL_CVR, p_number="1012345678") == workplace
    assert employers.employer_lookup(cvr=SCHOOL_CVR) == school
    data = employers.EmployerData(cvr=SCHOOL_CVR, name="", p_number="1012345678")
    assert employers.employer_for_case(data=data) == workplace
    new = employers.employer_for_case(data=employers.EmployerData(cvr=SCHOOL_CVR, name="", p_number="1099999999"))
    assert new.name == "Skolen ved Øresund" and new.p_number == "1099999999"  # a new workplace of a known firm


def test_a_call_without_a_cvr_keeps_the_employer_and_the_contact(client, team, user):
    call = phone.call_log(actor=user, team=team, caller_type="employer", summary="Lone ringer om Søren", settled=False)
    client.force_login(user)
    response = client.post(reverse("phone:call_case", args=[call.pk]), {
        "cpr": next_cpr(), "employee_name": "Søren Østergård", "employer_name": "Bageriet på Torvet",
        "contact_name": "Lone Madsen", "contact_phone": "+45 11 22 33 44",
    })
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.employer.name == "Bageriet på Torvet" and case.employer.cvr_missing
    assert case.employer_contact.name == "Lone Madsen" and case.employer_contact.phone == "+45 11 22 33 44"
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "CVR mangler" in page


def test_a_contact_person_needs_an_employer(client, team, user):
    client.force_login(user)
    response = client.post(reverse("cases:create"), _case_post(team, user, contact_name="Lone Madsen"))
    assert response.status_code == 200
    assert "En kontaktperson skal høre til en arbejdsgiver" in response.content.decode()


def test_required_fields_carry_an_asterisk(client, user):
    client.force_login(user)
    html = client.get(reverse("cases:create")).content.decode()
    label = html.split('for="id_employer_name"')[1].split("</label>")[0]
    assert "asteriskField" in label


def test_the_employer_page_edits_with_history_and_refuses_an_empty_name(client, user, school):
    client.force_login(user)
    url = reverse("cases:employer_edit", args=[school.pk])
    response = client.post(url, {"name": "", "address": "Ny adresse 3", "cvr": SCHOOL_CVR})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Angiv arbejdsgiverens navn." in html and 'value="Ny adresse 3"' in html
    assert client.post(url, {"name": "Skolen ved Sundet", "address": school.address, "cvr": SCHOOL_CVR}).status_code == 302
    school.refresh_from_db()
    assert school.name == "Skolen ved Sundet"
    change = EmployerChange.objects.get(employer=school)
    assert change.actor == user and change.changes == {"name": ["Skolen ved Øresund", "Skolen ved Sundet"]}
    assert "Skolen ved Øresund" in client.get(url).content.decode()  # the history shows the old name


def test_a_missing_cvr_is_completed_later(user):
    employer = employers.employer_for_case(data=employers.EmployerData(cvr="", name="Bageriet på Torvet"))
    assert employers.employer_for_case(data=employers.EmployerData(cvr="", name="bageriet på torvet")) == employer
    employers.employer_update(employer=employer, actor=user, name=employer.name, address="Torvet 1", cvr=SCHOOL_CVR,
                              p_number="")
    employer.refresh_from_db()
    assert employer.cvr == SCHOOL_CVR and not employer.cvr_missing


def test_consultant_pickers_show_full_names_not_usernames(client, team, user):
    make_user("konsulent3", team=team, first_name="Fatima", last_name="Ali")
    client.force_login(user)
    html = client.get(reverse("cases:create")).content.decode()
    picker = html.split('name="consultant"')[1].split("</select>")[0]
    assert "Fatima Ali" in picker and "konsulent3" not in picker
    case = make_case(team=team, consultant=user)
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    reassign = html.split('action="/sager/%s/tildel/"' % case.reference)[1].split("</select>")[0]
    assert "Fatima Ali" in reassign and "konsulent3" not in reassign


def test_the_call_form_has_the_same_rules_as_the_case_form(client, team, user):
    """One component: the call form refuses a contact without an employer and a bad CVR, like the case form."""
    call = phone.call_log(actor=user, team=team, caller_type="employer", summary="Lone ringer", settled=False)
    client.force_login(user)
    html = client.post(reverse("phone:call_case", args=[call.pk]), {
        "cpr": next_cpr(), "employee_name": "Søren Østergård", "contact_name": "Lone Madsen"}).content.decode()
    assert "En kontaktperson skal høre til en arbejdsgiver" in html
    html = client.post(reverse("phone:call_case", args=[call.pk]), {
        "cpr": next_cpr(), "employee_name": "Søren Østergård", "cvr": BAD_CVR}).content.decode()
    assert "CVR-nummerets kontrolciffer passer ikke" in html and not Case.objects.exists()
