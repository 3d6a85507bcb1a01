"""The kernel's retention job anonymises a closed case's meetings through the hook roundtable registers
(roundtable/retention.py): names, notes, plans and the minutes go, dates and states stay."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from cases import retention, services
from cases.models import Case
from cases.tests.test_retention import PERIODS, SENTINEL
from roundtable import services as meetings
from roundtable.models import Agreement, Participant, SpecialistNote
from roundtable.tests.factories import held_meeting_with_goals

pytestmark = pytest.mark.django_db


def test_the_meetings_of_an_anonymised_case_are_anonymised_through_the_roundtable_hook():
    _team, user, case, meeting = held_meeting_with_goals()
    meetings.specialist_note_add(meeting=meeting, actor=user, author_name="Psykolog Ida", author_title="psykolog",
                                 text=f"Angst {SENTINEL}")
    version = meetings.minutes_finalise(meeting=meeting, actor=user, send=False)
    pdf_path = version.pdf_full.path
    services.case_close(case=case, actor=user, outcome=Case.Outcome.RETAINED,
                        closed_on=timezone.localdate() - timedelta(days=200))
    retention.retention_run(periods=PERIODS)
    meeting.refresh_from_db()
    version.refresh_from_db()
    assert meeting.state == "held" and meeting.held_at is not None  # statistics
    assert meeting.plan_text == "" and version.content == {} and not version.pdf_full
    assert not os.path.exists(pdf_path)
    assert set(Participant.objects.filter(meeting=meeting).values_list("email", flat=True)) == {""}
    assert not SpecialistNote.objects.filter(text__contains=SENTINEL).exists()
    assert not Agreement.objects.filter(meeting=meeting, what__contains="gårdvagt").exists()


def test_rows_that_never_got_a_case_are_cleared_after_the_closed_case_period():
    from roundtable.campaigns import CampaignData, InviteeData, campaign_create, invitee_add
    from roundtable.models import CalendarHold, CampaignInvitee
    from roundtable.selfbooking import services as selfbooking
    from roundtable.tests.selfbooking_factories import details, school_with_link

    team, consultant, school, link = school_with_link()
    slot = selfbooking.free_slots_of([consultant.pk])[0]
    hold = selfbooking.booking_create(link=link, slot_key=slot.key, employee=details(name=SENTINEL))
    campaign = campaign_create(CampaignData(
        employer=school, manager_name="Lone Leder", manager_email="lone@skolen.example", manager_phone="", team=team,
        consultant=consultant, requested_on=timezone.localdate() - timedelta(days=5), concern="Højt fravær"),
        actor=consultant)
    invitee_add(campaign=campaign, data=InviteeData(name=SENTINEL, cpr="0101801234", email="x@post.example",
                                                    sick_from=timezone.localdate() - timedelta(days=30)))
    # Within the period: kept.
    retention.retention_run(periods=PERIODS)
    hold.refresh_from_db()
    assert hold.employee_name == SENTINEL and CampaignInvitee.objects.filter(name=SENTINEL).exists()
    # After it: the time stays (it was booked), what the employer typed goes; the list entry goes.
    run = retention.retention_run(now=timezone.now() + timedelta(days=PERIODS.closed_case_days + 60), periods=PERIODS)
    hold.refresh_from_db()
    assert (hold.employee_name, hold.employee_phone, hold.employee_email) == ("anonymiseret", "", "")
    assert not CampaignInvitee.objects.exists() and CalendarHold.objects.filter(pk=hold.pk).exists()
    assert not run.errors
