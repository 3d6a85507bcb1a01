"""The team-lead dashboard: cards, caseloads, results, exports and bulk reassign. Thin views."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import followups
from ..absence import selectors as absence_selectors
from ..access import PURPOSE_CASEWORK, PURPOSE_TEAM_MANAGEMENT, read_record
from ..flags import FLAGS, parse_at
from ..formatting import csv_response, da_number
from ..forms import CaseFilterForm
from ..models import AccessLog, Case
from ..outreach import selectors as outreach_selectors
from ..outreach.counting import monday_of
from ..roles import is_consultant, is_staff_member, is_team_lead
from ..selectors import case_search, teams_of
from ..web import apply_validation_error, staff_required
from . import cache, digest, mywork, selectors
from .forms import BulkReassignForm, DashboardFilterForm, period_presets
from .services import cases_reassign_bulk

REASSIGN_LIMIT = 200


def team_lead_required(view):
    """Team leads and admins; anyone else gets 403 (the page exists, it is just not theirs)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_team_lead(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _filter_state(request):
    form = DashboardFilterForm(request.GET or None, user=request.user)
    values = form.values()
    return form, values


def _list_query(values: dict, **extra) -> str:
    params = {
        "team": values["team"].pk if values["team"] else "",
        "consultant": values["consultant"].pk if values["consultant"] else "",
        **extra,
    }
    return urlencode({k: v for k, v in params.items() if v != ""})


def _overview(request, now) -> dict:
    """Cards and consultant table, counted at `now` and rendered to HTML (the cached part)."""
    form, values = _filter_state(request)
    counts = selectors.open_case_counts(request.user, team=values["team"], consultant=values["consultant"], now=now)
    totals = selectors.cards_from(counts)
    list_url = reverse("cases:list")
    # `at`: the list applies the card's conditions at the instant the card was counted.
    cards = [
        {"flag": flag, "label": label, "count": totals[flag],
         "url": f"{list_url}?{_list_query(values, flag=flag, at=now.isoformat())}"}
        for flag, label in FLAGS.items()
    ]
    table = selectors.consultant_table(
        request.user, teams=form.teams if values["team"] is None else [values["team"]],
        team=values["team"], consultant=values["consultant"], counts=counts,
    )
    for row in table:
        row.list_url = f"{list_url}?{_list_query(values, consultant=row.user.pk, status=Case.Status.OPEN)}"
        row.reassign_url = f"{reverse('dashboard:reassign')}?{_list_query(values, consultant=row.user.pk)}"
    html = render_to_string("cases/dashboard/_overview.html", {
        "form": form, "cards": cards, "table": table, "query": request.GET.urlencode(), "counted_at": now,
    }, request=request)
    return {"html": html, "cards": cards}


@team_lead_required
def dashboard(request):
    """The overview is cached per scope (see cases.dashboard.cache): any change to a case of the
    teams in scope is seen on the next request; the counting instant travels with the card links."""
    visible = list(teams_of(request.user).values_list("pk", flat=True))
    led = sorted(selectors.teams_led_by(request.user).values_list("pk", flat=True))
    scope = ("overview", tuple(led), request.GET.urlencode(), get_language())
    overview, counted_at = cache.cached(scope, visible, lambda now: _overview(request, now))
    return render(request, "cases/dashboard/dashboard.html", {
        "overview": overview["html"], "cards": overview["cards"], "counted_at": counted_at,
        "query": request.GET.urlencode(),
        # Not cached: a failing deadline must show at once (a partial index, one small query).
        "failing_deadlines": selectors.failing_deadlines(request.user),
        # Not cached either (no case change invalidates it): outreach this week against target, 2-3 queries.
        "outreach_rows": outreach_selectors.week_table(_chosen_teams(request, visible),
                                                      week_start=monday_of(timezone.localdate())),
    })


def _chosen_teams(request, visible: list[int]) -> list[int]:
    """The filter's team when it is one the user may see, else every visible team (ids; no query)."""
    chosen = request.GET.get("team", "")
    return [int(chosen)] if chosen.isdigit() and int(chosen) in visible else visible


def _chart_data(results) -> dict:
    """Plain numbers for Chart.js; the same numbers are in the tables for screen readers."""
    outcome_labels = dict(Case.Outcome.choices)
    source_labels = dict(Case.Source.choices)
    return {
        "trend": {
            "labels": [month.strftime("%m/%Y") for month, _share in results.monthly_first_meeting],
            "values": [share.percent for _month, share in results.monthly_first_meeting],
            "label": _("First meetings within 48 hours (%)"),
        },
        "outcomes": {
            "labels": [str(outcome_labels.get(k, k)) for k in results.outcomes],
            "values": list(results.outcomes.values()),
            "label": _("Closed cases"),
        },
        "sources": {
            "labels": [str(source_labels.get(k, k)) for k in results.sources],
            "values": list(results.sources.values()),
            "label": _("New cases"),
        },
        "calls": {
            "labels": [_("Settled on the phone"), _("Needed more")],
            "values": [results.calls.numerator, results.calls.denominator - results.calls.numerator],
            "label": _("Calls"),
        },
    }


def _absence_figures(form, values):
    """Hjørring's early-detection figures for the same teams and period (cases/absence/selectors.py)."""
    teams = [values["team"]] if values["team"] is not None else form.teams
    period = values["period"]
    return absence_selectors.alert_figures(teams=teams, start_at=period.start_at, end_at=period.end_at)


@team_lead_required
def results(request):
    form, values = _filter_state(request)
    data = selectors.results_for(request.user, **values)
    return render(request, "cases/dashboard/results.html", {
        "form": form, "results": data, "chart_data": _chart_data(data), "query": request.GET.urlencode(),
        "absence": _absence_figures(form, values),
        "presets": period_presets(timezone.localdate()),
        "outcome_rows": [(label, data.outcomes.get(key, 0)) for key, label in Case.Outcome.choices],
        "source_rows": [(label, data.sources.get(key, 0)) for key, label in Case.Source.choices],
        "outreach": outreach_selectors.results([values["team"]] if values["team"] else form.teams,
                                               start=data.period.start, end=data.period.end),
    })


def _csv_response(request, filename: str, purpose_detail: str):
    read_record(
        user=request.user, action=AccessLog.Action.EXPORT, purpose=PURPOSE_TEAM_MANAGEMENT,
        detail=f"{purpose_detail} {request.GET.urlencode()}".strip(),
    )
    return csv_response(filename=filename)


@team_lead_required
def consultants_csv(request):
    form, values = _filter_state(request)
    table = selectors.consultant_table(
        request.user, teams=form.teams if values["team"] is None else [values["team"]],
        team=values["team"], consultant=values["consultant"],
    )
    response, writer = _csv_response(request, "konsulenter.csv", "consultants")
    writer.writerow([_("Consultant"), _("Open cases"), _("Smooth"), _("Complex"), _("Not screened"), _("Overdue"),
                     _("Due this week"), _("Weekly hours"), _("Caseload target"), _("Load (%)")])
    for row in table:
        writer.writerow([row.user.get_full_name() or row.user.username, row.open, row.smooth, row.complex,
                         row.unscreened, row.overdue, row.due_week, row.weekly_hours, row.target,
                         row.load_percent if row.load_percent is not None else ""])
    return response


def _pct(share) -> str:
    return da_number(share.percent)


@team_lead_required
def results_csv(request):
    _form, values = _filter_state(request)
    data = selectors.results_for(request.user, **values)
    response, writer = _csv_response(request, "resultater.csv", "results")
    writer.writerow([_("Measure"), _("Count"), _("Out of"), _("Share (%)")])
    writer.writerow([_("Period"), f"{data.period.start:%d/%m/%Y}–{data.period.end:%d/%m/%Y}", "", ""])
    writer.writerow([_("First meetings within 48 hours"), data.first_meeting.numerator, data.first_meeting.denominator,
                     _pct(data.first_meeting)])
    writer.writerow([_("Follow-ups on time"), data.follow_up.numerator, data.follow_up.denominator, _pct(data.follow_up)])
    writer.writerow([_("Median first contact to first meeting (hours)"),
                     data.median_first_meeting_hours if data.median_first_meeting_hours is not None else "", "", ""])
    writer.writerow([_("Median first contact to first started intervention (days)"),
                     da_number(data.median_first_intervention_days) if data.median_first_intervention_days is not None
                     else "", data.first_intervention_cases, ""])
    writer.writerow([_("Mean first contact to first started intervention (days)"),
                     da_number(data.mean_first_intervention_days) if data.mean_first_intervention_days is not None
                     else "", data.first_intervention_cases, ""])
    writer.writerow([_("Retained in the job"), data.outcome_shares["retained"].numerator, data.closed,
                     _pct(data.outcome_shares["retained"])])
    writer.writerow([_("Partial return or work trial"), data.outcome_shares["attached"].numerator, data.closed,
                     _pct(data.outcome_shares["attached"])])
    for outcome, label in Case.Outcome.choices:
        writer.writerow([_("Outcome: %(o)s") % {"o": label}, data.outcomes.get(outcome, 0), data.closed, ""])
    for source, label in Case.Source.choices:
        writer.writerow([_("Source: %(s)s") % {"s": label}, data.sources.get(source, 0), "", ""])
    writer.writerow([_("Calls settled on the phone"), data.calls.numerator, data.calls.denominator, _pct(data.calls)])
    absence = _absence_figures(_form, values)
    writer.writerow([_("Absence alerts raised"), absence.raised, "", ""])
    writer.writerow([_("Absence alerts turned into a case or contact"), absence.case_or_contact.numerator,
                     absence.case_or_contact.denominator, _pct(absence.case_or_contact)])
    writer.writerow([ngettext("Absence alerts handled within %(n)d day", "Absence alerts handled within %(n)d days",
                              absence.on_time_days) % {"n": absence.on_time_days},
                     absence.on_time.numerator, absence.on_time.denominator, _pct(absence.on_time)])
    writer.writerow([_("Median days from absence alert to first meeting"),
                     absence.median_days_to_roundtable if absence.median_days_to_roundtable is not None else "",
                     absence.roundtables, ""])
    for month, share in data.monthly_first_meeting:
        writer.writerow([_("First meetings within 48 hours, %(m)s") % {"m": month.strftime("%m/%Y")},
                         share.numerator, share.denominator, _pct(share)])
    writer.writerow([_("Relapse within 6 months of a retained closing"), data.relapses_6.numerator,
                     data.relapses_6.denominator, _pct(data.relapses_6)])
    writer.writerow([_("Relapse within 12 months of a retained closing"), data.relapses_12.numerator,
                     data.relapses_12.denominator, _pct(data.relapses_12)])
    return response


@team_lead_required
def reassign(request):
    """Reassign many cases at once: the same filters as the case list (flag, team, consultant...),
    limited to open cases of the teams the user leads."""
    filter_form = CaseFilterForm(request.GET or None, user=request.user)
    filters = {k: v for k, v in (filter_form.cleaned_data if filter_form.is_valid() else {}).items() if v}
    filters["status"] = Case.Status.OPEN
    query = filter_form.data.urlencode() if filter_form.is_bound else ""  # a CPR in the URL is dropped
    teams = selectors.teams_led_by(request.user)
    candidates = case_search(request.user, now=parse_at(request.GET.get("at")), **filters).filter(team__in=teams)
    ids = list(candidates.values_list("pk", flat=True)[:REASSIGN_LIMIT])
    queryset = Case.objects.filter(pk__in=ids).select_related("employee", "team", "consultant").order_by("reference")
    form = BulkReassignForm(request.POST or None, cases=queryset, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            moved = cases_reassign_bulk(actor=request.user, cases=form.cleaned_data["cases"],
                                        consultant=form.cleaned_data["consultant"], note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, ngettext("%(n)d case reassigned to %(name)s.",
                                               "%(n)d cases reassigned to %(name)s.", len(moved)) % {
                "n": len(moved), "name": form.cleaned_data["consultant"].get_full_name()
                or form.cleaned_data["consultant"].username})
            return redirect(f"{reverse('dashboard:reassign')}?{query}")
    return render(request, "cases/dashboard/reassign.html", {
        "form": form, "cases": queryset, "query": query, "truncated": len(ids) == REASSIGN_LIMIT,
        "flag_label": FLAGS.get(filters.get("flag", "")),
        "language_next": f"{reverse('dashboard:reassign')}?{query}",  # not the request's URL: it may hold a CPR
    }, status=400 if request.method == "POST" else 200)






# --- Mit arbejde: the consultant's start page ----------------------------------------------------


@login_required
def home(request):
    """Where "/" and the login lead: a consultant's own day; a team lead who takes no cases, the overview."""
    if is_team_lead(request.user) and not is_consultant(request.user):
        return redirect("dashboard:index")
    if is_staff_member(request.user):
        return redirect("mywork:index")
    return redirect("cases:list")


@login_required
@staff_required
def my_work(request):
    work = mywork.my_work(request.user)
    # The page names employees, meetings and the consultant's own notes on cases: one read per page.
    read_record(user=request.user, purpose=PURPOSE_CASEWORK, detail="mit arbejde")
    profile = getattr(request.user, "consultant_profile", None)
    return render(request, "cases/dashboard/mywork.html", {
        "work": work, "counts": work.counts, "is_team_lead": is_team_lead(request.user),
        "digest_on": bool(profile and profile.morning_digest),
    })


@login_required
@staff_required
@require_POST
def digest_toggle(request):
    on = request.POST.get("on") == "1"
    digest.digest_set(user=request.user, on=on)
    messages.success(request, _("The morning mail is switched on.") if on else _("The morning mail is switched off."))
    return redirect("mywork:index")


@login_required
@staff_required
@require_POST
def followup_done(request, pk):
    """A huskelapp marked as done from "Mit arbejde" or the case page: only the owner's own task."""
    deadline = get_object_or_404(mywork.my_clocks(request.user).filter(kind=followups.KIND, owner=request.user), pk=pk)
    try:
        followups.followup_task_done(deadline=deadline, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Follow-up task marked as done."))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("mywork:index")
