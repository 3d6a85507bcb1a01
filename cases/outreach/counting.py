"""Outreach figures as pure functions (no database): each can be checked against a hand count.

A *touch* is one workplace reached by one activity. A workplace is *new* for the activity that first
reached it (earliest date, then the earlier registration): that activity's consultant gets the credit,
once, whoever reaches the workplace later."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# Kolding and the issue: "referred or called within 3 months of an activity".
FOLLOW_THROUGH_DAYS = 91


@dataclass(frozen=True)
class Touch:
    activity_id: int
    consultant_id: int
    workplace_id: int
    held_on: date


@dataclass
class WeekCount:
    workplaces: int = 0
    new: int = 0
    target: int = 10
    new_target: int = 1

    @property
    def on_target(self) -> bool:
        return self.workplaces >= self.target and self.new >= self.new_target


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def first_touches(touches: Iterable[Touch]) -> dict[int, Touch]:
    """The touch that first reached each workplace."""
    first: dict[int, Touch] = {}
    for touch in touches:
        known = first.get(touch.workplace_id)
        if known is None or (touch.held_on, touch.activity_id) < (known.held_on, known.activity_id):
            first[touch.workplace_id] = touch
    return first


def week_counts(
    touches: Iterable[Touch], *, first: Mapping[int, Touch], week_start: date, targets: Mapping[int, tuple[int, int]],
    default_target: tuple[int, int] = (10, 1),
) -> dict[int, WeekCount]:
    """Per consultant: distinct workplaces reached in the week starting `week_start` (a Monday), and how many
    of them the consultant reached first. `first` must come from every touch up to the week's end."""
    week_end = week_start + timedelta(days=7)
    reached: dict[int, set[int]] = defaultdict(set)
    new: dict[int, set[int]] = defaultdict(set)
    for touch in touches:
        if not week_start <= touch.held_on < week_end:
            continue
        reached[touch.consultant_id].add(touch.workplace_id)
        if first.get(touch.workplace_id) == touch:
            new[touch.consultant_id].add(touch.workplace_id)
    result = {}
    for consultant_id in set(targets) | set(reached):
        target, new_target = targets.get(consultant_id, default_target)
        result[consultant_id] = WeekCount(len(reached[consultant_id]), len(new[consultant_id]), target, new_target)
    return result


def came_within(activity_days: Iterable[date], contact_days: Iterable[date], *, days: int = FOLLOW_THROUGH_DAYS) -> date | None:
    """The first contact (a referral or a call) on or after an activity's day and at most `days` after it."""
    activities = sorted(activity_days)
    for contact in sorted(contact_days):
        if any(held <= contact <= held + timedelta(days=days) for held in activities):
            return contact
    return None
