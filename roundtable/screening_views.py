"""Lyngby-Taarbæk's week-6 screening page: the information meeting's attendance (sick week 5-7 in the
chosen week), the consultant's marks, and start conversations booked in one go. Thin: the list comes from
`cases.infomeeting.selectors`, marks from `cases.infomeeting.services`, bookings from
`roundtable.services.screening`. Every page shown logs one read per person on it (the marks are health
data), through the door (`cases.access.read_records`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases.access import read_records
from cases.infomeeting import PURPOSE_SCREENING
from cases.infomeeting.selectors import monday_of, screening_rows
from cases.infomeeting.services import mark_save
from cases.web import apply_validation_error, staff_required

from .screening_forms import MarkForm, StartBookingForm, WeekForm, parse_week, week_value
from .services.screening import start_conversations_book, start_meetings_of


def _page_url(monday: date, anchor: str = "") -> str:
    return f"{reverse('roundtable:screening')}?week={week_value(monday)}" + (f"#{anchor}" if anchor else "")


def _booking_initial() -> dict:
    """The next working morning: a case opened at the booking has its first-meeting clock from now."""
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return {"first_at": timezone.make_aware(datetime.combine(day, time(9, 0)))}


def _render(request, monday: date, *, week_form=None, bound_mark=None, booking_form=None, status=200):
    rows = screening_rows(monday)
    meetings = start_meetings_of(row.case.pk for row in rows if row.case)
    items = []
    for row in rows:
        form = bound_mark if bound_mark is not None and bound_mark.row_key == row.key else MarkForm.for_row(row)
        items.append({"row": row, "form": form,
                      "meeting": meetings.get(row.case.pk) if row.case else None})
    pending = [i for i in items if i["row"].in_target_group and not i["meeting"]]
    problems = any(i["row"].mark and i["row"].mark.booking_problem for i in pending)
    read_records(user=request.user, purpose=PURPOSE_SCREENING, subjects=[(row.employee, row.case) for row in rows],
                 detail=f"screeningsliste uge {monday.isocalendar()[1]} {monday.year}")
    return render(request, "roundtable/screening.html", {
        "monday": monday, "sunday": monday + timedelta(days=6), "week": week_value(monday),
        "previous": week_value(monday - timedelta(days=7)), "next": week_value(monday + timedelta(days=7)),
        "week_form": week_form or WeekForm(initial={"week": week_value(monday)}), "items": items,
        "pending": len(pending), "marked": sum(1 for i in items if i["row"].mark),
        "booking_form": booking_form or StartBookingForm(initial=_booking_initial()),
        "show_late": problems or bool(booking_form is not None and booking_form.data.get("accept_late")),
    }, status=status)


@login_required
@staff_required
def screening(request):
    form = WeekForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A week the browser could not send or a typed one that is not a week: this week, with the message.
        return _render(request, monday_of(timezone.localdate()), week_form=form)
    monday = form.cleaned_data["week"] if form.is_bound else monday_of(timezone.localdate())
    return _render(request, monday, week_form=form if form.is_bound else None)


def _posted_monday(request) -> date:
    return parse_week(request.POST.get("week", "")) or monday_of(timezone.localdate())


@login_required
@staff_required
@require_POST
def screening_mark(request):
    monday = _posted_monday(request)
    key = request.POST.get("key", "")
    row = next((r for r in screening_rows(monday) if r.key == key), None)
    if row is None:
        messages.error(request, _("The person is no longer on this week's list. Nothing was saved."))
        return redirect(_page_url(monday))
    form = MarkForm.for_row(row, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            mark_save(row=row, actor=request.user, in_target_group=data["target"] == MarkForm.TARGET,
                      reasons=data["reasons"], note=data["note"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s is marked.") % {"name": row.employee.name})
            return redirect(_page_url(monday, f"row-{key}"))
    return _render(request, monday, bound_mark=form, status=400)


@login_required
@staff_required
@require_POST
def screening_book(request):
    monday = _posted_monday(request)
    form = StartBookingForm(request.POST)
    if not form.is_valid():
        return _render(request, monday, booking_form=form, status=400)
    result = start_conversations_book(monday=monday, actor=request.user, plan=form.plan(),
                                      accept_late=form.cleaned_data["accept_late"])
    if result.booked:
        messages.success(request, ngettext("%(n)d start conversation booked; the invitation is on its way.",
                                           "%(n)d start conversations booked; the invitations are on their way.",
                                           len(result.booked)) % {"n": len(result.booked)})
    if result.not_booked:
        messages.warning(request, ngettext("%(n)d person could not be booked: the reason is on the list.",
                                           "%(n)d people could not be booked: the reasons are on the list.",
                                           len(result.not_booked)) % {"n": len(result.not_booked)})
    if not result.booked and not result.not_booked:
        messages.info(request, _("Nobody to book: mark people in the target group first."))
    return redirect(_page_url(monday))
