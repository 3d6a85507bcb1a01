"""Self-booking pages: the contact person's (a signed link, no account) and the consultant's calendar.

The contact person's pages show only their own bookings as they typed them, the time and the
consultant: nothing from the case file, so no health information can reach them. The consultant's
page is their own calendar and links; it opens no case (the meeting page does, through its door).
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.web import apply_validation_error, staff_required

from ..models import AvailabilityException, AvailabilityRule, BookingLink, CalendarHold, WorkplaceConsultant
from . import services
from .forms import AttachForm, BookingForm, ExceptionForm, IdentifyForm, LinkForm, MoveForm, RuleForm


def _closed(request, closed: services.LinkClosed):
    return render(request, "roundtable/selfbooking/closed.html", {"reason": closed.reason},
                  status=404 if closed.reason == "invalid" else 410)


def _days(slots, names: dict) -> list[dict]:
    """Slots grouped by local day, each with its consultant's name."""
    rows = [{"slot": slot, "key": slot.key, "consultant": names.get(slot.consultant_id, "")} for slot in slots]
    return [{"day": day, "slots": list(items)}
            for day, items in groupby(rows, key=lambda row: timezone.localtime(row["slot"].starts_at).date())]


def _names(users) -> dict:
    return {user.pk: user.get_full_name() or user.username for user in users}


def booking(request, token):
    try:
        link = services.link_open(token)
    except services.LinkClosed as closed:
        return _closed(request, closed)
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hold = services.booking_create(link=link, slot_key=data["slot"], employee=services.EmployeeDetails(
                name=data["employee_name"], phone=data["employee_phone"], email=data["employee_email"],
                cpr=data["employee_cpr"]))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            text = (_("The meeting is booked for %(when)s. You will get an invitation by e-mail.") if hold.meeting_id else
                    _("The time %(when)s is reserved. The job centre contacts the employee, and then you get an "
                      "invitation by e-mail."))
            messages.success(request, text % {"when": services._fmt(hold.starts_at)})
            return redirect("roundtable:booking", token=token)
    consultants = services.consultants_for(link.employer)
    slots = services.free_slots_of([user.pk for user in consultants])
    return render(request, "roundtable/selfbooking/booking.html", {
        "link": link, "token": token, "form": form, "days": _days(slots, _names(consultants)),
        "chosen": form.data.get("slot", ""), "bookings": services.bookings_of_link(link),
    }, status=400 if request.method == "POST" else 200)


@require_POST
def booking_cancel(request, token, pk):
    try:
        link = services.link_open(token)
    except services.LinkClosed as closed:
        return _closed(request, closed)
    hold = get_object_or_404(CalendarHold, pk=pk, link=link)
    try:
        services.booking_cancel(link=link, hold=hold)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The meeting is cancelled. We have told the consultant."))
    return redirect("roundtable:booking", token=token)


