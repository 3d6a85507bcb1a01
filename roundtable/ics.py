"""Calendar invitations (.ics, RFC 5545/5546) that mail programs show as an invitation.

One UID for a meeting's whole life; SEQUENCE is raised on every change, so a move replaces the old
entry in the participant's calendar and a cancellation (METHOD:CANCEL) removes it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting, Participant

PRODID = "-//Fastholdelse//Rundbordssamtale//DA"


def _organiser_email(meeting: Meeting) -> str:
    email = getattr(meeting.organiser, "email", "") or ""
    if email:
        return email
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def meeting_summary(meeting: Meeting) -> str:
    return _("%(kind)s: %(name)s") % {"kind": meeting.get_kind_display().capitalize(), "name": meeting.case.employee.name}


def meeting_ics(meeting: Meeting, *, participants: list[Participant] | None = None, cancel: bool = False) -> bytes:
    participants = list(meeting.participants.all()) if participants is None else participants
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancel else "REQUEST")

    event = Event()
    event.add("uid", f"{meeting.uid}@fastholdelse")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting_summary(meeting))
    location = meeting.online_link if meeting.place_kind == Meeting.PlaceKind.ONLINE and meeting.online_link else meeting.place_display
    event.add("location", location)
    description = [
        _("Invitation to a %(kind)s with the municipality's retention consultant.") % {"kind": meeting.get_kind_display()},
        _("Place: %(place)s") % {"place": meeting.place_display},
    ]
    if meeting.online_link:
        description.append(_("Online link: %(link)s") % {"link": meeting.online_link})
        event.add("url", meeting.online_link)
    if cancel:
        description.insert(0, _("The meeting has been cancelled."))
        if meeting.cancel_reason:
            description.insert(1, _("Reason: %(reason)s") % {"reason": meeting.cancel_reason})
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("transp", "OPAQUE")

    organiser = vCalAddress(f"mailto:{_organiser_email(meeting)}")
    organiser.params["cn"] = vText(meeting.organiser.get_full_name() or meeting.organiser.username)
    event.add("organizer", organiser)
    for participant in participants:
        if not participant.email:
            continue
        attendee = vCalAddress(f"mailto:{participant.email}")
        attendee.params["cn"] = vText(participant.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def ics_mimetype(*, cancel: bool = False) -> str:
    return f"text/calendar; method={'CANCEL' if cancel else 'REQUEST'}; charset=UTF-8"
