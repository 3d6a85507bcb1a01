import base64
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from cases.models import OutboxMessage
from cases.notifications import outbox_send_due
from roundtable import services
from roundtable.models import Meeting
from roundtable.tests.factories import make_meeting, setup_case

pytestmark = pytest.mark.django_db


def _calendars(meeting, event):
    messages = OutboxMessage.objects.filter(dedup_key__startswith=f"meeting:{meeting.uid}:").filter(
        dedup_key__contains=f":{event}:").order_by("pk")
    result = []
    for message in messages:
        (attachment,) = message.attachments
        assert attachment["filename"] == "invitation.ics"
        assert attachment["mimetype"].startswith("text/calendar; method=")
        result.append((message, Calendar.from_ical(base64.b64decode(attachment["content"]))))
    return result


def test_invitation_ics_is_a_request_with_stable_uid_and_danish_text():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    found = _calendars(meeting, "invite")
    assert len(found) == 3
    message, cal = next((m, c) for m, c in found if m.to == ["lone@skolen.example"])
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"{meeting.uid}@fastholdelse"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=60)
    assert "Rundbordssamtale" in str(event["SUMMARY"]) and "Søren Østergård" in str(event["SUMMARY"])
    assert str(event["ORGANIZER"]) == f"mailto:{user.email}"
    assert "Skolen ved Øresund" in str(event["LOCATION"])
    # The mail text carries a personal answer link.
    assert "/moede/svar/" in message.text
    assert message.subject.startswith("Invitation: Rundbordssamtale")


def test_each_recipient_gets_a_calendar_naming_only_the_organiser_and_themselves():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    found = _calendars(meeting, "invite")
    addresses = {"soren@post.example", "lone@skolen.example", "mette@kommune.example"}
    assert {message.to[0] for message, _cal in found} == addresses
    for message, cal in found:
        raw = cal.to_ical().decode()
        (event,) = cal.walk("VEVENT")
        attendee = event["ATTENDEE"]
        assert not isinstance(attendee, list), "one ATTENDEE only"
        assert str(attendee) == f"mailto:{message.to[0]}"
        for other in addresses - {message.to[0]}:
            assert other not in raw and other not in message.text
        # No other participant's name either: Lone (employer) never sees Søren's address, nor he hers.
        if message.to == ["lone@skolen.example"]:
            assert "Mette Jensen" in raw  # the organiser (the consultant) is named as organiser


def test_ics_carries_a_vtimezone_for_its_tzid_and_a_second_parser_reads_the_same_time():
    """RFC 5545 3.2.19: every TZID used must have a VTIMEZONE. vobject (a second, independent parser)
    resolves the local time through that VTIMEZONE to the same instant."""
    import vobject

    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user, starts_in=timedelta(days=200), accept_late=True)  # across a DST change
    for message, cal in _calendars(meeting, "invite"):
        raw = base64.b64decode(message.attachments[0]["content"]).decode()
        assert "DTSTART;TZID=Europe/Copenhagen:" in raw
        (zone,) = cal.walk("VTIMEZONE")
        assert str(zone["TZID"]) == "Europe/Copenhagen"
        assert zone.walk("STANDARD") and zone.walk("DAYLIGHT")
        parsed = vobject.readOne(raw)
        assert parsed.vtimezone.tzid.value == "Europe/Copenhagen"
        start = parsed.vevent.dtstart.value
        assert start.utcoffset() is not None
        assert start == meeting.starts_at.replace(microsecond=0)
        assert parsed.vevent.dtend.value - start == timedelta(minutes=60)
        assert len(parsed.vevent.contents["attendee"]) == 1
        assert parsed.vevent.attendee.value == f"mailto:{message.to[0]}"


def test_move_raises_sequence_keeping_uid_and_cancel_sends_method_cancel():
    _team, user, case = setup_case()
    meeting = make_meeting(case=case, actor=user)
    services.meeting_move(meeting=meeting, actor=user, slot=services.SlotData(
        starts_at=timezone.now() + timedelta(days=4), place_kind=Meeting.PlaceKind.ONLINE,
        online_link="https://meet.example/abc"), accept_late=True)
    (_message, moved), *_ = _calendars(meeting, "move")
    (event,) = moved.walk("VEVENT")
    assert moved["METHOD"] == "REQUEST" and int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == f"{meeting.uid}@fastholdelse"
    assert str(event["LOCATION"]) == "https://meet.example/abc"
    services.meeting_cancel(meeting=meeting, actor=user, reason="Medarbejderen er raskmeldt")
    (message, cancelled), *_ = _calendars(meeting, "cancel")
    (event,) = cancelled.walk("VEVENT")
    assert cancelled["METHOD"] == "CANCEL" and int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"
    # The reason is free text for the file (it may say why the employee cannot come): not in the mail.
    assert "raskmeldt" not in cancelled.to_ical().decode() and "raskmeldt" not in message.text
    assert "aflyst" in message.text
    assert "/moede/svar/" not in message.text


def test_outbox_sends_the_invitation_as_a_calendar_part_after_commit():
    _team, user, case = setup_case()
    make_meeting(case=case, actor=user)
    mail.outbox.clear()
    assert outbox_send_due(now=timezone.now() + timedelta(seconds=1)) >= 3
    invitation = next(m for m in mail.outbox if m.to == ["lone@skolen.example"])
    assert any(mimetype.startswith("text/calendar; method=REQUEST") for _c, mimetype in invitation.alternatives)
