"""The citizen's page (signed link → one-time code → the document) and the consultant's contact page.

Nothing with health data shows before the right code: the page names the document and offers to
send a code to a verified contact point. Each successful opening and each download is written to the
access log with the purpose "borgerens egen indsigt"; each wrong code is an event on the timeline.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..access import case_for_change, read_record
from ..models import AccessLog
from ..signing import LinkExpired, LinkInvalid
from ..web import apply_validation_error, render_read, staff_required
from . import codes, contacts, documents
from .codes import Outcome
from .forms import CodeForm, SendCodeForm, VerifyContactForm
from .sms import sms_available

# The purpose in the access log when citizens read their own documents.
PURPOSE_OWN_INSIGHT = "borgerens egen indsigt"


def _link_problem(request, message: str, status: int):
    return render(request, "cases/fasttrack/link_problem.html", {"message": message}, status=status)


def _document_or_problem(request, kind: str, token: str):
    if not documents.known(kind):
        raise Http404
    try:
        document = documents.document_from_token(kind, token)
    except LinkExpired:
        return None, _link_problem(request, _("This link has expired. Contact your retention consultant to get a new one."), 410)
    except LinkInvalid:
        document = None
    if document is None:
        return None, _link_problem(request, _("This link is not valid. Check that the whole link was copied."), 404)
    return document, None


def _code_message(result: codes.CodeCheck) -> str:
    if result.outcome is Outcome.WRONG:
        return ngettext("The code is wrong. You have %(n)d attempt left.", "The code is wrong. You have %(n)d attempts left.",
                        result.attempts_left) % {"n": result.attempts_left}
    return {
        Outcome.EXPIRED: _("The code has expired. Ask for a new code."),
        Outcome.LOCKED: _("Too many wrong attempts: the code no longer works. Ask for a new code."),
        Outcome.MISSING: _("There is no valid code. Ask for a new code, or contact your retention consultant."),
    }[result.outcome]


def _reachable_points(employee):
    """Verified contact points we can send to now (a phone only while an SMS gateway is configured)."""
    return [p for p in contacts.verified_contact_points(employee)
            if p.kind == p.Kind.EMAIL or sms_available()]


@never_cache
def document(request, kind, token):
    document, problem = _document_or_problem(request, kind, token)
    if problem:
        return problem
    case = document.case
    employee = case.employee
    points = _reachable_points(employee)
    send_form, code_form, status = SendCodeForm(points=points), CodeForm(), 200
    if request.method == "POST" and not codes.granted(request.session, employee_id=employee.pk):
        status = 400
        if "send" in request.POST:
            send_form = SendCodeForm(request.POST, points=points)
            if send_form.is_valid():
                point = send_form.cleaned_data["point"]
                try:
                    codes.code_send(case=case, point=point)
                except ValidationError as error:
                    apply_validation_error(send_form, error)
                else:
                    messages.success(request, _("We have sent a code to %(where)s.") % {"where": point.label})
                    return redirect(request.path)
        else:
            code_form = CodeForm(request.POST)
            if code_form.is_valid():
                result = codes.code_check(case=case, code=code_form.cleaned_data["code"])
                if result.ok:
                    codes.grant(request.session, employee_id=employee.pk)
                    read_record(user=None, action=AccessLog.Action.VIEW, purpose=PURPOSE_OWN_INSIGHT, case=case,
                                  detail=f"{document.access_detail}: engangskode godkendt")
                    return redirect(request.path)
                code_form.add_error("code", _code_message(result))
    return render(request, "cases/channel/document.html", {
        "document": document, "granted": codes.granted(request.session, employee_id=employee.pk),
        "points": points, "send_form": send_form, "code_form": code_form,
        "download_url": reverse("channel:download", args=[kind, token]),
    }, status=status)


@never_cache
def document_download(request, kind, token):
    document, problem = _document_or_problem(request, kind, token)
    if problem:
        return problem
    if not codes.granted(request.session, employee_id=document.case.employee_id):
        return redirect("channel:document", kind=kind, token=token)
    read_record(user=None, action=AccessLog.Action.DOWNLOAD, purpose=PURPOSE_OWN_INSIGHT, case=document.case,
                  detail=document.access_detail)
    response = HttpResponse(document.read(), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


# --- the consultant's side ----------------------------------------------------------------------


def _contact_page(request, case, *, status: int = 200, **extra):
    """Every rendering shows the citizen's contact details: each is a logged read."""
    context = {"case": case, "overview": contacts.contact_overview(case.employee), "sms_available": sms_available(),
               "verify_form": VerifyContactForm(), "code_minutes": settings.CITIZEN_CODE_IN_PERSON_MINUTES, **extra}
    response = render_read(request, "cases/channel/contact.html", context, status=status, case=case,
                           detail="kontaktoplysninger")
    response["Cache-Control"] = "no-store"  # a handed-over code shows once
    return response


@login_required
@staff_required
def contact(request, reference):
    case = case_for_change(user=request.user, reference=reference)
    return _contact_page(request, case)


@login_required
@staff_required
@require_POST
def contact_verify(request, reference):
    case = case_for_change(user=request.user, reference=reference)
    form = VerifyContactForm(request.POST)
    if form.is_valid():
        try:
            point = contacts.contact_point_verify(case=case, actor=request.user, kind=form.cleaned_data["kind"],
                                                  value=form.cleaned_data["value"], method=form.cleaned_data["method"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(point)s is verified. One-time codes can now be sent there.") % {"point": point})
            return redirect("channel:contact", reference=case.reference)
    return _contact_page(request, case, status=400, verify_form=form)


@login_required
@staff_required
@require_POST
def contact_withdraw(request, reference, pk):
    case = case_for_change(user=request.user, reference=reference)
    point = get_object_or_404(case.employee.contact_points, pk=pk)
    contacts.contact_point_withdraw(case=case, actor=request.user, point=point)
    messages.success(request, _("%(point)s is no longer verified.") % {"point": point})
    return redirect("channel:contact", reference=case.reference)


@login_required
@staff_required
@require_POST
def code_hand_over(request, reference):
    case = case_for_change(user=request.user, reference=reference)
    code = codes.code_hand_over(case=case, actor=request.user)
    return _contact_page(request, case, code=code)
