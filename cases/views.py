"""Views of the case file: thin. Access through selectors, changes through services."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import aftercare, deadlines, employers, followups, services
from .access import access_log_of, case_for_change, case_for_reading, read_record
from .cpr import CprRevealForm, referrals_for_cpr
from .flags import parse_at
from .formatting import csv_response
from .forms import (
    DEADLINE_ACTION_FORMS,
    AftercarePlanForm,
    CaseCreateForm,
    CaseEditForm,
    CaseFilterForm,
    CheckInForm,
    CloseForm,
    EmployerEditForm,
    EmployerLookupForm,
    FollowupTaskForm,
    InformationFormSentForm,
    JournalForm,
    ReassignForm,
    RelapseForm,
    ReopenForm,
    ScreeningForm,
)
from .identifiers import looks_like_cpr, validate_cpr
from .models import AccessLog, Case, Deadline, Employee, Employer, Notification
from .notifications import mail_states, notifications_mark_read
from .roles import role_label
from .screening import screening_initial, screening_reasons
from .selectors import case_search
from .web import PURPOSE_CASEWORK, admin_required, apply_validation_error, render_read, staff_required

CPR_RESULT_LIMIT = 100  # one person's cases: no paging (a page link would be a GET)


@login_required
@staff_required
def case_list(request):
    """The list is a GET (filters in the URL, bookmarkable); the search form POSTs. A POSTed search
    without a CPR is redirected to its GET; one with a CPR is answered directly (cases/cpr.py)."""
    if request.method == "POST":
        form = CaseFilterForm(request.POST, user=request.user, cpr_allowed=True)
        filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
        if not looks_like_cpr(filters.get("q")):
            return redirect(f"{reverse('cases:list')}?{urlencode(filters)}" if filters else "cases:list")
        qs = case_search(request.user, **filters)
        rows = list(qs[:CPR_RESULT_LIMIT])
        read_record(user=request.user, action=AccessLog.Action.SEARCH, purpose=PURPOSE_CASEWORK, detail=filters["q"],
                    employee=rows[0].employee if rows else None)
        page = Paginator(rows, CPR_RESULT_LIMIT).get_page(1)
        return render(request, "cases/case_list.html", {"form": form, "page": page, "query": "", "cpr_search": True})
    form = CaseFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    filters = {k: v for k, v in filters.items() if v}
    # A dashboard card's link carries the instant it was counted at (`at`): same conditions, same instant.
    as_of = parse_at(request.GET.get("at"))
    qs = case_search(request.user, now=as_of, **filters)
    if filters.get("q"):
        read_record(user=request.user, action=AccessLog.Action.SEARCH, purpose=PURPOSE_CASEWORK, detail=filters["q"])
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = form.data.copy() if form.is_bound else request.GET.copy()  # form.data: without a refused CPR
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "as_of": as_of}
    if form.cpr_refused:  # the language switch would send the URL, CPR and all, back to the browser
        context["language_next"] = f"{reverse('cases:list')}?{query.urlencode()}"
    return render(request, "cases/case_list.html", context)


@login_required
@staff_required
def case_export(request):
    """CSV of the filtered list: no CPR, no health data. Logged as an export."""
    form = CaseFilterForm(request.GET or None, user=request.user)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    qs = case_search(request.user, now=parse_at(request.GET.get("at")), **filters)
    read_record(
        user=request.user, action=AccessLog.Action.EXPORT, purpose=PURPOSE_CASEWORK, detail=request.GET.urlencode()
    )
    response, writer = csv_response(filename="sager.csv")
    writer.writerow([_("Reference"), _("Employee"), _("Employer"), _("Team"), _("Consultant"), _("Status"),
                     _("Risk"), _("First contact"), _("Outcome")])
    for case in qs.iterator(chunk_size=2000):
        writer.writerow([
            case.reference, case.employee.name, case.employer.name if case.employer else "", case.team.name,
            (case.consultant.get_full_name() or case.consultant.username) if case.consultant else "",
            case.get_status_display(), case.get_complexity_display(),
            timezone.localtime(case.first_contact_at).strftime("%Y-%m-%d %H:%M"), case.get_outcome_display(),
        ])
    return response


@login_required
@staff_required
def case_create(request):
    form = CaseCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("cases:detail", reference=case.reference)
    return render(request, "cases/case_form.html", {"form": form, "title": _("New case")})


BADGE = {
    Deadline.State.OPEN: "primary", Deadline.State.MET: "success", Deadline.State.BREACHED: "danger",
    Deadline.State.CANCELLED: "secondary", Deadline.State.PAUSED: "warning",
}


def _deadline_rows(case: Case, failed: tuple | None = None) -> list[Deadline]:
    """The case's deadlines, each with its status text and its action forms (the failed one bound,
    so its errors and the user's input show again)."""
    now = timezone.now()
    order = {Deadline.State.BREACHED: 0, Deadline.State.OPEN: 1, Deadline.State.PAUSED: 2}
    rows = sorted(case.deadlines.select_related("owner"), key=lambda d: (order.get(d.state, 3), d.due_at))
    for row in rows:
        row.status_text = deadlines.deadline_status_text(row, now)
        row.badge = "danger" if row.state == Deadline.State.OPEN and row.due_at < now else BADGE[row.state]
        row.can_record_met = row.kind in deadlines.MANUALLY_MET
        row.forms = {name: form_class(prefix=f"d{row.pk}") for name, form_class in DEADLINE_ACTION_FORMS.items()}
        row.open_action = ""
        if failed and failed[0] == row.pk:
            row.forms[failed[1]] = failed[2]
            row.open_action = failed[1]
    return rows


