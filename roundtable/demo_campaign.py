"""Demo: Helsingør's care conversations at Plejecenter Bøgehøj. Two planning meetings with the manager,
six people sick-listed in the last six months on the list, all invited in one go; two conversations held
(one with agreements and a follow-up clock), one cancelled, the rest ahead."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from cases.employers import EmployerData, employer_for_case
from cases.models import AbsenceSource, AbsenceSpell

from . import campaigns, services
from .models import CampaignInvitee, Meeting, MeetingSlot

PEOPLE = [
    ("Hanne Holm", "110578", 120, 95), ("Jens Juhl", "230481", 75, 40), ("Karin Krogh", "050690", 160, 150),
    ("Lars Lind", "170785", 30, None), ("Maja Mortensen", "280293", 60, 52), ("Niels Nørgaard", "081170", 20, 12),
]


def _next_working_day(days: int):
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def seed_care_campaign(ctx) -> None:
    consultant = ctx.users["konsulent"]
    team = ctx.teams["Nord"]
    employer = employer_for_case(data=EmployerData(cvr="29189978", p_number="1003388457",
                                                   name="Helsingør Kommune, Plejecenter Bøgehøj"))
    today = timezone.localdate()
    campaign = campaigns.campaign_create(campaigns.CampaignData(
        employer=employer, manager_name="Lone Bech", manager_email="lone.bech@boegehoej.example",
        manager_phone="49 28 10 20", team=team, consultant=consultant, requested_on=today - timedelta(days=21),
        concern="Sygefraværet i nattevagten er steget til det dobbelte på et år; lederen vil gerne tale med alle."),
        actor=consultant)
    campaigns.planning_meeting_add(
        campaign=campaign, actor=consultant, held_on=today - timedelta(days=18),
        summary="Første møde: fraværstal for afdelingen gennemgået; vi tager samtaler med alle, ikke kun de aktuelle.",
        goals="Halvere sygefraværet i nattevagten inden for et halvt år.", plan="", roles="")
    campaigns.planning_meeting_add(
        campaign=campaign, actor=consultant, held_on=today - timedelta(days=11),
        summary="Andet møde: invitationen formuleret som omsorgssamtale, ikke som opfølgning på sygefravær.",
        goals="Halvere sygefraværet i nattevagten inden for et halvt år.",
        plan="Omsorgssamtaler med alle sygemeldte fra de seneste seks måneder; opfølgning efter fire uger.",
        roles="Lederen inviterer og deltager; konsulenten leder samtalen; TR orienteres.")
    for i, (name, birth, sick_from, sick_to) in enumerate(PEOPLE):
        campaigns.invitee_add(campaign=campaign, data=campaigns.InviteeData(
            name=name, cpr=f"{birth}{4100 + i * 7:04d}", sick_from=today - timedelta(days=sick_from),
            sick_to=None if sick_to is None else today - timedelta(days=sick_to),
            email=f"{name.split()[0].lower()}@post.example"))
    first = timezone.make_aware(datetime.combine(_next_working_day(1), time(9, 0)))
    campaigns.invitations_send(campaign=campaign, actor=consultant, how=campaigns.InviteAll(
        first_at=first, minutes=45, gap=15, place="Plejecenter Bøgehøj, mødelokalet"))
    invitees = list(CampaignInvitee.objects.filter(campaign=campaign).select_related("meeting").order_by("name"))
    # The first two were held last week (booked a week before), the third was cancelled.
    for days_ago, invitee in ((6, invitees[0]), (6, invitees[1])):
        when = timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(9 + invitees.index(invitee), 0)))
        Meeting.objects.filter(pk=invitee.meeting_id).update(starts_at=when, created_at=when - timedelta(days=7))
        MeetingSlot.objects.filter(meeting_id=invitee.meeting_id).update(starts_at=when)
        invitee.meeting.refresh_from_db()
        services.meeting_hold(meeting=invitee.meeting, actor=consultant, at=when)
    services.agreement_add(meeting=invitees[0].meeting, actor=consultant, who="Lone Bech (leder)",
                           what="Faste nattevagter i fire uger og en fast kollega at tale med",
                           due_on=today + timedelta(days=21))
    services.meeting_cancel(meeting=invitees[2].meeting, actor=consultant, reason="Medarbejderen er på ferie.")
    _seed_payroll_absence(campaign, invitees, today)


def _seed_payroll_absence(campaign, invitees, today) -> None:
    """The plejecenter's payroll absence, so the campaign page compares before and after: each invited
    person's sick-listing as a spell, and one short spell since the first conversation."""
    source, _created = AbsenceSource.objects.get_or_create(code="loen-boegehoej", defaults={"name": "Lønsystem (Bøgehøj)"})
    for invitee, (_name, _birth, sick_from, sick_to) in zip(invitees, sorted(PEOPLE), strict=True):
        AbsenceSpell.objects.get_or_create(
            employee=invitee.case.employee, employer=campaign.employer, first_day=today - timedelta(days=sick_from),
            defaults={"source": source, "last_day": None if sick_to is None else today - timedelta(days=sick_to)})
    AbsenceSpell.objects.get_or_create(
        employee=invitees[1].case.employee, employer=campaign.employer, first_day=today - timedelta(days=3),
        defaults={"source": source, "last_day": today - timedelta(days=2)})


CAMPAIGN_DEMO_STEPS = [seed_care_campaign]
