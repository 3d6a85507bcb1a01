"""Meetings built through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases.tests.factories import make_case, make_team, make_user
from roundtable import services
from roundtable.models import Meeting, Participant, Step

SENTINEL_HEALTH = "SENTINEL-HELBRED-Ødem-7731"
SENTINEL_SPECIALIST = "SENTINEL-PSYKOLOG-Angst-4412"
SENTINEL_CONSULTANT = "SENTINEL-KONSULENT-notat-9020"


def participants() -> list[services.ParticipantData]:
    return [
        services.ParticipantData(role=Participant.Role.EMPLOYEE, name="Søren Østergård", email="soren@post.example"),
        services.ParticipantData(role=Participant.Role.EMPLOYER, name="Lone Madsen", email="lone@skolen.example",
                                 title="skoleleder"),
        services.ParticipantData(role=Participant.Role.CONSULTANT, name="Mette Jensen", email="mette@kommune.example"),
    ]


def setup_case(**case_kwargs):
    team = make_team()
    user = make_user(team=team, first_name="Mette", last_name="Jensen")
    case = make_case(team=team, consultant=user, **case_kwargs)
    return team, user, case


def make_meeting(
    *, case, actor, kind=Meeting.Kind.ROUNDTABLE, starts_in=timedelta(days=1), accept_late=False, **slot
) -> Meeting:
    slot.setdefault("place", "Skolen ved Øresund, mødelokale 2")
    return services.meeting_schedule(
        case=case, actor=actor, kind=kind,
        slot=services.SlotData(starts_at=timezone.now() + starts_in, **slot), participants=participants(),
        accept_late=accept_late,
    )


def step(position: int) -> Step:
    return Step.objects.get(position=position)


def fill_goals(meeting, actor, *, agreed=4):
    services.placements_save(meeting=meeting, actor=actor, agreed=step(agreed),
                             placements={"employee": step(5), "employer": step(3), "consultant": step(agreed)})
    meeting.refresh_from_db()
    offers = list(services.offers_for(meeting)[:2])
    services.plan_save(
        meeting=meeting, actor=actor, plan_text="Uge 1 uden gårdvagt; gradvis optrapning.",
        weeks=[services.WeekData(week=1, hours=10, tasks="Undervisning uden gårdvagt"),
               services.WeekData(week=3, hours=18, tasks="Flere lektioner"),
               services.WeekData(week=5, hours=37, tasks="Fuld tid uden ekstra klasse")],
        offers=offers,
    )
    today = timezone.localdate()
    services.agreement_add(meeting=meeting, actor=actor, who="Lone Madsen", what="Fjerner gårdvagt",
                           due_on=today + timedelta(days=2))
    services.agreement_add(meeting=meeting, actor=actor, who="Søren Østergård", what="Bestiller tid hos egen læge",
                           due_on=today + timedelta(days=4))
    return meeting


def held_meeting_with_goals(**case_kwargs):
    team, user, case = setup_case(**case_kwargs)
    meeting = make_meeting(case=case, actor=user)
    services.meeting_hold(meeting=meeting, actor=user)
    meeting.refresh_from_db()
    fill_goals(meeting, user)
    return team, user, case, meeting
