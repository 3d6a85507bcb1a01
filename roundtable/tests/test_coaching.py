"""Come-back's coaching conversation: the consultant and the employee alone. No employer (or union
representative, specialist, GP) can be invited, the employer's status page does not list it, and its notes
are the meeting's internal note (never in an employer copy: the sentinel test covers it)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import ContactPerson, OutboxMessage
from cases.ports.meetings import provider as meetings_port
from roundtable import services
from roundtable.forms import participant_initial
from roundtable.models import Meeting, Participant
from roundtable.tests.factories import make_meeting, participants, setup_case

pytestmark = pytest.mark.django_db


def _alone():
    return [p for p in participants() if p.role != Participant.Role.EMPLOYER]


def _slot():
    return services.SlotData(starts_at=timezone.now() + timedelta(days=2), place_kind=Meeting.PlaceKind.JOB_CENTRE)


def test_a_coaching_conversation_refuses_an_employer_and_needs_the_employee():
    _team, user, case = setup_case()
    with pytest.raises(ValidationError) as error:
        services.meeting_schedule(case=case, actor=user, kind=Meeting.Kind.COACHING, slot=_slot(),
                                  participants=participants())
    assert "En coachende samtale er med medarbejderen alene. Fjern Lone Madsen fra deltagerne." in str(error.value)
    consultant_only = [p for p in participants() if p.role == Participant.Role.CONSULTANT]
    with pytest.raises(ValidationError, match="skal have medarbejderen som deltager"):
        services.meeting_schedule(case=case, actor=user, kind=Meeting.Kind.COACHING, slot=_slot(),
                                  participants=consultant_only)
    assert not Meeting.objects.exists()


def test_a_coaching_conversation_invites_only_the_employee_and_the_consultant():
    _team, user, case = setup_case()
    OutboxMessage.objects.all().delete()
    meeting = services.meeting_schedule(case=case, actor=user, kind=Meeting.Kind.COACHING, slot=_slot(),
                                        participants=_alone())
    assert set(meeting.participants.values_list("role", flat=True)) == {"employee", "consultant"}
    recipients = {address for message in OutboxMessage.objects.all() for address in message.to}
    assert "lone@skolen.example" not in recipients and "soren@post.example" in recipients
    case.employer_contact = ContactPerson.objects.create(employer=case.employer, name="Lone Madsen",
                                                         email="lone@skolen.example")
    assert [row["role"] for row in participant_initial(case, user, Meeting.Kind.COACHING)] == ["employee", "consultant"]
    assert "employer" in [row["role"] for row in participant_initial(case, user, Meeting.Kind.ROUNDTABLE)]


def test_the_employer_does_not_see_a_coaching_conversation():
    _team, user, case = setup_case()
    roundtable = make_meeting(case=case, actor=user)
    services.meeting_schedule(case=case, actor=user, kind=Meeting.Kind.COACHING, slot=_slot(), participants=_alone())
    shown = meetings_port().employer_meetings(case, employer_names=["Lone Madsen"]).meetings
    assert [m.starts_at for m in shown] == [roundtable.starts_at]


def test_booking_a_coaching_conversation_in_the_browser_form(client):
    _team, user, case = setup_case()
    client.force_login(user)
    url = reverse("roundtable:create", args=[case.reference])
    page = client.get(url, {"kind": "coaching"}).content.decode()
    assert 'value="coaching" selected' in page and "lone@" not in page
    start = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "kind": "coaching", "starts_at": start, "duration_minutes": "45", "place_kind": "job_centre", "place": "",
        "online_link": "", "p-TOTAL_FORMS": "2", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "1000", "p-0-role": "employee", "p-0-name": "Søren Østergård",
        "p-0-email": "soren@post.example", "p-1-role": "employer", "p-1-name": "Lone Madsen",
        "p-1-email": "lone@skolen.example",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Fjern Lone Madsen fra deltagerne" in html and 'value="Søren Østergård"' in html  # nothing lost
    data.update({"p-1-role": "consultant", "p-1-name": "Mette Jensen", "p-1-email": ""})
    response = client.post(url, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(kind=Meeting.Kind.COACHING)
    page = client.get(response.url).content.decode()
    assert "Noter fra den coachende samtale (følsomme, deles aldrig med arbejdsgiveren)" in page
    assert "Konsulenten og medarbejderen alene." in page
    client.post(reverse("roundtable:consultant_note", args=[case.reference, meeting.pk]),
                {"consultant_note": "Arbejder med grænser; vil prøve faste pauser."})
    meeting.refresh_from_db()
    assert meeting.consultant_note.startswith("Arbejder med grænser")


# --- the demo --------------------------------------------------------------------------------------


def test_the_demo_shows_an_aftercare_course_a_coaching_conversation_and_a_relapse(settings):
    from django.core.management import call_command

    from cases import aftercare
    from cases.models import Case

    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    rikke = Case.objects.get(employee__name="Rikke Holm Jessen")
    states = list(aftercare.aftercare_clocks(rikke).values_list("state", flat=True))
    assert rikke.outcome in Case.RETAINED_OUTCOMES and states == ["met", "open", "open"]
    assert aftercare.aftercare_clocks(rikke)[1].due_at > timezone.now()  # the next one is due, not overdue
    relapse = Case.objects.get(relapse_of__employee__name="Kasper Nørgaard")
    assert relapse.is_open and relapse.relapse_of.outcome == "retained"
    coaching = Meeting.objects.filter(kind=Meeting.Kind.COACHING)
    assert coaching.filter(state="held").exclude(consultant_note="").exists()
    assert not coaching.filter(participants__role="employer").exists()
