"""Forms of the retention phone. Choices list the team; the services give the clear messages
when something outside them is posted anyway."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..formparts import EmployeeFields, EmployerContactFields
from ..forms import DATE_INPUT, DATETIME_INPUT, not_in_future
from ..models import DutyShift, PhoneCall

User = get_user_model()


def _label(user) -> str:
    return user.get_full_name() or user.username


class _UserField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _label(obj)


def _offer_only(field: forms.ModelChoiceField, people, *, empty: str = "---------") -> None:
    """Show only `people` in the drop-down while accepting any active user, so that a posted
    outsider reaches the service and gets its specific message instead of "invalid choice"."""
    field.widget.choices = [("", empty)] + [(person.pk, _label(person)) for person in people]


class RosterSetForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    consultant = _UserField(label=_("On duty"), queryset=User.objects.filter(is_active=True),
                            error_messages={"required": _("Choose who is on duty.")})

    def __init__(self, *args, team, members, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_only(self.fields["consultant"], members)


class RosterPlanForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_INPUT)
    weeks = forms.IntegerField(label=_("Weeks ahead"), min_value=1, max_value=26, initial=4)
    consultants = forms.ModelMultipleChoiceField(
        label=_("Take turns"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the consultants who take turns on the phone.")},
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultants"].queryset = members
        self.fields["consultants"].label_from_instance = _label
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("plan", _("Fill the empty days")))


class SwapRequestForm(forms.Form):
    shift = forms.ModelChoiceField(label=_("My shift"), queryset=DutyShift.objects.none(),
                                   error_messages={"required": _("Choose the shift you want to swap.")})
    counterpart = _UserField(label=_("Colleague"), queryset=User.objects.filter(is_active=True),
                             error_messages={"required": _("Choose the colleague who should take the shift.")})
    counterpart_shift = forms.ModelChoiceField(
        label=_("Their shift in exchange (optional)"), queryset=DutyShift.objects.none(), required=False
    )

    def __init__(self, *args, my_shifts, team_shifts, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = my_shifts
        self.fields["shift"].label_from_instance = lambda s: s.date.strftime("%d/%m/%Y")
        self.fields["counterpart_shift"].queryset = team_shifts
        self.fields["counterpart_shift"].label_from_instance = (
            lambda s: f"{s.date:%d/%m/%Y} ({_label(s.consultant)})"
        )
        _offer_only(self.fields["counterpart"], members)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("swap", _("Ask for the swap")))


class CallForm(forms.Form):
    caller_type = forms.ChoiceField(
        label=_("Caller"), choices=[("", "---------")] + list(PhoneCall.CallerType.choices),
        error_messages={"required": _("Choose who called.")},
    )
    caller_name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    caller_contact = forms.CharField(label=_("Phone or e-mail"), max_length=200, required=False)
    received_at = forms.DateTimeField(label=_("Received"), widget=DATETIME_INPUT)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                              error_messages={"required": _("Write a short summary of the call.")})
    settled = forms.BooleanField(label=_("Settled on the phone"), required=False)
    roundtable_within_days = forms.IntegerField(
        label=_("Roundtable wanted within (days)"), required=False,
        help_text=_("1–7 days after the call, at the employer's wish. Empty: no roundtable wanted."),
        error_messages={"invalid": _("Give a number of days from 1 to 7.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("log", _("Log the call")))


class CallCaseForm(EmployeeFields, EmployerContactFields):
    """The few facts needed to open a case from a call; the rest is filled in on the case. The employer
    and contact fields are the shared component: an employer without a CVR is kept as typed."""

    first_absence_day = forms.DateField(label=_("First absence day"), required=False, widget=DATE_INPUT,
                                        validators=[not_in_future])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Employee"), *self.EMPLOYEE_FIELDS, "first_absence_day"),
            HTML('{% include "cases/partials/employer_fields.html" %}'),
        )
        self.helper.add_input(Submit("open", _("Open case")))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "employee": self.employee_data(),
            "employer": self.employer_data(),
            "contact": self.contact_data(),
            "first_absence_day": data["first_absence_day"],
        }


class HandOverForm(forms.Form):
    consultant = _UserField(label=_("Hand the case to"), queryset=User.objects.filter(is_active=True),
                            error_messages={"required": _("Choose the colleague.")})

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_only(self.fields["consultant"], members)
