"""The retention phone: the duty roster and the call log. Thin views over phone.services."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import call_for_change
from ..models import ShiftSwap
from ..selectors import teams_of
from ..web import apply_validation_error, render_read, staff_required
from . import selectors, services
from .forms import CallCaseForm, CallForm, HandOverForm, RosterPlanForm, RosterSetForm, SwapRequestForm


def _start(request) -> date:
    try:
        return selectors.monday_of(date.fromisoformat(request.GET.get("fra", "")))
    except ValueError:
        return selectors.monday_of(timezone.localdate())


def _roster_url(team, start: date | None = None) -> str:
    url = f"{reverse('phone:roster')}?team={team.pk}"
    return url + (f"&fra={start.isoformat()}" if start else "")


def _roster_context(request, team, **forms) -> dict:
    start = _start(request)
    members = selectors.members_of(team)
    is_lead = services.is_team_lead_of(request.user, team)
    context = {
        "team": team,
        "teams": teams_of(request.user),
        "start": start,
        "previous": start - timedelta(weeks=selectors.ROSTER_WEEKS),
        "next": start + timedelta(weeks=selectors.ROSTER_WEEKS),
        "weeks": selectors.roster_weeks(team, start=start),
        "is_lead": is_lead,
        "members": members,
        "swaps": selectors.swaps_waiting_for(request.user, team),
        "all_pending": ShiftSwap.objects.filter(shift__team=team, state=ShiftSwap.State.PENDING)
        .select_related("shift", "counterpart_shift", "requested_by", "counterpart") if is_lead else [],
        "set_form": forms.get("set_form") or RosterSetForm(team=team, members=members),
        "plan_form": forms.get("plan_form") or RosterPlanForm(
            members=members, initial={"start": max(start, timezone.localdate()), "consultants": list(members)}),
        "swap_form": forms.get("swap_form") or _swap_form(request, team, members),
    }
    return context


def _swap_form(request, team, members, data=None):
    return SwapRequestForm(
        data, members=members,
        my_shifts=selectors.upcoming_shifts(team, consultant=request.user),
        team_shifts=selectors.upcoming_shifts(team).exclude(consultant=request.user),
    )


@login_required
@staff_required
def roster(request):
    team = selectors.team_for(request.user, request.GET.get("team"))
    if team is None:
        return render(request, "cases/phone/no_team.html")
    return render(request, "cases/phone/roster.html", _roster_context(request, team))


def _team_or_404(request):
    team = selectors.team_for(request.user, request.POST.get("team") or request.GET.get("team"))
    if team is None:
        raise Http404
    return team


def _roster_post(request, *, form_key, form, handle, success):
    team = _team_or_404(request)
    if form.is_valid():
        try:
            handle(team, form)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, success)
            return redirect(_roster_url(team, _start(request)))
    context = _roster_context(request, team, **{form_key: form})
    return render(request, "cases/phone/roster.html", context, status=400)


@login_required
@staff_required
@require_POST
def roster_set(request):
    team = _team_or_404(request)
    return _roster_post(
        request, form_key="set_form", form=RosterSetForm(request.POST, team=team, members=selectors.members_of(team)),
        handle=lambda team, form: services.roster_set(actor=request.user, team=team, day=form.cleaned_data["date"],
                                                      consultant=form.cleaned_data["consultant"]),
        success=_("Phone duty saved."),
    )


@login_required
@staff_required
@require_POST
def roster_plan(request):
    team = _team_or_404(request)
    return _roster_post(
        request, form_key="plan_form", form=RosterPlanForm(request.POST, members=selectors.members_of(team)),
        handle=lambda team, form: services.roster_plan(
            actor=request.user, team=team, start=form.cleaned_data["start"], weeks=form.cleaned_data["weeks"],
            consultants=list(form.cleaned_data["consultants"])),
        success=_("The empty days are planned."),
    )


@login_required
@staff_required
@require_POST
def swap_request(request):
    team = _team_or_404(request)
    return _roster_post(
        request, form_key="swap_form", form=_swap_form(request, team, selectors.members_of(team), request.POST),
        handle=lambda team, form: services.swap_request(
            actor=request.user, shift=form.cleaned_data["shift"], counterpart=form.cleaned_data["counterpart"],
            counterpart_shift=form.cleaned_data["counterpart_shift"]),
        success=_("Your colleague has been asked."),
    )


@login_required
@staff_required
@require_POST
def swap_answer(request, pk: int):
    swap = ShiftSwap.objects.select_related("shift__team").filter(
        pk=pk, shift__team__in=selectors.teams_of(request.user)).first()
    if swap is None:
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "cancel":
            services.swap_cancel(actor=request.user, swap=swap)
            messages.success(request, _("Swap withdrawn."))
        else:
            accept = action == "accept"
            services.swap_answer(actor=request.user, swap=swap, accept=accept)
            messages.success(request, _("Swap accepted: the roster is updated.") if accept else _("Swap declined."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_roster_url(swap.shift.team))


# --- calls ---------------------------------------------------------------------------------------


def _calls_context(request, team, form=None) -> dict:
    members = selectors.members_of(team)
    today = timezone.localdate()
    calls = list(selectors.calls_of(team))
    for call in calls:
        if call.case_id:
            call.hand_over_form = HandOverForm(members=members, initial={"consultant": call.case.consultant_id})
    return {
        "team": team, "teams": teams_of(request.user), "on_duty": services.on_duty(team=team, day=today),
        "today": today, "today_closed": services.closed_reason(today), "form": form or CallForm(), "calls": calls,
    }


@login_required
@staff_required
def calls(request):
    team = selectors.team_for(request.user, request.POST.get("team") or request.GET.get("team"))
    if team is None:
        return render(request, "cases/phone/no_team.html")
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call = services.call_log(
                actor=request.user, team=team, caller_type=data["caller_type"], summary=data["summary"],
                caller_name=data["caller_name"], caller_contact=data["caller_contact"], settled=data["settled"],
                roundtable_within_days=data["roundtable_within_days"], received_at=data["received_at"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Call logged."))
            if call.needs_case:
                return redirect("phone:call_case", pk=call.pk)
            return redirect(f"{reverse('phone:calls')}?team={team.pk}")
    status = 400 if request.method == "POST" else 200
    # The log shows the latest calls' summaries, which can hold health details: a read.
    return render_read(request, "cases/phone/calls.html", _calls_context(request, team, form), status=status,
                       detail=f"opkaldslog {team.name}")


@login_required
@staff_required
def call_case(request, pk: int):
    call = call_for_change(user=request.user, pk=pk)
    if call.case_id:
        return redirect("cases:detail", reference=call.case.reference)
    form = CallCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.call_open_case(actor=request.user, call=call, **form.service_kwargs())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Case %(ref)s opened for %(name)s.") % {
                "ref": case.reference, "name": case.consultant.get_full_name() or case.consultant.username})
            return redirect("cases:detail", reference=case.reference)
    owner = services.on_duty(team=call.team, day=timezone.localdate(call.received_at)) or call.taken_by
    # The page shows the call's summary: a read, whether first shown or shown again after a refusal.
    return render_read(request, "cases/phone/call_case.html", {"call": call, "form": form, "owner": owner},
                       status=400 if request.method == "POST" else 200, detail=f"opkald {call.pk}")


@login_required
@staff_required
@require_POST
def call_hand_over(request, pk: int):
    call = call_for_change(user=request.user, pk=pk)
    form = HandOverForm(request.POST, members=selectors.members_of(call.team))
    if form.is_valid():
        try:
            case = services.call_hand_over(actor=request.user, call=call, consultant=form.cleaned_data["consultant"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Case %(ref)s handed to %(name)s.") % {
                "ref": case.reference, "name": case.consultant.get_full_name() or case.consultant.username})
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(f"{reverse('phone:calls')}?team={call.team_id}")