def _aftercare_rows(case: Case, failed: tuple | None = None) -> list[Deadline]:
    """The case's aftercare check-ins, each unfinished one with its check-in form (the failed one bound)."""
    now = timezone.now()
    rows = list(aftercare.aftercare_clocks(case))
    next_pk = next((row.pk for row in rows if row.is_unfinished), None)
    for row in rows:
        row.status_text = deadlines.deadline_status_text(row, now)
        row.badge = "danger" if row.state == Deadline.State.OPEN and row.due_at < now else BADGE[row.state]
        row.form = CheckInForm(prefix=f"ci{row.pk}") if row.is_unfinished else None
        # The next check-in's form is open; a later one's folds out (the failed one is always open).
        row.form_open = row.pk == (failed[0] if failed else next_pk)
        if failed and failed[0] == row.pk:
            row.form = failed[1]
    return rows


def _detail_context(request, case: Case, **extra) -> dict:
    context = {
        "case": case,
        "deadline_rows": _deadline_rows(case, extra.pop("deadline_failed", None)),
        "info_form_sent_form": InformationFormSentForm(),
        "followup_form": FollowupTaskForm(),
        "events": case.events.select_related("actor")[:200],
        "journal": case.journal_entries.select_related("author")[:200],
        "journal_form": JournalForm(),
        "close_form": CloseForm(),
        "reopen_form": ReopenForm(),
        "reassign_form": ReassignForm(case=case),
        "screening_form": ScreeningForm(initial=screening_initial(case)),
        "screening_reasons": screening_reasons(case),
        "cpr_revealed": False,
        "cpr_form": CprRevealForm(),
        "gp_requests": list(case.gp_requests.select_related("practice", "deadline")),

        "aftercare_rows": _aftercare_rows(case, extra.pop("check_in_failed", None)),
        "aftercare_plan_form": AftercarePlanForm(),
        "relapse_form": RelapseForm(),
        "can_plan_aftercare": not case.is_open and case.outcome in Case.RETAINED_OUTCOMES,
    }
    context["aftercare_open"] = any(row.is_unfinished for row in context["aftercare_rows"])
    context.update(extra)
    return context


@login_required
@staff_required
def case_detail(request, reference):
    case = case_for_reading(user=request.user, reference=reference, purpose=PURPOSE_CASEWORK)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


