"""Forms of the self-booking pages. Labels are for the contact person (plain du-form Danish) or the
consultant (short professional Danish)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Employer

from ..models import AvailabilityException, AvailabilityRule


class BookingForm(forms.Form):
    slot = forms.CharField(required=False, widget=forms.HiddenInput)
    employee_name = forms.CharField(label=_("The employee's name"), max_length=200, required=False)
    employee_phone = forms.CharField(label=_("The employee's phone"), max_length=30, required=False)
    employee_email = forms.EmailField(label=_("The employee's e-mail"), required=False)
    employee_cpr = forms.CharField(
        label=_("The employee's CPR number (if you have it)"), max_length=11, required=False,
        help_text=_("Not required. Without it the job centre contacts the employee first."))


class MoveForm(forms.Form):
    slot = forms.CharField(required=False, widget=forms.HiddenInput)


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateInput(forms.DateInput):
    input_type = "date"


class RuleForm(forms.ModelForm):
    class Meta:
        model = AvailabilityRule
        fields = ["weekday", "start_time", "end_time", "slot_minutes"]
        widgets = {"start_time": TimeInput(format="%H:%M"), "end_time": TimeInput(format="%H:%M")}


class ExceptionForm(forms.ModelForm):
    class Meta:
        model = AvailabilityException
        fields = ["kind", "date", "start_time", "duration_minutes"]
        widgets = {"date": DateInput(), "start_time": TimeInput(format="%H:%M")}
        help_texts = {"start_time": _("Only for an extra free time.")}


class AttachForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("Workplace"), queryset=Employer.objects.order_by("name"))


class LinkForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("Workplace"), queryset=Employer.objects.none())
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact person's e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact person's phone"), max_length=30, required=False)

    def __init__(self, *args, workplaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = workplaces if workplaces is not None else Employer.objects.none()


class IdentifyForm(forms.Form):
    cpr = forms.CharField(label=_("CPR number"), max_length=11, help_text=_("DDMMYY-SSSS"))
