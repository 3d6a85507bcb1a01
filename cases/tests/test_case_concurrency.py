"""Close, reopen and reassign take the case row's lock and are idempotent on a double submit;
withdrawing a duty swap takes the swap's lock, as answering it does."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, Notification, ShiftSwap
from cases.phone import services as phone
from cases.roles import Role
from cases.tests.concurrency import race
from cases.tests.factories import make_case, make_team, make_user


def _events(case, kind: str) -> int:
    return CaseEvent.objects.filter(case_id=case.pk, kind=kind).count()


def _setup():
    team = make_team()
    user = make_user(team=team)
    colleague = make_user(team=team)
    return team, user, colleague, make_case(team=team, consultant=user)


def _close(case, user):
    return services.case_close(case=case, actor=user, outcome=Case.Outcome.RETAINED)


# --- SQLite: the idempotent paths ---------------------------------------------------------------


@pytest.mark.django_db
def test_closing_twice_records_one_closing_and_cancels_the_clocks_once():
    _team, user, _colleague, case = _setup()
    stale = Case.objects.get(pk=case.pk)
    _close(case, user)
    again = _close(stale, user)  # the second tab still thinks the case is open
    assert again.status == Case.Status.CLOSED
    assert _events(case, "case_closed") == 1 and _events(case, "deadline_cancelled") == 4
    with pytest.raises(ValidationError):  # a different outcome on a closed case is a real conflict
        services.case_close(case=stale, actor=user, outcome=Case.Outcome.RELOCATED)


@pytest.mark.django_db
def test_reopening_twice_records_one_reopening():
    _team, user, _colleague, case = _setup()
    _close(case, user)
    stale = Case.objects.get(pk=case.pk)
    services.case_reopen(case=case, actor=user, reason="Ny sygemelding")
    services.case_reopen(case=stale, actor=user, reason="Ny sygemelding")
    assert Case.objects.get(pk=case.pk).is_open and _events(case, "case_reopened") == 1


@pytest.mark.django_db
def test_reassigning_twice_records_and_notifies_once():
    _team, user, colleague, case = _setup()
    stale = Case.objects.get(pk=case.pk)
    services.case_reassign(case=case, actor=user, consultant=colleague)
    services.case_reassign(case=stale, actor=user, consultant=colleague)
    assert _events(case, "case_reassigned") == 1
    assert Notification.objects.filter(recipient=colleague, kind="case_assigned").count() == 1


@pytest.mark.django_db
def test_a_double_submit_of_the_close_form_shows_no_error(client):
    _team, user, _colleague, case = _setup()
    client.force_login(user)
    url = reverse("cases:close", args=[case.reference])
    data = {"outcome": Case.Outcome.RETAINED, "closed_on": str(timezone.localdate()), "note": ""}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert _events(case, "case_closed") == 1


@pytest.fixture
def swap(db):
    with time_machine.travel(date(2026, 11, 17), tick=False):
        team = make_team()
        lead = make_user(role=Role.TEAM_LEAD, team=team, lead=True)
        anders, fatima = make_user(team=team), make_user(team=team)
        shift = phone.roster_set(actor=lead, team=team, day=date(2026, 11, 19), consultant=anders)
        request = phone.swap_request(actor=anders, shift=shift, counterpart=fatima)
    return anders, fatima, request


@pytest.mark.django_db
def test_withdrawing_a_swap_already_accepted_is_refused(swap):
    anders, fatima, request = swap
    stale = ShiftSwap.objects.get(pk=request.pk)
    with time_machine.travel(date(2026, 11, 17), tick=False):
        phone.swap_answer(actor=fatima, swap=request, accept=True)
        with pytest.raises(ValidationError):
            phone.swap_cancel(actor=anders, swap=stale)
    assert ShiftSwap.objects.get(pk=request.pk).state == ShiftSwap.State.ACCEPTED


# --- PostgreSQL: two threads -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_closings_at_once_record_one():
    assert connection.vendor == "postgresql"
    _team, user, _colleague, case = _setup()
    a, b = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    first, second = race(lambda: _close(a, user), lambda: _close(b, user))
    assert isinstance(first, Case) and isinstance(second, Case)
    assert _events(case, "case_closed") == 1 and _events(case, "deadline_cancelled") == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reopenings_at_once_record_one():
    assert connection.vendor == "postgresql"
    _team, user, _colleague, case = _setup()
    _close(case, user)
    a, b = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    first, second = race(lambda: services.case_reopen(case=a, actor=user, reason="Ny sygemelding"),
                         lambda: services.case_reopen(case=b, actor=user, reason="Ny sygemelding"))
    assert isinstance(first, Case) and isinstance(second, Case)
    assert _events(case, "case_reopened") == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reassignments_at_once_record_and_notify_once():
    assert connection.vendor == "postgresql"
    _team, user, colleague, case = _setup()
    a, b = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    first, second = race(lambda: services.case_reassign(case=a, actor=user, consultant=colleague),
                         lambda: services.case_reassign(case=b, actor=user, consultant=colleague))
    assert isinstance(first, Case) and isinstance(second, Case)
    assert _events(case, "case_reassigned") == 1
    assert Notification.objects.filter(recipient=colleague, kind="case_assigned").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_withdrawing_while_the_colleague_accepts_cannot_both_win(swap):
    assert connection.vendor == "postgresql"
    anders, fatima, request = swap
    stale = ShiftSwap.objects.get(pk=request.pk)
    with time_machine.travel(date(2026, 11, 17), tick=False):
        accepted, withdrawn = race(lambda: phone.swap_answer(actor=fatima, swap=request, accept=True),
                                   lambda: phone.swap_cancel(actor=anders, swap=stale))
    assert isinstance(accepted, ShiftSwap), accepted
    assert isinstance(withdrawn, ValidationError), withdrawn
    assert ShiftSwap.objects.get(pk=request.pk).state == ShiftSwap.State.ACCEPTED