@login_required
@staff_required
@require_POST
def case_reveal_cpr(request, reference):
    """The full CPR for a stated purpose (cases/cpr.py), logged. Without a purpose: a Danish message
    in the same place, nothing revealed. htmx swaps only the CPR; without JavaScript the whole page."""
    form = CprRevealForm(request.POST)
    if form.is_valid():
        case = case_for_reading(user=request.user, reference=reference, purpose=form.logged_purpose(),
                                action=AccessLog.Action.REVEAL_CPR)
        if request.htmx:
            return render(request, "cases/partials/cpr.html", {"case": case, "cpr_revealed": True})
        return render(request, "cases/case_detail.html", _detail_context(request, case, cpr_revealed=True))
    case = case_for_change(user=request.user, reference=reference)
    if request.htmx:  # only the masked CPR and the form again (200: htmx swaps 2xx answers only)
        return render(request, "cases/partials/cpr.html", {"case": case, "cpr_form": form})
    return render_read(request, "cases/case_detail.html", _detail_context(request, case, cpr_form=form), case=case,
                       status=400)


def _case_form_view(request, reference, *, form_factory, handle, template_key, success_message):
    """POST handler shared by the small forms on the case page: on error, the page is shown again
    with the form's errors and everything the user typed."""
    case = case_for_change(user=request.user, reference=reference)
    form = form_factory(case, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            handle(case, form)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, success_message)
            return redirect("cases:detail", reference=case.reference)
    if request.method == "POST":
        return render_read(request, "cases/case_detail.html", _detail_context(request, case, **{template_key: form}),
                           status=400, case=case)
    return redirect("cases:detail", reference=case.reference)


@login_required
@staff_required
def case_edit(request, reference):
    case = case_for_change(user=request.user, reference=reference)
    form = CaseEditForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            # The service compares with the stored row: is_valid() has already written into `case`.
            services.case_update(case=case, actor=request.user, fields=dict(form.cleaned_data))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Case saved."))
            return redirect("cases:detail", reference=case.reference)
    # The form shows the health note: showing it (first time or again after a refusal) is a read.
    return render_read(request, "cases/case_form.html", {
        "form": form, "case": case, "title": _("Edit case %(ref)s") % {"ref": case.reference}},
        status=400 if request.method == "POST" else 200, case=case, detail="rediger")


@login_required
@staff_required
def followup_add(request, reference):
    return _case_form_view(
        request, reference,
        form_factory=lambda case, data: FollowupTaskForm(data),
        handle=lambda case, form: followups.followup_task_set(case=case, actor=request.user, **form.cleaned_data),
        template_key="followup_form", success_message=_("Follow-up task set."),
    )


@login_required
@staff_required
def case_screen(request, reference):
    return _case_form_view(
        request, reference,
        form_factory=lambda case, data: ScreeningForm(data),
        handle=lambda case, form: services.case_screen(case=case, actor=request.user, screening=form.screening()),
        template_key="screening_form", success_message=_("Screening saved."),
    )


@login_required
@staff_required
def case_reassign(request, reference):
    return _case_form_view(
        request, reference,
        form_factory=lambda case, data: ReassignForm(data, case=case),
        handle=lambda case, form: services.case_reassign(
            case=case, actor=request.user, consultant=form.cleaned_data["consultant"], note=form.cleaned_data["note"]
        ),
        template_key="reassign_form", success_message=_("Case reassigned."),
    )


@login_required
@staff_required
def case_close(request, reference):
    return _case_form_view(
        request, reference,
        form_factory=lambda case, data: CloseForm(data),
        handle=lambda case, form: _close_with_aftercare(request, case, form),
        template_key="close_form", success_message=_("Case closed."),
    )


