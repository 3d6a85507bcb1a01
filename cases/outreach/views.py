"""Outreach pages: register an activity, see the week's progress against target. Thin views over
outreach.services and outreach.selectors. Not case data: no read is logged."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import OutreachActivity
from ..selectors import teams_of
from ..web import apply_validation_error, staff_required
from . import selectors, services
from .counting import monday_of
from .forms import ActivityForm


def _week(request) -> date:
    try:
        return monday_of(date.fromisoformat(request.GET.get("uge", "")))
    except ValueError:
        return monday_of(timezone.localdate())


def _team(request):
    teams = teams_of(request.user)
    team_id = request.POST.get("team") or request.GET.get("team")
    if team_id and str(team_id).isdigit():
        return get_object_or_404(teams, pk=int(team_id))
    return teams.first()


def _members(team):
    return team.members.filter(is_active=True).order_by("first_name", "last_name", "username")


def _page(request, team, form, *, status=200):
    week = _week(request)
    return render(request, "cases/outreach/index.html", {
        "team": team, "teams": teams_of(request.user), "form": form, "week": week,
        "week_end": week + timedelta(days=6), "previous": week - timedelta(days=7), "next": week + timedelta(days=7),
        "rows": selectors.week_table([team], week_start=week),
        "activities": selectors.activities_in_week([team], week_start=week),
    }, status=status)


@login_required
@staff_required
def index(request):
    team = _team(request)
    if team is None:
        return render(request, "cases/phone/no_team.html")
    if request.method == "POST":
        form = ActivityForm(request.POST, members=_members(team), submit_label=_("Register the activity"))
        if form.is_valid():
            try:
                activity = services.activity_save(form.data_for(team=team), actor=request.user)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The activity is registered."))
                return redirect(f"{reverse('outreach:index')}?team={team.pk}&uge={monday_of(activity.held_on).isoformat()}")
        return _page(request, team, form, status=400)
    form = ActivityForm(members=_members(team), submit_label=_("Register the activity"),
                        initial={"consultant": request.user.pk})
    return _page(request, team, form)


@login_required
@staff_required
def edit(request, pk: int):
    activity = get_object_or_404(OutreachActivity.objects.filter(team__in=teams_of(request.user)), pk=pk)
    members = _members(activity.team)
    if request.method == "POST":
        form = ActivityForm(request.POST, members=members, submit_label=_("Save changes"))
        if form.is_valid():
            try:
                services.activity_save(form.data_for(team=activity.team), actor=request.user, activity=activity)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The activity is saved."))
                return redirect(f"{reverse('outreach:index')}?team={activity.team_id}&uge={monday_of(activity.held_on).isoformat()}")
        return render(request, "cases/outreach/edit.html", {"activity": activity, "form": form}, status=400)
    form = ActivityForm(members=members, submit_label=_("Save changes"), initial=ActivityForm.initial_for(activity))
    return render(request, "cases/outreach/edit.html", {"activity": activity, "form": form})
