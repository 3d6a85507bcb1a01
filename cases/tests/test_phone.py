"""The retention phone: roster, closed days, swaps, the call log, call-to-case and hand-over."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import Case, Deadline, DutyShift, JournalEntry, Notification, PhoneCall, ShiftSwap
from cases.phone import services as phone
from cases.roles import Role
from cases.tests.factories import make_team, make_user

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 17, 9, 30, tzinfo=CPH)  # Tuesday
MON, TUE, WED, THU, FRI = (date(2026, 11, 16) + timedelta(days=i) for i in range(5))

pytestmark = pytest.mark.django_db


@pytest.fixture
def kolding():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        team = make_team("Kolding")
        lead = make_user("lead", role=Role.TEAM_LEAD, team=team, lead=True)
        anders = make_user("anders", team=team, first_name="Anders")
        fatima = make_user("fatima", team=team, first_name="Fatima")
        other_team = make_team("Andet")
        outsider = make_user("outsider", team=other_team, first_name="Ole")
        yield {"team": team, "lead": lead, "anders": anders, "fatima": fatima, "outsider": outsider}


def _messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


# --- roster --------------------------------------------------------------------------------------


def test_lead_plans_weeks_ahead_skipping_closed_days(kolding):
    shifts = phone.roster_plan(actor=kolding["lead"], team=kolding["team"], start=date(2026, 12, 21), weeks=2,
                               consultants=[kolding["anders"], kolding["fatima"]])
    days = [s.date for s in shifts]
    # 21-23 Dec, (24 Christmas Eve, 25-26 Christmas), 28-30 Dec, (31 Dec closed), 1 Jan holiday.
    assert days == [date(2026, 12, d) for d in (21, 22, 23, 28, 29, 30)]
    assert [s.consultant.username for s in shifts] == ["anders", "fatima"] * 3


def test_plan_keeps_days_already_set(kolding):
    phone.roster_set(actor=kolding["lead"], team=kolding["team"], day=WED, consultant=kolding["fatima"])
    phone.roster_plan(actor=kolding["lead"], team=kolding["team"], start=MON, weeks=1, consultants=[kolding["anders"]])
    assert DutyShift.objects.get(date=WED).consultant == kolding["fatima"]
    assert DutyShift.objects.filter(team=kolding["team"], consultant=kolding["anders"]).count() == 4


def test_shift_on_a_closed_day_is_refused(kolding):
    with pytest.raises(ValidationError) as error:
        phone.roster_set(actor=kolding["lead"], team=kolding["team"], day=date(2026, 12, 25), consultant=kolding["anders"])
    assert "closed day" in _messages(error.value, "date")
    with pytest.raises(ValidationError):
        phone.roster_set(actor=kolding["lead"], team=kolding["team"], day=date(2026, 11, 21), consultant=kolding["anders"])
    assert not DutyShift.objects.exists()


def test_only_team_members_and_only_by_the_lead(kolding):
    with pytest.raises(ValidationError) as error:
        phone.roster_set(actor=kolding["lead"], team=kolding["team"], day=THU, consultant=kolding["outsider"])
    assert "not on team Kolding" in _messages(error.value, "consultant")
    with pytest.raises(ValidationError):
        phone.roster_set(actor=kolding["anders"], team=kolding["team"], day=THU, consultant=kolding["anders"])


# --- swaps ---------------------------------------------------------------------------------------


def test_swap_needs_both_to_agree(kolding):
    team, anders, fatima = kolding["team"], kolding["anders"], kolding["fatima"]
    thursday = phone.roster_set(actor=kolding["lead"], team=team, day=THU, consultant=anders)
    friday = phone.roster_set(actor=kolding["lead"], team=team, day=FRI, consultant=fatima)
    swap = phone.swap_request(actor=anders, shift=thursday, counterpart=fatima, counterpart_shift=friday)
    thursday.refresh_from_db()
    assert thursday.consultant == anders  # nothing moves before Fatima answers
    assert Notification.objects.filter(recipient=fatima, kind="shift_swap_requested").exists()
    with pytest.raises(ValidationError):
        phone.swap_answer(actor=anders, swap=swap, accept=True)  # the asker cannot accept for her
    phone.swap_answer(actor=fatima, swap=swap, accept=True)
    thursday.refresh_from_db()
    friday.refresh_from_db()
    assert (thursday.consultant, friday.consultant) == (fatima, anders)
    assert ShiftSwap.objects.get(pk=swap.pk).state == ShiftSwap.State.ACCEPTED
    assert Notification.objects.filter(recipient=anders, kind="shift_swap_answered").exists()


def test_declined_swap_changes_nothing_and_lead_can_set_it(kolding):
    team, anders, fatima = kolding["team"], kolding["anders"], kolding["fatima"]
    thursday = phone.roster_set(actor=kolding["lead"], team=team, day=THU, consultant=anders)
    swap = phone.swap_request(actor=anders, shift=thursday, counterpart=fatima)
    phone.swap_answer(actor=fatima, swap=swap, accept=False)
    assert DutyShift.objects.get(pk=thursday.pk).consultant == anders
    swap2 = phone.swap_request(actor=anders, shift=thursday, counterpart=fatima)
    phone.swap_answer(actor=kolding["lead"], swap=swap2, accept=True)  # the team lead sets it
    assert DutyShift.objects.get(pk=thursday.pk).consultant == fatima


def test_swap_with_someone_outside_the_team_is_refused(kolding):
    thursday = phone.roster_set(actor=kolding["lead"], team=kolding["team"], day=THU, consultant=kolding["anders"])
    with pytest.raises(ValidationError) as error:
        phone.swap_request(actor=kolding["anders"], shift=thursday, counterpart=kolding["outsider"])
    assert "Ole Bruger is not on team Kolding" in _messages(error.value, "counterpart")
    assert not ShiftSwap.objects.exists()


def test_swap_form_shows_the_message_and_keeps_the_input(client, kolding):
    thursday = phone.roster_set(actor=kolding["lead"], team=kolding["team"], day=THU, consultant=kolding["anders"])
    client.force_login(kolding["anders"])
    response = client.post(reverse("phone:swap_request"), {
        "team": kolding["team"].pk, "shift": thursday.pk, "counterpart": kolding["outsider"].pk})
    assert response.status_code == 400
    form = response.context["swap_form"]
    assert "er ikke med i team" in " ".join(form.errors["counterpart"])
    assert form["shift"].value() == str(thursday.pk)


def test_roster_set_view_on_a_closed_day_says_so(client, kolding):
    client.force_login(kolding["lead"])
    response = client.post(reverse("phone:roster_set"), {
        "team": kolding["team"].pk, "date": "2026-12-25", "consultant": kolding["anders"].pk})
    assert response.status_code == 400
    assert "er en lukkedag" in " ".join(response.context["set_form"].errors["date"])
    assert response.context["set_form"]["date"].value() == "2026-12-25"


def test_roster_page_shows_closed_days_and_duty(client, kolding):
    phone.roster_set(actor=kolding["lead"], team=kolding["team"], day=TUE, consultant=kolding["anders"])
    client.force_login(kolding["fatima"])
    response = client.get(reverse("phone:roster"), {"fra": "2026-12-21"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<tr class="table-secondary" data-date="2026-12-24">' in html  # Christmas Eve: closed
    assert '<tr class="" data-date="2026-12-23">' in html
    response = client.get(reverse("phone:roster"))
    assert "Anders" in response.content.decode()


def test_roster_of_another_team_is_404(client, kolding):
    client.force_login(kolding["outsider"])
    assert client.get(reverse("phone:roster"), {"team": kolding["team"].pk}).status_code == 404


# --- calls ---------------------------------------------------------------------------------------


def test_call_without_caller_type_or_summary_is_refused(kolding):
    with pytest.raises(ValidationError) as error:
        phone.call_log(actor=kolding["anders"], team=kolding["team"], caller_type="", summary="  ")
    assert set(error.value.message_dict) == {"caller_type", "summary"}
    with pytest.raises(ValidationError) as error:
        phone.call_log(actor=kolding["anders"], team=kolding["team"], caller_type="employer", summary="x",
                       roundtable_within_days=9)
    assert "roundtable_within_days" in error.value.message_dict
    assert not PhoneCall.objects.exists()


def test_call_form_keeps_input_on_error(client, kolding):
    client.force_login(kolding["anders"])
    response = client.post(reverse("phone:calls"), {
        "team": kolding["team"].pk, "caller_name": "Lone Madsen", "received_at": "2026-11-17T09:00", "summary": ""})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["caller_type"] == ["Vælg, hvem der ringede."]
    assert form.errors["summary"] == ["Skriv et kort resumé af opkaldet."]
    assert 'value="Lone Madsen"' in response.content.decode()


def test_settled_call_is_logged(client, kolding):
    client.force_login(kolding["anders"])
    response = client.post(reverse("phone:calls"), {
        "team": kolding["team"].pk, "caller_type": "employer", "caller_name": "Lone", "received_at": "2026-11-17T09:00",
        "summary": "Rådgivning om delvis raskmelding.", "settled": "on"})
    assert response.status_code == 302
    call = PhoneCall.objects.get()
    assert call.settled and call.taken_by == kolding["anders"] and call.case is None


def test_call_needing_more_opens_a_case_for_the_one_on_duty(client, kolding):
    team, anders, fatima = kolding["team"], kolding["anders"], kolding["fatima"]
    phone.roster_set(actor=kolding["lead"], team=team, day=TUE, consultant=anders)
    client.force_login(fatima)  # Fatima picks up while Anders is in a meeting: the case is still his
    response = client.post(reverse("phone:calls"), {
        "team": team.pk, "caller_type": "employer", "caller_name": "Kurt", "received_at": "2026-11-17T09:00",
        "summary": "Rygskade, ønsker møde om 3 dage.", "roundtable_within_days": "3"})
    call = PhoneCall.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("phone:call_case", args=[call.pk])
    response = client.post(reverse("phone:call_case", args=[call.pk]), {
        "cpr": "120375-4321", "employee_name": "Kirsten Vestergaard", "cvr": "13585628",
        "employer_name": "Nordlys Lager & Logistik A/S", "first_absence_day": "2026-10-27"})
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.consultant, case.source, case.team) == (anders, Case.Source.PHONE_CALL, team)
    assert case.first_contact_at == datetime(2026, 11, 17, 9, 0, tzinfo=CPH)
    assert case.deadlines.filter(kind="first_meeting", state=Deadline.State.OPEN).exists()
    assert JournalEntry.objects.filter(case=case, kind="phone_call").exists()
    assert case.events.filter(kind="roundtable_wished").exists()
    call.refresh_from_db()
    assert call.case == case
    # A second attempt does not open another case.
    with pytest.raises(ValidationError):
        phone.call_open_case(actor=anders, call=call, employee=services.EmployeeData(cpr="0101801234", name="X"))


def test_call_case_form_bad_cpr_keeps_input(client, kolding):
    call = phone.call_log(actor=kolding["anders"], team=kolding["team"], caller_type="citizen", summary="Hjælp")
    client.force_login(kolding["anders"])
    response = client.post(reverse("phone:call_case", args=[call.pk]), {"cpr": "12345", "employee_name": "Bo"})
    assert response.status_code == 400 and response.context["form"].errors["cpr"]
    assert 'value="Bo"' in response.content.decode()
    assert not Case.objects.exists()


def test_case_from_call_can_be_handed_to_a_colleague(client, kolding):
    call = phone.call_log(actor=kolding["anders"], team=kolding["team"], caller_type="employer", summary="Møde ønsket")
    case = phone.call_open_case(actor=kolding["anders"], call=call,
                                employee=services.EmployeeData(cpr="0101801234", name="Bo Ærø"))
    assert case.consultant == kolding["anders"]  # no roster that day: the one who took the call
    client.force_login(kolding["anders"])
    response = client.post(reverse("phone:call_hand_over", args=[call.pk]), {"consultant": kolding["fatima"].pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.consultant == kolding["fatima"]
    assert Notification.objects.filter(recipient=kolding["fatima"], case=case).exists()
    # Not to someone off the team.
    client.post(reverse("phone:call_hand_over", args=[call.pk]), {"consultant": kolding["outsider"].pk})
    case.refresh_from_db()
    assert case.consultant == kolding["fatima"]


def test_calls_of_another_team_are_not_reachable(client, kolding):
    call = phone.call_log(actor=kolding["anders"], team=kolding["team"], caller_type="employer", summary="x")
    client.force_login(kolding["outsider"])
    assert client.get(reverse("phone:call_case", args=[call.pk])).status_code == 404


def test_staff_without_a_team_gets_404_not_an_error(client, kolding):
    loner = make_user("loner")
    client.force_login(loner)
    assert client.get(reverse("phone:roster")).status_code == 200  # "ask your team lead"
    assert client.post(reverse("phone:roster_set"), {"date": "2026-11-19"}).status_code == 404
    assert client.post(reverse("phone:swap_request"), {}).status_code == 404