def _close_with_aftercare(request, case: Case, form) -> None:
    """Close, and plan the aftercare check-ins in the same transaction when asked for (a refusal
    leaves the case open, as it was)."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            services.case_close(case=case, actor=request.user, outcome=data["outcome"], closed_on=data["closed_on"],
                                note=data["note"])
            # A double submit finds the case closed and its check-ins planned: nothing more to do.
            if data.get("aftercare") and not aftercare.aftercare_clocks(case).exists():
                aftercare.aftercare_plan(case=case, actor=request.user, weeks=data["weeks"])
    except ValidationError:
        case.refresh_from_db()
        raise


@login_required
@staff_required
def aftercare_plan(request, reference):
    return _case_form_view(
        request, reference,
        form_factory=lambda case, data: AftercarePlanForm(data),
        handle=lambda case, form: aftercare.aftercare_plan(case=case, actor=request.user,
                                                           weeks=form.cleaned_data["weeks"]),
        template_key="aftercare_plan_form", success_message=_("Aftercare check-ins planned."),
    )


@login_required
@staff_required
@require_POST
def aftercare_check_in(request, reference, pk):
    case = case_for_change(user=request.user, reference=reference)
    clock = get_object_or_404(case.deadlines.filter(kind=aftercare.KIND), pk=pk)
    form = CheckInForm(request.POST, prefix=f"ci{clock.pk}")
    if form.is_valid():
        try:
            aftercare.aftercare_check_in(deadline=clock, actor=request.user, text=form.cleaned_data["text"],
                                         at=form.cleaned_data["at"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Check-in recorded."))
            return redirect(f"{reverse('cases:detail', args=[case.reference])}#aftercare-h")
    context = _detail_context(request, case, check_in_failed=(clock.pk, form))
    return render_read(request, "cases/case_detail.html", context, status=400, case=case)


@login_required
@staff_required
def relapse_open(request, reference):
    """A relapse opens a new, linked case: on success the new case's page."""
    case = case_for_change(user=request.user, reference=reference)
    if request.method != "POST":
        return redirect("cases:detail", reference=case.reference)
    form = RelapseForm(request.POST)
    if form.is_valid():
        try:
            new = aftercare.relapse_open(case=case, actor=request.user, reason=form.cleaned_data["reason"],
                                         first_absence_day=form.cleaned_data["first_absence_day"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Relapse registered: new case %(ref)s.") % {"ref": new.reference})
            return redirect("cases:detail", reference=new.reference)
    return render_read(request, "cases/case_detail.html", _detail_context(request, case, relapse_form=form),
                       status=400, case=case)


@login_required
@staff_required
def case_reopen(request, reference):
    return _case_form_view(
        request, reference,
        form_factory=lambda case, data: ReopenForm(data),
        handle=lambda case, form: services.case_reopen(case=case, actor=request.user, reason=form.cleaned_data["reason"]),
        template_key="reopen_form", success_message=_("Case reopened."),
    )


@login_required
@staff_required
def journal_add(request, reference):
    return _case_form_view(
        request, reference,
        form_factory=lambda case, data: JournalForm(data),
        handle=lambda case, form: services.journal_add(
            case=case, actor=request.user, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"],
            occurred_at=form.cleaned_data["occurred_at"],
        ),
        template_key="journal_form", success_message=_("Journal entry added."),
    )


def _insight_csv(entries) -> HttpResponse:
    """One line per logged access: when, which case, what was done and why, who (name and role) and
    which document or search (the detail, CPRs in it masked when it was logged)."""
    response, writer = csv_response(filename="indsigt-adgangslog.csv")
    writer.writerow([_("Time"), _("Case"), _("Action"), _("Purpose"), _("Who"), _("Role"), _("Document or search")])
    rows = entries.select_related("case", "user").prefetch_related("user__groups").order_by("at", "pk")
    for row in rows:
        user = row.user
        if user is not None:  # the prefetched groups: one query for the whole export, not one per line
            user._role_names = {group.name for group in user.groups.all()}
        writer.writerow([
            timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M"), row.case.reference if row.case else "",
            row.get_action_display(), row.purpose,
            (user.get_full_name() or user.username) if user else (row.actor_system or _("the system")),
            role_label(user), row.detail,
        ])
    return response


@login_required
@admin_required
def access_insight(request):
    """A citizen's request for insight: every logged access to this person's cases and fast-track
    referrals (found by CPR, or by the keyed hash a decided referral keeps), as CSV."""
    error = ""
    if request.method == "POST":
        try:
            cpr = validate_cpr(request.POST.get("cpr", ""))
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            employee = Employee.objects.filter(cpr=cpr).first()
            referrals = referrals_for_cpr(cpr)
            if employee is None and not referrals.exists():
                error = _("No person with that CPR number is registered.")
            else:
                read_record(
                    user=request.user, action=AccessLog.Action.INSIGHT_EXPORT,
                    purpose=_("citizen's request for insight"), employee=employee,
                )
                # Someone known only from a fast-track referral (not accepted) has no person row yet.
                rows = access_log_of(employee=employee) if employee else AccessLog.objects.filter(referral__in=referrals)
                return _insight_csv(rows)
    return render(request, "cases/access_insight.html", {"error": error})


@login_required
@staff_required
@require_POST
def deadline_action(request, reference, pk, action):
    """Pause, resume, extend or record as met one deadline of the case."""
    case = case_for_change(user=request.user, reference=reference)
    deadline = get_object_or_404(case.deadlines, pk=pk)
    if action == "resume":
        handlers = {"resume": lambda form: deadlines.deadline_resume(deadline=deadline, actor=request.user)}
        form = None
    else:
        if action not in DEADLINE_ACTION_FORMS:
            raise Http404
        form = DEADLINE_ACTION_FORMS[action](request.POST, prefix=f"d{deadline.pk}")
        handlers = {
            "pause": lambda f: deadlines.deadline_pause(deadline=deadline, actor=request.user, reason=f.cleaned_data["reason"]),
            "extend": lambda f: deadlines.deadline_extend(
                deadline=deadline, actor=request.user, new_due_at=f.cleaned_data["new_due_at"], reason=f.cleaned_data["reason"]),
            "met": lambda f: deadlines.deadline_record_met(
                deadline=deadline, actor=request.user, at=f.cleaned_data["at"], note=f.cleaned_data["note"]),
        }
    if form is None or form.is_valid():
        try:
            handlers[action](form)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("cases:detail", reference=case.reference)
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Deadline updated: %(title)s.") % {"title": deadline.display_title})
            return redirect(f"{reverse('cases:detail', args=[case.reference])}#deadlines-h")
    context = _detail_context(request, case, deadline_failed=(deadline.pk, action, form))
    return render_read(request, "cases/case_detail.html", context, status=400, case=case)


@login_required
@staff_required
@require_POST
def information_form_sent(request, reference):
    case = case_for_change(user=request.user, reference=reference)
    form = InformationFormSentForm(request.POST)
    if form.is_valid():
        try:
            deadlines.information_form_sent(case=case, actor=request.user, sent_at=form.cleaned_data["sent_at"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The 8-day clock for the information form has started."))
            return redirect("cases:detail", reference=case.reference)
    return render_read(request, "cases/case_detail.html", _detail_context(request, case, info_form_sent_form=form),
                       status=400, case=case)


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(recipient=request.user), 30).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    states = mail_states(page.object_list)
    for notification in page.object_list:
        notification.mail = states.get(notification.pk)
    return render(request, "cases/notifications.html", {"page": page})


@login_required
def notification_open(request, pk):
    """Mark one notification read and go to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("cases:notifications")
    return redirect(target or "cases:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications_mark_read(user=request.user)
    messages.success(request, ngettext("%(n)s notification marked as read.",
                                       "%(n)s notifications marked as read.", count) % {"n": count})
    return redirect("cases:notifications")


# --- employers (master data: no case data, so no read log) ---------------------------------------


@login_required
@staff_required
def employer_lookup(request):
    """htmx, when the CVR field is left: a known CVR fills in (and locks) the name and address; a bad
    check digit gets its message. Fields the user is typing in are only replaced when they were locked
    by an earlier lookup, so nothing typed is lost."""
    data = request.GET.copy()
    form = EmployerLookupForm(data)
    form.is_valid()
    known = form.employer_known()
    if not known and data.get("employer_known"):
        # Another CVR than the locked employer's: free the fields, without the old firm's name in them.
        data["employer_name"], data["employer_address"] = "", ""
    context = {"form": form, "known": known, "lookup_errors": form.errors.get("cvr") or form.errors.get("p_number"),
               "oob": True}
    parts = [render_to_string("cases/partials/employer_lookup.html", context, request=request)]
    if known or request.GET.get("employer_known"):
        parts.append(render_to_string("cases/partials/employer_name_address.html", context, request=request))
    return HttpResponse("".join(parts))


@login_required
@staff_required
def employer_edit(request, pk):
    employer = get_object_or_404(Employer, pk=pk)
    initial = {"name": employer.name, "address": employer.address, "cvr": employer.cvr, "p_number": employer.p_number}
    form = EmployerEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            employers.employer_update(employer=employer, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Employer saved."))
            return redirect("cases:employer_edit", pk=employer.pk)
    return render(request, "cases/employer_edit.html", {
        "employer": employer, "form": form, "history": employer.changes.select_related("actor")[:100],
        "case_count": employer.cases.count(),
    }, status=400 if request.method == "POST" else 200)
