"""Reads for the team-lead dashboard. Every case count starts from `cases.selectors.case_search`
(which starts from `cases_visible_to`), so the dashboard, the list and the export agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from ..flags import FLAGS, flag_q
from ..models import Case, ConsultantProfile, Deadline, DeadlinePolicy, PhoneCall, Team
from ..roles import is_admin
from ..selectors import case_search
from . import kpis

User = get_user_model()


def teams_led_by(user) -> QuerySet[Team]:
    """The teams whose dashboard the user may open: led teams, or every team for an admin."""
    if is_admin(user):
        return Team.objects.all()
    return Team.objects.filter(leads=user)


def consultants_for(teams) -> QuerySet:
    """Consultants on these teams, with their caseload target joined in (one query)."""
    return (
        User.objects.filter(teams__in=teams, is_active=True)
        .distinct()
        .select_related("consultant_profile")
        .order_by("first_name", "last_name", "username")
    )


def _filters(team: Team | None, consultant) -> dict:
    return {"team": str(team.pk) if team else "", "consultant": str(consultant.pk) if consultant else ""}


# Flags decided on the case row itself, counted in the one pass over open cases; the deadline
# flags are counted by their own grouped query each, where the database can start from the few
# matching deadline rows (a semi-join) instead of testing every case.
ROW_FLAGS = ("unassigned", "untouched")
DEADLINE_FLAGS = tuple(flag for flag in FLAGS if flag not in ROW_FLAGS)


def open_case_counts(user, *, team: Team | None = None, consultant=None, now: datetime | None = None) -> dict:
    """Open cases per consultant (None = unassigned) with every card's count: `case_search` with each
    card's own `flag_q` condition, grouped by consultant. Summed over consultants, each count is
    exactly `case_search(flag=...).count()`, the list behind the card. Four queries at any size."""
    now = now or timezone.now()
    filters = _filters(team, consultant)
    rows = (
        case_search(user, status=Case.Status.OPEN, **filters)
        .order_by()
        .values("consultant_id")
        .annotate(
            open=Count("pk"),
            smooth=Count("pk", filter=Q(complexity=Case.Complexity.SMOOTH)),
            complex=Count("pk", filter=Q(complexity=Case.Complexity.COMPLEX)),
            unscreened=Count("pk", filter=Q(complexity=Case.Complexity.UNSCREENED)),
            **{flag: Count("pk", filter=flag_q(flag, now=now)) for flag in ROW_FLAGS},
        )
    )
    counts = {row.pop("consultant_id"): {**row, **dict.fromkeys(DEADLINE_FLAGS, 0)} for row in rows}
    for flag in DEADLINE_FLAGS:
        grouped = (case_search(user, flag=flag, now=now, **filters).order_by().values("consultant_id")
                   .annotate(n=Count("pk")).values_list("consultant_id", "n"))
        for consultant_id, n in grouped:
            counts.setdefault(consultant_id, {"open": 0})[flag] = n
    return counts


def cards_from(counts: dict) -> dict[str, int]:
    return {flag: sum(row.get(flag, 0) for row in counts.values()) for flag in FLAGS}


def dashboard_cards(user, *, team: Team | None = None, consultant=None, now: datetime | None = None) -> dict[str, int]:
    """The five cards' counts (see `open_case_counts`)."""
    return cards_from(open_case_counts(user, team=team, consultant=consultant, now=now))


@dataclass
class ConsultantRow:
    user: object
    open: int = 0
    smooth: int = 0
    complex: int = 0
    unscreened: int = 0
    overdue: int = 0
    due_today: int = 0
    due_week: int = 0
    unassigned: int = 0
    untouched: int = 0
    target: int = ConsultantProfile._meta.get_field("caseload_target").default
    weekly_hours: float = float(ConsultantProfile._meta.get_field("weekly_hours").default)

    @property
    def load_percent(self) -> float | None:
        return kpis.caseload_ratio(self.open, self.target)

    @property
    def over_target(self) -> bool:
        return self.open > self.target


def consultant_table(
    user, *, teams, team: Team | None = None, consultant=None, now: datetime | None = None, counts: dict | None = None
) -> list[ConsultantRow]:
    """One row per consultant of the teams: two queries whatever the number of cases (one when the
    caller already has `open_case_counts`)."""
    if counts is None:
        counts = open_case_counts(user, team=team, consultant=consultant, now=now)
    people = consultants_for(teams).filter(pk=consultant.pk) if consultant else consultants_for(teams)
    rows = []
    for person in people:
        profile = getattr(person, "consultant_profile", None)
        row = ConsultantRow(user=person, **counts.get(person.pk, {}))
        if profile is not None:
            row.target, row.weekly_hours = profile.caseload_target, float(profile.weekly_hours)
        rows.append(row)
    return rows


# --- results for a period ------------------------------------------------------------------------


