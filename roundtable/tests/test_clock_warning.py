"""Booking or moving a meeting past the clock it should meet needs an explicit confirmation; the
consequence is shown in Danish next to the time, and the timeline records the choice."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.tests.factories import make_case, make_team, make_user
from roundtable import services
from roundtable.models import Meeting
from roundtable.tests.factories import participants

CPH = ZoneInfo("Europe/Copenhagen")
MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=CPH)  # first contact; first-meeting clock due Wed 18/11 09:00
LATE = datetime(2026, 11, 19, 13, 0, tzinfo=CPH)   # Thursday: 1 day 4 hours after the clock
IN_TIME = datetime(2026, 11, 17, 10, 0, tzinfo=CPH)
WARNING = "Mødet ligger efter fristen for første møde (ons 18/11 2026 09:00): fristen overskrides med 1 d 4 t."

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False):
        team = make_team()
        user = make_user(team=team, first_name="Mette", last_name="Jensen")
        case = make_case(team=team, consultant=user, first_contact_at=MONDAY)
        yield user, case


def _book(case, user, when, kind=Meeting.Kind.ROUNDTABLE, **kwargs):
    return services.meeting_schedule(case=case, actor=user, kind=kind, participants=participants(),
                                     slot=services.SlotData(starts_at=when, place="Skolen"), **kwargs)


def test_booking_after_the_clock_is_refused_until_confirmed_and_the_choice_is_recorded(monday):
    user, case = monday
    with pytest.raises(ValidationError) as info:
        _book(case, user, LATE)
    assert info.value.message_dict["starts_at"] == [WARNING]
    assert services.is_late_refusal(info.value)
    assert not Meeting.objects.exists() and not case.events.filter(kind="meeting_after_deadline").exists()
    meeting = _book(case, user, LATE, accept_late=True)
    assert meeting.starts_at == LATE
    event = case.events.get(kind="meeting_after_deadline")
    assert event.actor == user and "fristen overskrides med 1 d 4 t" in event.summary


def test_in_time_books_without_a_question_and_a_late_care_conversation_asks_like_a_roundtable(monday):
    user, case = monday
    _book(case, user, IN_TIME)
    assert not case.events.filter(kind="meeting_after_deadline").exists()
    Meeting.objects.all().delete()
    # Helsingør: the care conversation is a roundtable under another name, so it meets the same clocks.
    with pytest.raises(ValidationError) as info:
        _book(case, user, LATE, kind=Meeting.Kind.CARE)
    assert info.value.message_dict["starts_at"] == [WARNING]


def test_a_clock_another_booked_meeting_meets_in_time_is_not_missed(monday):
    user, case = monday
    _book(case, user, IN_TIME)
    _book(case, user, LATE)  # a second roundtable later: the first one meets the clock
    assert not case.events.filter(kind="meeting_after_deadline").exists()


def test_moving_past_the_clock_needs_the_confirmation(monday):
    user, case = monday
    meeting = _book(case, user, IN_TIME)
    with pytest.raises(ValidationError) as info:
        services.meeting_move(meeting=meeting, actor=user, slot=services.SlotData(starts_at=LATE, place="Skolen"))
    assert info.value.message_dict["starts_at"] == [WARNING]
    assert Meeting.objects.get(pk=meeting.pk).starts_at == IN_TIME
    services.meeting_move(meeting=meeting, actor=user, slot=services.SlotData(starts_at=LATE, place="Skolen"),
                          accept_late=True)
    assert Meeting.objects.get(pk=meeting.pk).starts_at == LATE
    assert case.events.filter(kind="meeting_after_deadline").count() == 1


def _booking_post(**extra):
    data = {"kind": "roundtable", "starts_at": "2026-11-19T13:00", "duration_minutes": "60", "place_kind": "workplace",
            "place": "Skolen ved Øresund", "online_link": "",
            "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "1000",
            "p-0-role": "employee", "p-0-name": "Søren Østergård", "p-0-title": "", "p-0-email": "soren@post.example"}
    data.update(extra)
    return data


def test_the_booking_page_shows_the_consequence_and_then_the_checkbox(client, monday):
    user, case = monday
    client.force_login(user)
    url = reverse("roundtable:create", args=[case.reference])
    first = client.get(url).content.decode()
    assert 'name="accept_late"' not in first  # never asked in advance
    response = client.post(url, _booking_post())
    page = response.content.decode()
    assert response.status_code == 400 and WARNING in page
    assert 'name="accept_late"' in page and "Book alligevel: Jeg accepterer, at fristen overskrides" in page
    assert 'value="Skolen ved Øresund"' in page  # nothing typed is lost
    assert not Meeting.objects.exists()
    response = client.post(url, _booking_post(accept_late="on"))
    assert response.status_code == 302
    assert Meeting.objects.get().starts_at == LATE
    assert case.events.filter(kind="meeting_after_deadline", actor=user).exists()


def test_the_move_form_on_the_meeting_page_warns_and_confirms(client, monday):
    user, case = monday
    meeting = _book(case, user, IN_TIME)
    client.force_login(user)
    url = reverse("roundtable:move", args=[case.reference, meeting.pk])
    data = {"starts_at": "2026-11-19T13:00", "duration_minutes": "60", "place_kind": "workplace", "place": "Skolen",
            "online_link": "", "reason": "Lederen er syg"}
    response = client.post(url, data)
    assert response.status_code == 400 and WARNING in response.content.decode()
    assert 'value="Lederen er syg"' in response.content.decode()
    assert client.post(url, {**data, "accept_late": "on"}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).starts_at == LATE


def test_booking_the_follow_up_after_its_clock_needs_the_confirmation(client, monday):
    user, case = monday
    meeting = _book(case, user, IN_TIME)
    with time_machine.travel(IN_TIME + timedelta(hours=1), tick=False):
        services.meeting_hold(meeting=meeting, actor=user, at=IN_TIME)
        follow = case.deadlines.get(kind="follow_up")
        client.force_login(user)
        url = reverse("roundtable:follow_up", args=[case.reference, meeting.pk])
        too_late = "2026-12-16T10:00"  # the follow-up clock runs to Tue 15/12 23:59
        response = client.post(url, {"starts_at": too_late})
        page = response.content.decode()
        assert response.status_code == 400 and "Mødet ligger efter fristen for opfølgningsmøde" in page
        assert 'name="accept_late"' in page and not Meeting.objects.filter(kind="follow_up").exists()
        assert client.post(url, {"starts_at": too_late, "accept_late": "on"}).status_code == 302
    assert Meeting.objects.filter(kind="follow_up").count() == 1
    assert follow.due_at < Meeting.objects.get(kind="follow_up").starts_at
