"""The GP collaboration's pages. Thin: reads through `cases.access`, changes through `cases.gp.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import case_for_change, gp_meeting_for_reading, gp_request_for_change
from ..deadlines import work_calendar
from ..selectors import teams_of
from ..web import PURPOSE_CASEWORK, apply_validation_error, render_read, staff_required
from . import services
from .forms import AnswerForm, BatchForm, ContactForm, PracticeForm, RequestForm, patient_formset


def _practice_or_404(request, pk):
    practice = services.practices_visible_to(request.user).select_related("team").filter(pk=pk).first()
    if practice is None:
        raise Http404
    return practice


@login_required
@staff_required
def practices(request):
    """The partner practices of the user's teams, with the last and the proposed next meeting."""
    teams = list(teams_of(request.user))
    form = PracticeForm(request.POST or None)
    if request.method == "POST" and teams and form.is_valid():
        practice = form.save(commit=False)
        practice.team = teams[0]
        practice.save()
        messages.success(request, _("The practice is added."))
        return redirect("gp:practice", pk=practice.pk)
    rows = list(services.practices_visible_to(request.user).filter(active=True)
                .annotate(last_held=Max("meetings__held_at"), held=Count("meetings")))
    calendar = work_calendar()  # one calendar for every row: the page's queries do not grow with the rows
    for row in rows:
        row.proposal = services.next_meeting_from(row.last_held, row.interval_days, calendar=calendar)
    return render(request, "cases/gp/practices.html", {"rows": rows, "form": form, "has_team": bool(teams)},
                  status=400 if request.method == "POST" else 200)


def _practice_context(practice, **extra) -> dict:
    meetings = list(practice.meetings.select_related("registered_by").annotate(n=Count("patients"))[:50])
    context = {
        "practice": practice,
        "contacts": list(practice.contacts.all()),
        "meetings": meetings,
        "proposal": services.next_meeting_proposal(practice),
        "contact_form": ContactForm(),
    }
    context.update(extra)
    return context


@login_required
@staff_required
def practice(request, pk):
    """Master data, contact persons and the meetings held (dates and counts: no patient data)."""
    return render(request, "cases/gp/practice.html", _practice_context(_practice_or_404(request, pk)))


@login_required
@staff_required
@require_POST
def contact_add(request, pk):
    practice = _practice_or_404(request, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        contact = form.save(commit=False)
        contact.practice = practice
        contact.save()
        messages.success(request, _("Contact person added."))
        return redirect("gp:practice", pk=practice.pk)
    return render(request, "cases/gp/practice.html", _practice_context(practice, contact_form=form), status=400)


@login_required
@staff_required
def meeting_new(request, pk):
    """Register a meeting with the practice: one form, a row per patient. A refused batch is shown
    again with every row as typed and the reason on the row."""
    practice = _practice_or_404(request, pk)
    data = request.POST if request.method == "POST" else None
    proposal = services.next_meeting_proposal(practice)
    initial_at = timezone.localtime(proposal if proposal and proposal <= timezone.now() else timezone.now())
    form = BatchForm(data, initial={"held_at": initial_at.replace(second=0, microsecond=0)})
    rows = patient_formset(data)
    if data is not None and "more" not in data and form.is_valid() and rows.is_valid():
        filled = [(f, f.row()) for f in rows]
        filled = [(f, row) for f, row in filled if row is not None]
        patients = [row for _f, row in filled]
        # The service's checks per row (CPR, case link, an open case already) go on the row itself.
        for index, errors in services.batch_errors(actor=request.user, rows=patients).items():
            for field, message in errors.items():
                filled[index][0].add_error(field, message)
        try:
            if not rows.is_valid():
                raise ValidationError(_("Correct the rows marked below: nothing has been saved."))
            meeting = services.gp_meeting_register(actor=request.user, practice=practice,
                                                   held_at=form.cleaned_data["held_at"], rows=patients)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The meeting with %(practice)s is registered.") % {"practice": practice.name})
            return redirect("gp:meeting", pk=meeting.pk)
    status = 400 if data is not None and "more" not in data else 200
    return render(request, "cases/gp/meeting_form.html", {"practice": practice, "form": form, "rows": rows},
                  status=status)


@login_required
@staff_required
def meeting_detail(request, pk):
    meeting = gp_meeting_for_reading(user=request.user, pk=pk, purpose=PURPOSE_CASEWORK)
    patients = list(meeting.patients.select_related("case"))
    return render(request, "cases/gp/meeting_detail.html", {
        "meeting": meeting, "practice": meeting.practice, "patients": patients,
        "proposal": services.next_meeting_proposal(meeting.practice),
    })


@login_required
@staff_required
def request_new(request, reference):
    """Send a request to the GP from the case (e.g. a medical certificate, LÆ 285): its clock starts."""
    case = case_for_change(user=request.user, reference=reference)
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, practices=services.practices_visible_to(request.user).filter(active=True),
                       initial={"sent_at": timezone.localtime().replace(second=0, microsecond=0)})
    if data is not None and form.is_valid():
        try:
            services.gp_request_send(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The request to the GP is recorded; its deadline is on the case."))
            return redirect("cases:detail", reference=case.reference)
    return render_read(request, "cases/gp/request_form.html", {"case": case, "form": form},
                       status=400 if data is not None else 200, case=case, detail="anmodning til lægen")


@login_required
@staff_required
@require_POST
def request_answer(request, reference, pk):
    gp_request = gp_request_for_change(user=request.user, reference=reference, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.gp_request_answer(request=gp_request, actor=request.user, **{
                "answered_at": form.cleaned_data["answered_at"], "note": form.cleaned_data["note"]})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The answer from the GP is registered."))
    else:
        messages.error(request, _("Write when the answer was received."))
    return redirect("cases:detail", reference=reference)
