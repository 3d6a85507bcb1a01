"""Reads for "Mit arbejde", the consultant's start page: what needs them now.

Every list starts from `cases_visible_to` (through `case_search`) and the deadline buckets use the
same conditions as the team overview's cards (`cases.flags.deadline_flag_q`), so a clock counted
here is a clock the overview counts. The page shows each list whole and counts it with `len()`:
a count can never differ from the list it opens. A fixed number of queries at any size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..access import referrals_visible_to
from ..flags import DEADLINE_FLAGS, day_bounds, deadline_flag_q
from ..followups import KIND as TASK_KIND
from ..models import Case, Deadline, DeadlinePolicy, PhoneCall, Referral, ShiftSwap
from ..ports.mywork import InvitationItem, MeetingItem, meetings_provider
from ..selectors import case_search, teams_of

# Each list of the page, in the order shown; the keys are the anchors the counts link to.
SECTIONS = ("meetings_today", "meetings_tomorrow", *DEADLINE_FLAGS, "tasks", "invitations", "referrals", "calls",
            "swaps")


def my_open_cases(user) -> QuerySet[Case]:
    return case_search(user, status=Case.Status.OPEN, consultant=str(user.pk)).order_by()


def my_clocks(user) -> QuerySet[Deadline]:
    """The unfinished clocks the user answers for: their own (a huskelapp, an agreement given to them)
    and those without an owner on their cases (the owner is then the case's consultant)."""
    visible_open = case_search(user, status=Case.Status.OPEN).order_by().values("pk")
    # Aftercare check-ins run on a closed case (cases/aftercare.py): they are the consultant's work too.
    visible_closed = case_search(user, status=Case.Status.CLOSED).order_by().values("pk")
    return (
        Deadline.objects.unfinished()
        .filter(Q(case__in=visible_open) | Q(kind=DeadlinePolicy.Kind.AFTERCARE_CHECK_IN, case__in=visible_closed))
        .filter(Q(owner=user) | Q(owner__isnull=True, case__consultant=user))
        .select_related("case__employee")
        .order_by("due_at", "pk")
    )


@dataclass
class MyWork:
    now: datetime
    meetings_today: list[MeetingItem] = field(default_factory=list)
    meetings_tomorrow: list[MeetingItem] = field(default_factory=list)
    overdue: list[Deadline] = field(default_factory=list)
    due_today: list[Deadline] = field(default_factory=list)
    due_week: list[Deadline] = field(default_factory=list)
    tasks: list[Deadline] = field(default_factory=list)
    invitations: list[InvitationItem] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    calls: list[PhoneCall] = field(default_factory=list)
    swaps: list[ShiftSwap] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in SECTIONS}


def calls_waiting(user) -> QuerySet[PhoneCall]:
    """Calls on the user's teams that were not settled on the phone and have no case yet."""
    return (PhoneCall.objects.filter(team__in=teams_of(user), settled=False, case__isnull=True)
            .select_related("team", "taken_by").order_by("received_at", "pk"))


def swaps_waiting(user) -> QuerySet[ShiftSwap]:
    """Swap requests waiting for the user's answer (asked of them) or for the colleague's (asked by them)."""
    return (ShiftSwap.objects.filter(state=ShiftSwap.State.PENDING, shift__date__gte=timezone.localdate())
            .filter(Q(counterpart=user) | Q(requested_by=user))
            .select_related("shift__team", "counterpart_shift", "requested_by", "counterpart")
            .order_by("shift__date", "pk"))


def my_work(user, *, now: datetime | None = None) -> MyWork:
    now = now or timezone.now()
    today, tomorrow = day_bounds(now)
    cases = my_open_cases(user)
    meetings = meetings_provider()
    work = MyWork(now=now)
    work.meetings_today = list(meetings.meetings_between(cases=cases, start=today, end=tomorrow))
    work.meetings_tomorrow = list(meetings.meetings_between(cases=cases, start=tomorrow,
                                                            end=tomorrow + timedelta(days=1)))
    clocks = list(my_clocks(user))
    for flag in DEADLINE_FLAGS:
        ids = set(my_clocks(user).filter(deadline_flag_q(flag, now=now)).values_list("pk", flat=True))
        setattr(work, flag, [clock for clock in clocks if clock.pk in ids])
    work.tasks = [clock for clock in clocks if clock.kind == TASK_KIND and clock.owner_id == user.pk]
    work.invitations = list(meetings.unanswered_invitations(cases=cases, now=now))
    work.referrals = list(referrals_visible_to(user).filter(state=Referral.State.NEW).order_by("received_at", "pk"))
    work.calls = list(calls_waiting(user))
    work.swaps = list(swaps_waiting(user))
    return work
