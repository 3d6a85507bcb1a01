"""A meeting is held when it was held: the page asks when (default: the booked start), the clocks
are met at that time, and the minutes, their PDF and mail carry the meeting's date."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Deadline, DeadlinePolicy, OutboxMessage
from cases.tests.factories import make_case, make_team, make_user
from roundtable import pdf, services
from roundtable.models import Meeting
from roundtable.tests.factories import fill_goals, participants

CPH = ZoneInfo("Europe/Copenhagen")
MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=CPH)       # first contact; the 48-hour clock runs to Wed 09:00
BOOKED_FOR = datetime(2026, 11, 17, 10, 0, tzinfo=CPH)  # Tuesday
SUNDAY_CLICK = datetime(2026, 11, 22, 15, 40, tzinfo=CPH)  # registered after the fact (the example)
Kind = DeadlinePolicy.Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked():
    with time_machine.travel(MONDAY, tick=False):
        team = make_team()
        user = make_user(team=team, first_name="Mette", last_name="Jensen")
        case = make_case(team=team, consultant=user, first_contact_at=MONDAY)
    with time_machine.travel(MONDAY + timedelta(minutes=5), tick=False):
        meeting = services.meeting_schedule(
            case=case, actor=user, kind=Meeting.Kind.ROUNDTABLE, participants=participants(),
            slot=services.SlotData(starts_at=BOOKED_FOR, place="Skolen ved Øresund"))
    return user, case, meeting


def _first_meeting_clock(case) -> Deadline:
    return case.deadlines.get(kind=Kind.FIRST_MEETING)


def _field(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_form_defaults_to_the_booked_start_in_local_time(client, booked):
    user, case, meeting = booked
    client.force_login(user)
    with time_machine.travel(SUNDAY_CLICK, tick=False):
        page = client.get(reverse("roundtable:detail", args=[case.reference, meeting.pk])).content.decode()
    assert 'name="hold-held_at"' in page and 'value="2026-11-17T10:00"' in page
    assert "Mødet blev holdt" in page


def test_registered_days_later_the_clock_is_met_at_the_held_time_on_time(client, booked):
    user, case, meeting = booked
    client.force_login(user)
    with time_machine.travel(SUNDAY_CLICK, tick=False):
        response = client.post(reverse("roundtable:hold", args=[case.reference, meeting.pk]),
                               {"hold-held_at": "2026-11-17T10:00"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD and meeting.held_at == BOOKED_FOR
    clock = _first_meeting_clock(case)
    assert clock.state == Deadline.State.MET and clock.met_at == BOOKED_FOR and clock.met_at <= clock.due_at
    follow = case.deadlines.get(kind=Kind.FOLLOW_UP)
    assert follow.start_at == BOOKED_FOR
    # The follow-up is proposed four weeks from the meeting, not from the click.
    proposal = timezone.localtime(services.follow_up_proposal(meeting))
    assert proposal == datetime(2026, 12, 15, 10, 0, tzinfo=CPH)


def test_a_meeting_held_after_the_clock_meets_it_late(booked):
    user, case, meeting = booked
    held = datetime(2026, 11, 19, 10, 0, tzinfo=CPH)  # Thursday, after Wednesday 09:00
    with time_machine.travel(SUNDAY_CLICK, tick=False):
        services.meeting_hold(meeting=meeting, actor=user, at=held)
    clock = _first_meeting_clock(case)
    assert clock.state == Deadline.State.MET and clock.met_at == held and clock.met_at > clock.due_at
    assert case.events.filter(kind="deadline_met", summary__contains="for sent").exists()


@pytest.mark.parametrize(("typed", "message"), [
    ("2026-11-23T10:00", "Et møde kan ikke registreres som afholdt i fremtiden."),
    ("2026-11-16T08:00", "Mødet kan ikke være holdt, før det blev booket"),
])
def test_a_held_time_in_the_future_or_before_the_booking_is_refused_next_to_the_field(client, booked, typed, message):
    user, case, meeting = booked
    client.force_login(user)
    with time_machine.travel(SUNDAY_CLICK, tick=False):
        response = client.post(reverse("roundtable:hold", args=[case.reference, meeting.pk]), {"hold-held_at": typed})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and f'value="{typed}"' in page
    assert 'id="error_1_id_hold-held_at"' in page  # crispy puts the message under the field
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.INVITED and meeting.held_at is None
    assert _first_meeting_clock(case).state == Deadline.State.OPEN


def test_the_minutes_carry_the_meeting_date_not_the_click(settings, tmp_path, booked):
    settings.MEDIA_ROOT = tmp_path
    user, case, meeting = booked
    with time_machine.travel(SUNDAY_CLICK, tick=False):
        services.meeting_hold(meeting=meeting, actor=user, at=BOOKED_FOR)
        meeting.refresh_from_db()
        fill_goals(meeting, user)
        version = services.minutes_finalise(meeting=meeting, actor=user)
    assert datetime.fromisoformat(version.content["held_at"]) == BOOKED_FOR
    subjects = set(OutboxMessage.objects.filter(dedup_key__startswith="minutes:").values_list("subject", flat=True))
    assert subjects and all("17/11 10:00" in s and "22/11" not in s for s in subjects)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_pdf(version, pdf.FULL))).pages)
    assert "17. november 2026 10:00" in text


def test_a_double_submit_of_the_held_time_registers_once_and_another_time_is_refused_visibly(client, booked):
    user, case, meeting = booked
    client.force_login(user)
    url = reverse("roundtable:hold", args=[case.reference, meeting.pk])
    with time_machine.travel(SUNDAY_CLICK, tick=False):
        assert client.post(url, {"hold-held_at": "2026-11-17T10:00"}).status_code == 302
        assert client.post(url, {"hold-held_at": "2026-11-17T10:00"}).status_code == 302
        assert case.events.filter(kind="meeting_held").count() == 1
        response = client.post(url, {"hold-held_at": "2026-11-17T11:00"})
    assert response.status_code == 400 and "afholdt" in response.content.decode()
    assert 'class="alert alert-danger w-100"' in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.held_at == BOOKED_FOR
