"""Reads for the outreach pages, the team overview and the results: a fixed number of queries whatever
the number of activities (the counting itself is in `counting`, pure)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone

from ..models import Case, ConsultantProfile, Employer, OutreachActivity, Referral
from ..models.roster import PhoneCall
from . import counting
from .counting import Touch, WeekCount

User = get_user_model()
TARGET_DEFAULT = (
    ConsultantProfile._meta.get_field("outreach_weekly_target").default,
    ConsultantProfile._meta.get_field("outreach_new_weekly_target").default,
)
# Contacts that count as "the workplace came to us": a fast-track referral, or a case started by a call
# or by the employer's own contact.
CALL_SOURCES = (Case.Source.PHONE_CALL, Case.Source.EMPLOYER_CONTACT)


def _touches(*, until: date, workplace_ids=None, team_ids=None, consultant_ids=None, since: date | None = None) -> list[Touch]:
    through = OutreachActivity.workplaces.through.objects.filter(outreachactivity__held_on__lt=until)
    if since is not None:
        through = through.filter(outreachactivity__held_on__gte=since)
    if workplace_ids is not None:
        through = through.filter(employer_id__in=workplace_ids)
    if team_ids is not None:
        through = through.filter(outreachactivity__team_id__in=team_ids)
    if consultant_ids is not None:
        through = through.filter(outreachactivity__consultant_id__in=consultant_ids)
    rows = through.values_list("outreachactivity_id", "outreachactivity__consultant_id", "employer_id",
                               "outreachactivity__held_on")
    return [Touch(*row) for row in rows]


def consultants_of(teams) -> list:
    """Active members of the teams (Team objects or ids)."""
    return list(
        User.objects.filter(Q(teams__in=teams), is_active=True).distinct()
        .select_related("consultant_profile").order_by("first_name", "last_name", "username")
    )


def _targets(people) -> dict[int, tuple[int, int]]:
    targets = {}
    for person in people:
        profile = getattr(person, "consultant_profile", None)
        targets[person.pk] = (
            (profile.outreach_weekly_target, profile.outreach_new_weekly_target) if profile else TARGET_DEFAULT
        )
    return targets


@dataclass
class WeekRow:
    user: object
    count: WeekCount


def week_table(teams, *, week_start: date) -> list[WeekRow]:
    """One row per consultant of the teams for the week starting `week_start` (a Monday): four queries."""
    people = consultants_of(teams)
    week_end = week_start + timedelta(days=7)
    in_week = _touches(since=week_start, until=week_end, consultant_ids=[person.pk for person in people])
    first = counting.first_touches(
        _touches(until=week_end, workplace_ids={t.workplace_id for t in in_week}) if in_week else [])
    counts = counting.week_counts(in_week, first=first, week_start=week_start, targets=_targets(people),
                                  default_target=TARGET_DEFAULT)
    by_id = {person.pk: person for person in people}
    return [WeekRow(by_id[pk], counts[pk]) for pk in by_id]


def activities_in_week(teams, *, week_start: date):
    return (
        OutreachActivity.objects.filter(team__in=teams, held_on__gte=week_start, held_on__lt=week_start + timedelta(days=7))
        .select_related("consultant")
        .prefetch_related(Prefetch("workplaces", queryset=Employer.objects.order_by("name")), "contacts")
    )


@dataclass
class WeekTotal:
    week_start: date
    workplaces: int = 0
    new: int = 0
    consultants: int = 0
    on_target: int = 0


@dataclass
class FollowThrough:
    workplace: Employer
    first_activity: date
    came_on: date | None
    how: list[str] = field(default_factory=list)


@dataclass
class OutreachResults:
    weeks: list[WeekTotal]
    reached: int
    came: int
    rows: list[FollowThrough]


def results(teams, *, start: date, end: date, max_weeks: int = 26) -> OutreachResults:
    """Per week of the period: workplaces reached and new, consultants on target. And every workplace
    reached in the period: did it refer or call within three months of an activity?"""
    people = consultants_of(teams)
    targets = _targets(people)
    team_ids = [getattr(team, "pk", team) for team in teams]
    first_monday = counting.monday_of(start)
    until = end + timedelta(days=1)
    touches = _touches(since=first_monday, until=until, team_ids=team_ids)
    first = counting.first_touches(
        _touches(until=until, workplace_ids={t.workplace_id for t in touches}) if touches else [])
    weeks = []
    monday = first_monday
    while monday <= end and len(weeks) < max_weeks:
        counts = counting.week_counts(touches, first=first, week_start=monday, targets=targets,
                                      default_target=TARGET_DEFAULT)
        staff = [counts[pk] for pk in targets]
        reached = {t.workplace_id for t in touches if monday <= t.held_on < monday + timedelta(days=7)}
        new = {wid for wid, touch in first.items() if monday <= touch.held_on < monday + timedelta(days=7)
               and touch.consultant_id in targets}
        weeks.append(WeekTotal(monday, len(reached), len(new), len(staff), sum(1 for c in staff if c.on_target)))
        monday += timedelta(days=7)

    in_period = [t for t in touches if start <= t.held_on <= end]
    days_by_workplace: dict[int, list[date]] = defaultdict(list)
    for touch in in_period:
        days_by_workplace[touch.workplace_id].append(touch.held_on)
    workplaces = Employer.objects.in_bulk(list(days_by_workplace))
    horizon = until + timedelta(days=counting.FOLLOW_THROUGH_DAYS)
    contacts: dict[int, list[tuple[date, str]]] = defaultdict(list)
    cvr_to_ids: dict[str, list[int]] = defaultdict(list)
    for workplace in workplaces.values():
        if workplace.cvr:
            cvr_to_ids[workplace.cvr].append(workplace.pk)
    for cvr, p_number, received in Referral.objects.filter(
        cvr__in=list(cvr_to_ids), received_at__date__gte=start, received_at__date__lt=horizon,
    ).values_list("cvr", "p_number", "received_at"):
        for wid in cvr_to_ids[cvr]:
            if not workplaces[wid].p_number or workplaces[wid].p_number == p_number:
                contacts[wid].append((timezone.localdate(received), "referral"))
    for employer_id, at in Case.objects.filter(
        employer_id__in=list(workplaces), source__in=CALL_SOURCES, first_contact_at__date__gte=start,
        first_contact_at__date__lt=horizon,
    ).values_list("employer_id", "first_contact_at"):
        contacts[employer_id].append((timezone.localdate(at), "call"))
    for employer_id, at in PhoneCall.objects.filter(
        case__employer_id__in=list(workplaces), caller_type=PhoneCall.CallerType.EMPLOYER, received_at__date__gte=start,
        received_at__date__lt=horizon,
    ).values_list("case__employer_id", "received_at"):
        contacts[employer_id].append((timezone.localdate(at), "call"))

    rows = []
    for wid, days in days_by_workplace.items():
        came_on = counting.came_within(days, [day for day, _how in contacts[wid]])
        how = sorted({how for day, how in contacts[wid] if came_on and day == came_on})
        rows.append(FollowThrough(workplaces[wid], min(days), came_on, how))
    rows.sort(key=lambda row: (row.came_on is None, row.workplace.name))
    return OutreachResults(weeks, len(rows), sum(1 for row in rows if row.came_on), rows)