def booking_move(request, token, pk):
    try:
        link = services.link_open(token)
    except services.LinkClosed as closed:
        return _closed(request, closed)
    hold = get_object_or_404(CalendarHold.objects.select_related("consultant"), pk=pk, link=link,
                             cancelled_at__isnull=True)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_move(link=link, hold=hold, slot_key=form.cleaned_data["slot"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The meeting is moved. Everyone gets a new invitation."))
            return redirect("roundtable:booking", token=token)
    slots = services.free_slots_of([hold.consultant_id], exclude_hold=hold.pk)
    slots = [slot for slot in slots if slot.starts_at != hold.starts_at]
    return render(request, "roundtable/selfbooking/move.html", {
        "link": link, "token": token, "hold": hold, "form": form, "days": _days(slots, _names([hold.consultant])),
        "chosen": form.data.get("slot", ""),
    }, status=400 if request.method == "POST" else 200)


# --- the consultant's calendar --------------------------------------------------------------------


def _workplaces(user):
    from cases.models import Employer

    ids = WorkplaceConsultant.objects.filter(consultant=user).values_list("employer_id", flat=True)
    return Employer.objects.filter(pk__in=ids).order_by("name")


@login_required
@staff_required
def calendar(request):
    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = {
        "rule": RuleForm(request.POST if action == "rule" else None, prefix="rule"),
        "exception": ExceptionForm(request.POST if action == "exception" else None, prefix="exc"),
        "attach": AttachForm(request.POST if action == "attach" else None, prefix="att"),
        "link": LinkForm(request.POST if action == "link" else None, prefix="link", workplaces=_workplaces(user)),
    }
    if action:
        done = _calendar_action(request, action, forms)
        if done:
            return redirect("roundtable:calendar")
    holds = list(CalendarHold.objects.filter(consultant=user, cancelled_at__isnull=True, ends_at__gte=timezone.now())
                 .select_related("link__employer", "meeting__case").order_by("starts_at"))
    links = list(BookingLink.objects.filter(created_by=user).select_related("employer").order_by("-created_at")[:50])
    now = timezone.now()
    for link in links:
        link.live = link.revoked_at is None and link.expires_at > now
        link.url = services.link_url(link) if link.live else ""
    slots = services.free_slots_of([user.pk])[:12]
    return render(request, "roundtable/selfbooking/calendar.html", {
        "forms": forms, "rules": AvailabilityRule.objects.filter(consultant=user),
        "exceptions": AvailabilityException.objects.filter(consultant=user, date__gte=timezone.localdate()),
        "workplaces": _workplaces(user), "links": links, "holds": holds, "identify": IdentifyForm(),
        "days": _days(slots, _names([user])),
    }, status=400 if action else 200)


def _calendar_action(request, action: str, forms: dict) -> bool:
    """Run one posted action; True when it succeeded (the page redirects)."""
    user = request.user
    try:
        if action == "rule" and forms["rule"].is_valid():
            data = forms["rule"].cleaned_data
            services.rule_add(consultant=user, weekday=data["weekday"], start_time=data["start_time"],
                              end_time=data["end_time"], slot_minutes=data["slot_minutes"])
        elif action == "exception" and forms["exception"].is_valid():
            data = forms["exception"].cleaned_data
            services.exception_add(consultant=user, kind=data["kind"], date=data["date"], start_time=data["start_time"],
                                   duration_minutes=data["duration_minutes"])
        elif action == "rule_delete":
            AvailabilityRule.objects.filter(consultant=user, pk=request.POST.get("pk") or 0).delete()
        elif action == "exception_delete":
            AvailabilityException.objects.filter(consultant=user, pk=request.POST.get("pk") or 0).delete()
        elif action == "attach" and forms["attach"].is_valid():
            services.workplace_attach(consultant=user, employer=forms["attach"].cleaned_data["employer"])
        elif action == "link" and forms["link"].is_valid():
            data = forms["link"].cleaned_data
            services.link_create(actor=user, employer=data["employer"], contact_name=data["contact_name"],
                                 contact_email=data["contact_email"], contact_phone=data["contact_phone"])
            messages.success(request, _("The booking link is created. Copy it from the list and send it to the contact person."))
        elif action == "link_revoke":
            link = get_object_or_404(BookingLink, pk=request.POST.get("pk") or 0, created_by=user)
            services.link_revoke(link=link)
            messages.success(request, _("The booking link is revoked."))
        elif action == "identify":
            hold = get_object_or_404(CalendarHold, pk=request.POST.get("pk") or 0, consultant=user)
            form = IdentifyForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Write the CPR number."))
                return False
            case = services.hold_identify(hold=hold, actor=user, cpr=form.cleaned_data["cpr"])
            messages.success(request, _("The roundtable is booked on case %(ref)s.") % {"ref": case.reference})
        else:
            return False
    except ValidationError as error:
        form = forms.get(action)
        if form is not None:
            apply_validation_error(form, error)
        else:
            messages.error(request, " ".join(error.messages))
        return False
    return True
