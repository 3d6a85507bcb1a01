"""The retention phone: a roundtable wished within N working days is a clock, met by holding the
roundtable; the consultant who owns a case opened from a call is told."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cases import services
from cases.models import Deadline, DeadlinePolicy, Notification
from cases.phone import services as phone
from cases.roles import Role
from cases.tests.factories import make_team, make_user

CPH = ZoneInfo("Europe/Copenhagen")
TUESDAY = datetime(2026, 11, 17, 9, 30, tzinfo=CPH)
Kind = DeadlinePolicy.Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def kolding():
    with time_machine.travel(TUESDAY, tick=False):
        team = make_team("Kolding")
        lead = make_user("lead", role=Role.TEAM_LEAD, team=team, lead=True)
        anders = make_user("anders", team=team, first_name="Anders", last_name="Holm")
        fatima = make_user("fatima", team=team, first_name="Fatima", last_name="Ali")
        phone.roster_set(actor=lead, team=team, day=TUESDAY.date(), consultant=anders)
        yield {"team": team, "lead": lead, "anders": anders, "fatima": fatima}


def _case_from_call(kolding, *, actor, days, received_at=None):
    call = phone.call_log(actor=actor, team=kolding["team"], caller_type="employer", summary="Ønsker rundbord",
                          roundtable_within_days=days, received_at=received_at)
    case = phone.call_open_case(actor=actor, call=call,
                                employee=services.EmployeeData(cpr="120375-4321", name="Kirsten Vestergaard"))
    return call, case


@pytest.mark.parametrize(("received", "days", "due_day"), [
    (datetime(2026, 11, 17, 9, 0, tzinfo=CPH), 3, date(2026, 11, 20)),   # Tue + 3 working days = Fri
    (datetime(2026, 11, 20, 15, 0, tzinfo=CPH), 1, date(2026, 11, 23)),  # Fri + 1 skips the weekend
    (datetime(2026, 12, 23, 10, 0, tzinfo=CPH), 2, date(2026, 12, 29)),  # 24/12 closed, Christmas, weekend
])
def test_the_wish_is_counted_on_working_days(received, days, due_day):
    due = timezone.localtime(phone.wished_roundtable_due(received_at=received, days=days))
    assert due.date() == due_day and (due.hour, due.minute) == (23, 59)


def test_a_wished_roundtable_opens_a_clock_and_the_owner_on_duty_is_notified(kolding):
    anders, fatima = kolding["anders"], kolding["fatima"]
    with time_machine.travel(TUESDAY, tick=False):
        # Fatima takes the call while Anders is on duty: the case and the clock are his.
        call, case = _case_from_call(kolding, actor=fatima, days=3)
    clock = case.deadlines.get(kind=Kind.WISHED_ROUNDTABLE)
    assert clock.state == Deadline.State.OPEN and clock.start_at == call.received_at
    assert timezone.localtime(clock.due_at).date() == date(2026, 11, 20)
    assert "3 arbejdsdage" in clock.display_title
    assert case.consultant == anders
    notice = Notification.objects.get(recipient=anders, kind="case_from_call")
    assert notice.case == case and notice.dedup_key == f"call-case:{call.pk}:{anders.pk}"
    assert case.reference in notice.title and "20/11/2026 23:59" in notice.body
    assert not Notification.objects.filter(recipient=fatima, kind="case_from_call").exists()


def test_a_call_without_a_wish_opens_no_wished_clock_but_still_notifies(kolding):
    with time_machine.travel(TUESDAY, tick=False):
        _call, case = _case_from_call(kolding, actor=kolding["anders"], days=None)
    assert not case.deadlines.filter(kind=Kind.WISHED_ROUNDTABLE).exists()
    assert Notification.objects.filter(recipient=kolding["anders"], kind="case_from_call", case=case).count() == 1


def test_holding_the_roundtable_meets_the_wished_clock_at_the_held_time(kolding):
    from roundtable import services as meetings
    from roundtable.models import Meeting
    from roundtable.tests.factories import participants

    anders = kolding["anders"]
    with time_machine.travel(TUESDAY, tick=False):
        _call, case = _case_from_call(kolding, actor=anders, days=3)
        thursday = datetime(2026, 11, 19, 9, 0, tzinfo=CPH)  # inside the 48-hour clock too
        meeting = meetings.meeting_schedule(
            case=case, actor=anders, kind=Meeting.Kind.ROUNDTABLE, participants=participants(),
            slot=meetings.SlotData(starts_at=thursday, place="Lageret, kantinen"))
    with time_machine.travel(datetime(2026, 11, 24, 12, 0, tzinfo=CPH), tick=False):  # registered days later
        meetings.meeting_hold(meeting=meeting, actor=anders, at=thursday)
    clock = case.deadlines.get(kind=Kind.WISHED_ROUNDTABLE)
    assert clock.state == Deadline.State.MET and clock.met_at == thursday and clock.met_at <= clock.due_at
