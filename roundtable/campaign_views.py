"""Care-conversation campaign pages (Helsingør): thin views over roundtable.campaigns.

The campaign page names people sick-listed at the workplace and links their cases: showing it is a read
of each linked case, logged with its purpose (one row per case; one row for the campaign while no case
is linked yet)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases.access import read_record, read_records
from cases.employers import employer_for_case
from cases.selectors import teams_of
from cases.web import PURPOSE_CASEWORK, apply_validation_error, staff_required

from . import campaigns
from .campaign_forms import CampaignForm, InviteAllForm, InviteeForm, PlanningForm
from .models import CareCampaign


def _members(teams):
    return get_user_model().objects.filter(teams__in=teams, is_active=True).distinct().order_by("first_name", "username")


def _campaign(request, pk) -> CareCampaign:
    return get_object_or_404(
        CareCampaign.objects.filter(team__in=teams_of(request.user)).select_related("employer", "manager", "consultant", "team"),
        pk=pk)


@login_required
@staff_required
def campaign_list(request):
    teams = teams_of(request.user)
    form = CampaignForm(request.POST or None, members=_members(teams),
                        initial={"consultant": request.user.pk, "requested_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                employer = employer_for_case(data=form.employer_data(), actor=request.user)
                campaign = campaigns.campaign_create(campaigns.CampaignData(
                    employer=employer, manager_name=data["manager_name"], manager_email=data["manager_email"],
                    manager_phone=data["manager_phone"], team=teams.filter(members=data["consultant"]).first() or teams.first(),
                    consultant=data["consultant"], requested_on=data["requested_on"], concern=data["concern"],
                ), actor=request.user)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The campaign is created. Register the planning meetings with the manager."))
                return redirect("roundtable:campaign", pk=campaign.pk)
    return render(request, "roundtable/campaign/list.html", {
        "campaigns": campaigns.campaigns_for(teams), "form": form}, status=status)


def _page(request, campaign, *, status=200, **forms):
    invitees = list(campaign.invitees.select_related("case__employee", "meeting"))
    cases = [invitee.case for invitee in invitees if invitee.case_id]
    detail = f"omsorgssamtaler, kampagne {campaign.pk}"
    if cases:  # one row per linked case, in one insert
        read_records(user=request.user, purpose=PURPOSE_CASEWORK, subjects=[(case.employee, case) for case in cases],
                     detail=detail)
    else:
        read_record(user=request.user, purpose=PURPOSE_CASEWORK, detail=detail)
    return render(request, "roundtable/campaign/detail.html", {
        "campaign": campaign, "invitees": invitees, "figures": campaigns.campaign_figures(campaign),
        "absence": campaigns.absence_before_after(campaign),
        "planning_meetings": campaign.planning_meetings.all(),
        "planning_form": forms.get("planning_form") or PlanningForm(
            initial={"goals": campaign.goals, "plan": campaign.plan, "roles": campaign.roles,
                     "held_on": timezone.localdate()}, prefix="plan"),
        "invitee_form": forms.get("invitee_form") or InviteeForm(prefix="person"),
        "invite_form": forms.get("invite_form") or InviteAllForm(
            prefix="invite", initial={"place": campaign.employer.address}),
        "lookback_days": campaigns.LOOKBACK_DAYS,
    }, status=status)


@login_required
@staff_required
def campaign_detail(request, pk):
    return _page(request, _campaign(request, pk))


def _submit(request, campaign, form, *, key: str, act):
    """A campaign form's POST: `act(form)` runs the service and says what happened (messages); a refused
    form, or the service's ValidationError, shows the page again with everything typed (400)."""
    if form.is_valid():
        try:
            act(form)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("roundtable:campaign", pk=campaign.pk)
    return _page(request, campaign, status=400, **{key: form})


@login_required
@staff_required
@require_POST
def campaign_planning(request, pk):
    campaign = _campaign(request, pk)

    def act(form):
        campaigns.planning_meeting_add(campaign=campaign, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The meeting with the manager is registered."))

    return _submit(request, campaign, PlanningForm(request.POST, prefix="plan"), key="planning_form", act=act)


@login_required
@staff_required
@require_POST
def campaign_invitee_add(request, pk):
    campaign = _campaign(request, pk)

    def act(form):
        invitee = campaigns.invitee_add(campaign=campaign, data=form.invitee())
        messages.success(request, _("%(name)s is on the list.") % {"name": invitee.name})

    return _submit(request, campaign, InviteeForm(request.POST, prefix="person"), key="invitee_form", act=act)


@login_required
@staff_required
@require_POST
def campaign_from_absence(request, pk):
    campaign = _campaign(request, pk)
    result = campaigns.invitees_from_absence(campaign=campaign)
    messages.success(request, ngettext("%(n)d person from the absence data is on the list.",
                                       "%(n)d people from the absence data are on the list.", len(result.added)) % {
        "n": len(result.added)})
    if result.without_contact:
        messages.warning(request, _("No e-mail or phone for %(names)s: add them by hand with a way to reach them.") % {
            "names": ", ".join(result.without_contact)})
    return redirect("roundtable:campaign", pk=campaign.pk)


@login_required
@staff_required
@require_POST
def campaign_invite_all(request, pk):
    campaign = _campaign(request, pk)

    def act(form):
        result = campaigns.invitations_send(campaign=campaign, actor=request.user, how=form.how())
        if result.invited:
            messages.success(request, ngettext(
                "%(n)d care conversation is booked and the invitation sent.",
                "%(n)d care conversations are booked and the invitations sent.", len(result.invited)) % {
                "n": len(result.invited)})
        if result.failed:
            messages.error(request, ngettext(
                "%(n)d person could not be booked: see the reason in the list.",
                "%(n)d people could not be booked: see the reasons in the list.", len(result.failed)) % {
                "n": len(result.failed)})

    return _submit(request, campaign, InviteAllForm(request.POST, prefix="invite"), key="invite_form", act=act)
