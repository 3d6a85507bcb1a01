"""Tools for managers (Frederikssund): public pages, no login, nothing stored.

- The guide: what to do in week 1, 4, 5 and 8, with the law in a sentence each.
- The absence-conversation template: filled in with the employee, downloaded as PDF, or sent on as a
  fast-track request: the referral form is shown prefilled from the posted fields, so nothing is
  kept on the server before the manager submits the referral itself.
- The contact note for long-term illness: filled in and downloaded as PDF.

A PDF costs CPU: each address gets MANAGERS_PDF_RATE_LIMIT per 10 minutes (the fast track's fixed
windows, in their own scope; with the cache down each process counts alone)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..fasttrack import ratelimit
from ..fasttrack.forms import ReferralForm
from ..identity import sender
from . import pdf
from .forms import AbsenceConversationForm, ContactNoteForm

RATE_SCOPE = "managers-pdf"
ACTION_PDF = "pdf"
ACTION_REFERRAL = "referral"


def guide(request):
    return render(request, "cases/managers/guide.html", {"sender": sender()})


def _pdf_response(request, form, *, kind: str, template: str, filename: str, extra: dict):
    """The PDF, or the page again with a Danish message when this address has had its PDFs for now."""
    limit = settings.MANAGERS_PDF_RATE_LIMIT
    if ratelimit.limit_reached(request, scope=RATE_SCOPE, limit=limit):
        form.add_error(None, _("You have made many PDFs in a short time. Wait ten minutes and try again; "
                               "what you typed is still here."))
        return render(request, template, {"form": form, "sender": sender()}, status=429)
    ratelimit.count_accepted(request, scope=RATE_SCOPE)
    response = HttpResponse(pdf.template_pdf(kind, data=form.cleaned_data, extra=extra), content_type="application/pdf")
    day = form.cleaned_data.get("held_on") or form.cleaned_data.get("contact_on")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{day.isoformat()}.pdf"'
    return response


@never_cache
def absence_conversation(request):
    template = "cases/managers/absence_conversation.html"
    form = AbsenceConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == ACTION_REFERRAL:
            # The referral form, prefilled; it posts to the fast track's own URL. Nothing is stored here.
            referral_form = ReferralForm(initial=form.referral_initial())
            return render(request, "cases/fasttrack/form.html", {"form": referral_form, "prefilled": True})
        over = dict(form.fields["over_8_weeks"].choices).get(form.cleaned_data["over_8_weeks"], "")
        return _pdf_response(request, form, kind="absence_conversation", template=template,
                             filename="sygefravaerssamtale", extra={"over_8_weeks": over})
    return render(request, template, {"form": form, "sender": sender()}, status=400 if request.method == "POST" else 200)


@never_cache
def contact_note(request):
    template = "cases/managers/contact_note.html"
    form = ContactNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _pdf_response(request, form, kind="contact_note", template=template, filename="kontaktnotat",
                             extra={"contact_form": form.contact_form_label()})
    return render(request, template, {"form": form, "sender": sender()}, status=400 if request.method == "POST" else 200)