@dataclass
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time(0, 0)))

    @property
    def end_at(self) -> datetime:
        """Exclusive upper bound: the first instant after the last day."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time(0, 0)))


@dataclass
class Results:
    period: Period
    first_meeting: kpis.Share
    follow_up: kpis.Share
    median_first_meeting_hours: float | None
    closed: int
    outcomes: dict[str, int]
    outcome_shares: dict[str, kpis.Share]
    sources: dict[str, int]
    calls: kpis.Share
    calls_to_case: int
    calls_roundtable: int
    monthly_first_meeting: list[tuple[date, kpis.Share]] = field(default_factory=list)
    # Hjørring and Roskilde: first contact -> the first started intervention (days), over the cases
    # whose first intervention started in the period.
    first_intervention_cases: int = 0
    median_first_intervention_days: float | None = None
    mean_first_intervention_days: float | None = None

    # Retained closings in the period that relapsed (a new linked case) within 6 and 12 months.
    relapses_6: kpis.Share = field(default_factory=lambda: kpis.Share(0, 0))
    relapses_12: kpis.Share = field(default_factory=lambda: kpis.Share(0, 0))


def first_intervention_pairs(cases, period: Period) -> list[tuple[datetime, datetime]]:
    """(first contact, first started intervention) per case whose first intervention started in the
    period. A start is the met time of an `intervention_start` clock (decided at a case conference)."""
    rows = (
        Deadline.objects.filter(case__in=cases.values("pk"), kind=DeadlinePolicy.Kind.INTERVENTION_START,
                                state=Deadline.State.MET)
        .values("case_id", "case__first_contact_at").annotate(first=Min("met_at")).order_by()
        .filter(first__gte=period.start_at, first__lt=period.end_at)
        .values_list("case__first_contact_at", "first")
    )
    return list(rows)


def results_for(user, *, period: Period, team: Team | None = None, consultant=None,
                now: datetime | None = None) -> Results:
    """The method's results: a fixed handful of queries, bounded by the period, not by all cases."""
    now = now or timezone.now()
    cases = case_search(user, **_filters(team, consultant)).order_by()
    kinds = [DeadlinePolicy.Kind.FIRST_MEETING, DeadlinePolicy.Kind.FOLLOW_UP]
    deadline_rows = list(
        Deadline.objects.filter(
            case__in=cases.values("pk"), kind__in=kinds, due_at__gte=period.start_at, due_at__lt=period.end_at
        ).values_list("kind", "due_at", "state", "met_at", "case__first_contact_at")
    )
    first = [(kind, kpis.DeadlineRow(due_at=due, state=state, met_at=met), contact)
             for kind, due, state, met, contact in deadline_rows if kind == DeadlinePolicy.Kind.FIRST_MEETING]
    follow = [kpis.DeadlineRow(due_at=due, state=state, met_at=met)
              for kind, due, state, met, _contact in deadline_rows if kind == DeadlinePolicy.Kind.FOLLOW_UP]

    outcomes = dict(
        cases.filter(status=Case.Status.CLOSED, closed_on__gte=period.start, closed_on__lte=period.end)
        .values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n")
    )
    sources = dict(
        cases.filter(first_contact_at__gte=period.start_at, first_contact_at__lt=period.end_at)
        .values_list("source").annotate(n=Count("pk")).values_list("source", "n")
    )
    relapse_rows = [
        (closed_on, timezone.localtime(relapse_at).date() if relapse_at else None)
        for closed_on, relapse_at in cases.filter(
            status=Case.Status.CLOSED, outcome__in=Case.RETAINED_OUTCOMES, closed_on__gte=period.start,
            closed_on__lte=period.end,
        ).annotate(relapse_at=Min("relapses__first_contact_at")).values_list("closed_on", "relapse_at")
    ]
    calls = calls_in_period(user, period=period, team=team, consultant=consultant).aggregate(
        total=Count("pk"), settled=Count("pk", filter=Q(settled=True)),
        to_case=Count("pk", filter=Q(case__isnull=False)),
        roundtable=Count("pk", filter=Q(roundtable_within_days__isnull=False)),
    )
    intervention = first_intervention_pairs(cases, period)
    return Results(
        period=period,
        first_intervention_cases=len(intervention),
        median_first_intervention_days=kpis.days(kpis.median_duration(intervention)),
        mean_first_intervention_days=kpis.days(kpis.mean_duration(intervention)),
        first_meeting=kpis.on_time_share([row for _k, row, _c in first], now=now),
        follow_up=kpis.on_time_share(follow, now=now),
        median_first_meeting_hours=kpis.hours(kpis.median_duration(
            (contact, row.met_at) for _k, row, contact in first if row.state == Deadline.State.MET
        )),
        closed=sum(outcomes.values()),
        outcomes=outcomes,
        outcome_shares=kpis.outcome_shares(outcomes),
        sources=sources,
        calls=kpis.Share(calls["settled"], calls["total"]),
        calls_to_case=calls["to_case"],
        calls_roundtable=calls["roundtable"],
        monthly_first_meeting=list(kpis.monthly_on_time(
            ((timezone.localtime(row.due_at).date(), row) for _k, row, _c in first),
            start=period.start, end=period.end, now=now,
        ).items()),
        relapses_6=kpis.relapse_share(relapse_rows, months=6),
        relapses_12=kpis.relapse_share(relapse_rows, months=12),
    )


def calls_in_period(user, *, period: Period, team: Team | None = None, consultant=None) -> QuerySet[PhoneCall]:
    qs = PhoneCall.objects.filter(team__in=teams_led_by(user), received_at__gte=period.start_at,
                                  received_at__lt=period.end_at)
    if team is not None:
        qs = qs.filter(team=team)
    if consultant is not None:
        qs = qs.filter(taken_by=consultant)
    return qs


def failing_deadlines(user, *, team: Team | None = None, limit: int = 20) -> list[Deadline]:
    """Deadlines of the led teams' cases that the sweep could not process (isolated and retried with a
    back-off): the team lead sees them until they pass. The sweep publishes which teams have any in
    the cache, so the usual answer (none) costs no query."""
    from ..sweep import failing_teams

    flagged = failing_teams()
    if not flagged:
        return []
    teams = [team] if team is not None else teams_led_by(user)
    return list(
        Deadline.objects.filter(sweep_failures__gt=0, case__team__in=teams)
        .select_related("case").order_by("sweep_failed_at")[:limit]
    )
