"""Forms of Lyngby-Taarbæk's screening page and the start conversation's three questions."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.infomeeting.selectors import monday_of
from cases.models import ScreeningMark

from .forms import DATETIME_INPUT
from .models import Meeting
from .services.scheduling import SlotData, _validate_slot
from .services.screening import StartPlan

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def parse_week(value: str) -> date | None:
    """The Monday of "2026-W48" (what <input type="week"> sends) or of a date "2026-11-23"; None if neither."""
    value = (value or "").strip()
    match = _ISO_WEEK.match(value)
    try:
        if match:
            return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        return monday_of(date.fromisoformat(value))
    except ValueError:
        return None


def week_value(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


class WeekForm(forms.Form):
    week = forms.CharField(label=_("Week of the information meeting"), required=False,
                           widget=forms.TextInput(attrs={"type": "week"}))

    def clean_week(self):
        value = self.cleaned_data["week"]
        if not value:
            return monday_of(timezone.localdate())
        monday = parse_week(value)
        if monday is None:
            raise ValidationError(_("Write a week as 2026-W48 or a date as 2026-11-23."))
        return monday


class MarkForm(forms.Form):
    TARGET, NOT_TARGET = "target", "not_target"

    target = forms.ChoiceField(label=_("Target group"), widget=forms.RadioSelect, choices=[
        (TARGET, _("In the target group: start conversation")), (NOT_TARGET, _("Not in the target group"))],
        error_messages={"required": _("Choose whether the person is in the target group.")})
    reasons = forms.MultipleChoiceField(label=_("Reasons (sensitive)"), required=False,
                                        widget=forms.CheckboxSelectMultiple, choices=ScreeningMark.Reason.choices)
    note = forms.CharField(label=_("Short note (sensitive)"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("target") == self.TARGET and not data.get("reasons"):
            self.add_error("reasons", _("Choose at least one reason, or mark the person as not in the target group."))
        if data.get("target") == self.NOT_TARGET and data.get("reasons"):
            self.add_error("reasons", _("A person outside the target group has no reasons."))
        return data

    @classmethod
    def for_row(cls, row, **kwargs):
        mark = row.mark
        initial = {}
        if mark is not None:
            initial = {"target": cls.TARGET if mark.in_target_group else cls.NOT_TARGET, "reasons": mark.reasons,
                       "note": mark.note}
        form = cls(initial=initial, prefix=f"m{row.key}", **kwargs)
        form.row_key = row.key
        return form


class StartBookingForm(forms.Form):
    first_at = forms.DateTimeField(label=_("First conversation"), widget=DATETIME_INPUT)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=10, max_value=240, initial=45)
    gap_minutes = forms.IntegerField(label=_("Break between conversations (minutes)"), min_value=0, max_value=240,
                                     initial=15)
    day_end = forms.TimeField(label=_("Last conversation ends by"), initial=time(16, 0),
                              widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place_kind = forms.ChoiceField(label=_("Place"), choices=Meeting.PlaceKind.choices,
                                   initial=Meeting.PlaceKind.JOB_CENTRE)
    place = forms.CharField(label=_("Address or room"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    accept_late = forms.BooleanField(label=_("Book anyway: I accept that the deadline is exceeded"), required=False)

    def clean(self):
        data = super().clean()
        first, duration, end = data.get("first_at"), data.get("duration_minutes"), data.get("day_end")
        if first and duration and end:
            local = timezone.localtime(first)
            if local.replace(tzinfo=None) + timedelta(minutes=duration) > datetime.combine(local.date(), end):
                self.add_error("day_end", _("The first conversation must end by the day's last time."))
        if first and duration and data.get("place_kind"):
            try:
                _validate_slot(SlotData(starts_at=first, duration_minutes=duration, place_kind=data["place_kind"],
                                        place=data.get("place", ""), online_link=data.get("online_link", "")))
            except ValidationError as error:
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else "first_at", errors)
        return data

    def plan(self) -> StartPlan:
        data = self.cleaned_data
        return StartPlan(first_at=data["first_at"], duration_minutes=data["duration_minutes"],
                         gap_minutes=data["gap_minutes"], day_end=data["day_end"], place_kind=data["place_kind"],
                         place=data["place"], online_link=data["online_link"])


class StartAnswersForm(forms.Form):
    """One text field per question of the meeting (by position)."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"q{q.position}"] = forms.CharField(
                label=f"{q.position}. {q.question}", help_text=q.guidance, required=False, max_length=4000,
                initial=q.answer, widget=forms.Textarea(attrs={"rows": 3}))

    def answers(self) -> dict[int, str]:
        return {q.position: self.cleaned_data.get(f"q{q.position}", "") for q in self.questions}
