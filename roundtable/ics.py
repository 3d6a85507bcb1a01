"""Calendar invitations (.ics, RFC 5545/5546) that mail programs show as an invitation.

One UID for a meeting's whole life; SEQUENCE is raised on every change, so a move replaces the old
entry in the participant's calendar and a cancellation (METHOD:CANCEL) removes it.

Each recipient gets their own file, built from `projections.Invitation`: the organiser and that
recipient as the only attendee. Other participants (their names, e-mails and roles) never travel in
someone else's calendar. Times are in Europe/Copenhagen with the VTIMEZONE that RFC 5545 requires for
every TZID used (Outlook relies on it).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .projections import Invitation

PRODID = "-//Fastholdelse//Rundbordssamtale//DA"


def invitation_ics(invitation: Invitation) -> bytes:
    cancel = invitation.cancelled
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancel else "REQUEST")

    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", invitation.starts_at)
    event.add("dtend", invitation.ends_at)
    event.add("summary", invitation.summary)
    event.add("location", invitation.online_link or invitation.place)
    description = [
        _("Invitation to a %(kind)s with the municipality's retention consultant.") % {"kind": invitation.kind},
        _("Place: %(place)s") % {"place": invitation.place},
    ]
    if invitation.online_link:
        description.append(_("Online link: %(link)s") % {"link": invitation.online_link})
        event.add("url", invitation.online_link)
    if cancel:
        # The reason stays in the case file: it is free text and may say why the employee cannot come.
        description.insert(0, _("The meeting has been cancelled."))
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("transp", "OPAQUE")

    organiser = vCalAddress(f"mailto:{invitation.organiser_email}")
    organiser.params["cn"] = vText(invitation.organiser_name)
    event.add("organizer", organiser)
    if invitation.recipient_email:
        attendee = vCalAddress(f"mailto:{invitation.recipient_email}")
        attendee.params["cn"] = vText(invitation.recipient_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    # One VTIMEZONE per TZID used, covering the meeting with a margin (not the default 1970-2038 span).
    start = invitation.starts_at.date()
    cal.add_missing_timezones(first_date=start - timedelta(days=366), last_date=start + timedelta(days=366))
    return cal.to_ical()


def ics_mimetype(*, cancel: bool = False) -> str:
    return f"text/calendar; method={'CANCEL' if cancel else 'REQUEST'}; charset=UTF-8"
