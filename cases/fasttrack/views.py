"""The fast-track pages. Public (no login): the employer's form, receipt and status page, the text and
PDF of the referral, and the employee's consent page; all behind signed links but the form. Staff: the
team's triage queue."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..access import read_record, referral_for_change, referral_for_reading, referrals_visible_to
from ..identity import legal_texts, sender
from ..models import Referral
from ..web import PURPOSE_CASEWORK, apply_validation_error, render_read, staff_required
from . import pdf, ratelimit, services, signing
from .forms import AcceptForm, EmployeeAnswerForm, ReferralForm, RejectForm


def _form_page(request, form, status=200):
    """The public form with the municipality's legal settings (channel, intro) and its contact details."""
    return render(request, "cases/fasttrack/form.html", {"form": form, "legal": legal_texts(), "sender": sender()},
                  status=status)


@never_cache
def referral_form(request):
    form = ReferralForm(request.POST or None)
    if request.method == "POST":
        if ratelimit.limit_reached(request):
            form.add_error(None, _("Too many requests from your address. Wait ten minutes and send again; "
                                   "what you typed is still here."))
            return _form_page(request, form, status=429)
        if form.is_valid():
            if form.is_spam:  # a bot filled the hidden field: look successful, store nothing
                return render(request, "cases/fasttrack/spam.html")
            try:
                referral = services.referral_submit(data=form.referral_data())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                ratelimit.count_accepted(request)
                token = signing.make_token(referral.pk, salt=signing.STATUS_SALT)
                return redirect("fasttrack:receipt", token=token)
    return _form_page(request, form, status=400 if request.method == "POST" else 200)


def _referral_from(token: str, *, salt: str, max_age) -> Referral:
    try:
        referral_id = signing.read_token(token, salt=salt, max_age=max_age)
    except signing.LinkExpired:
        raise LinkProblem(_("This link has expired. Contact the job centre to get a new one."), status=410) from None
    except signing.LinkInvalid:
        raise LinkProblem(_("This link is not valid. Check that the whole link was copied."), status=404) from None
    try:
        return Referral.objects.select_related("case").get(pk=referral_id)
    except Referral.DoesNotExist:
        raise LinkProblem(_("This link is not valid. Check that the whole link was copied."), status=404) from None


class LinkProblem(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def _public(view):
    """Public pages behind a signed link: a bad or expired link gets a clear Danish page, never a trace."""
    @functools.wraps(view)
    def wrapper(request, token, *args, **kwargs):
        try:
            return view(request, token, *args, **kwargs)
        except LinkProblem as problem:
            return render(request, "cases/fasttrack/link_problem.html", {"message": problem.message},
                          status=problem.status)
    return never_cache(wrapper)


def _status_referral(token):
    return _referral_from(token, salt=signing.STATUS_SALT, max_age=signing.STATUS_MAX_AGE)


@_public
def receipt(request, token):
    referral = _status_referral(token)
    return render(request, "cases/fasttrack/receipt.html", {
        "r": referral, "status_url": request.build_absolute_uri(reverse("fasttrack:status", args=[token])), "token": token,
        "text": services.referral_text(referral), "sender": sender(), **services.receipt_context(referral)})


@_public
def status(request, token):
    referral = _status_referral(token)
    return render(request, "cases/fasttrack/status.html", {
        "view": services.employer_view(referral), "token": token, "sender": sender(), "legal": legal_texts()})


DOCUMENTS = {
    "txt": (lambda referral: services.referral_text(referral), "text/plain; charset=utf-8"),
    "pdf": (lambda referral: pdf.referral_pdf(referral), "application/pdf"),
}


@_public
def referral_document(request, token, kind):
    """The filled template as text (to paste into an e-mail) or as PDF."""
    referral = _status_referral(token)
    render_document, content_type = DOCUMENTS[kind]
    response = HttpResponse(render_document(referral), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{referral.reference}.{kind}"'
    return response


@_public
def employee(request, token):
    """Write-only: the page never shows stored answers. Once answered, the link only says so; a change
    goes through the job centre, so whoever else holds the link can neither read nor alter the answer."""
    referral = _referral_from(token, salt=signing.EMPLOYEE_SALT, max_age=signing.employee_max_age())
    if referral.consent != Referral.Consent.PENDING:
        return render(request, "cases/fasttrack/employee_answered.html", {"r": referral, "sender": sender()})
    form = EmployeeAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_employee_answer(referral=referral, answer=services.EmployeeAnswer(
                consent=data["consent"], functions=data["functions"], duration=data["duration"], adapted=data["adapted"]))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Thank you. Your answer has been sent to the job centre."))
            return redirect("fasttrack:employee", token=token)
    return render(request, "cases/fasttrack/employee.html", {"r": referral, "form": form, "sender": sender()},
                  status=400 if request.method == "POST" else 200)


# --- triage (staff) --------------------------------------------------------------------------------


@login_required
@staff_required
def triage_list(request):
    state = request.GET.get("state", Referral.State.NEW)
    referrals = referrals_visible_to(request.user)
    if state in Referral.State.values:
        referrals = referrals.filter(state=state)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        referrals = referrals.filter(Q(reference__iexact=q) | Q(employer_name__icontains=q) | Q(employee_name__icontains=q))
    # The queue shows the employees' names and the employers' requests: a read, logged once per page.
    read_record(user=request.user, purpose=PURPOSE_CASEWORK, detail=f"fast track-visitation ({state})")
    return render(request, "cases/fasttrack/triage_list.html", {
        "referrals": referrals[:200], "state": state, "states": Referral.State.choices, "q": q})


def _triage_context(request, referral, **extra):
    context = {"r": referral, "accept_form": AcceptForm(referral=referral, user=request.user), "reject_form": RejectForm(),
               "text": services.referral_text(referral), "legal": legal_texts()}
    context.update(extra)
    return context


@login_required
@staff_required
def triage_detail(request, pk):
    referral = referral_for_reading(user=request.user, pk=pk, purpose=PURPOSE_CASEWORK)
    return render(request, "cases/fasttrack/triage_detail.html", _triage_context(request, referral))


def _already_decided(request, referral):
    messages.error(request, _("This referral has already been decided."))
    return redirect("fasttrack:triage_detail", pk=referral.pk)


@login_required
@staff_required
@require_POST
def triage_accept(request, pk):
    referral = referral_for_change(user=request.user, pk=pk)
    if referral.state != Referral.State.NEW:
        return _already_decided(request, referral)
    form = AcceptForm(request.POST, referral=referral, user=request.user)
    if form.is_valid():
        try:
            case = services.referral_accept(referral=referral, actor=request.user, consultant=form.cleaned_data["consultant"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Referral %(ref)s accepted: case %(case)s.") % {
                "ref": referral.reference, "case": case.reference})
            return redirect("cases:detail", reference=case.reference)
    return render_read(request, "cases/fasttrack/triage_detail.html", _triage_context(request, referral, accept_form=form),
                       status=400, referral=referral)


@login_required
@staff_required
@require_POST
def triage_reject(request, pk):
    referral = referral_for_change(user=request.user, pk=pk)
    if referral.state != Referral.State.NEW:
        return _already_decided(request, referral)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.referral_reject(referral=referral, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Referral %(ref)s rejected; the employer has been told why.") % {
                "ref": referral.reference})
            return redirect("fasttrack:triage")
    return render_read(request, "cases/fasttrack/triage_detail.html", _triage_context(request, referral, reject_form=form),
                       status=400, referral=referral)


