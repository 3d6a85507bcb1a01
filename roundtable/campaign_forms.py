"""Forms of the care-conversation campaign pages (Helsingør). They validate input; roundtable.campaigns
decides and writes."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cases.employers import EmployerData

from .campaigns import InviteAll, InviteeData
from .forms import DATE_INPUT, DATETIME_INPUT
from .models import Meeting

User = get_user_model()


class _Consultant(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class CampaignForm(forms.Form):
    cvr = forms.CharField(label=_("CVR number"), max_length=8, required=False)
    p_number = forms.CharField(label=_("P-number"), max_length=10, required=False)
    employer_name = forms.CharField(label=_("Workplace"), max_length=200,
                                    error_messages={"required": _("Write the workplace's name.")})
    manager_name = forms.CharField(label=_("Manager"), max_length=200, required=False)
    manager_email = forms.EmailField(label=_("Manager's e-mail"), required=False)
    manager_phone = forms.CharField(label=_("Manager's phone"), max_length=30, required=False)
    requested_on = forms.DateField(label=_("The workplace asked for help on"), widget=DATE_INPUT,
                                   error_messages={"required": _("Give the date."), "invalid": _("Give a valid date.")})
    concern = forms.CharField(label=_("The workplace's concern"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              required=False, help_text=_("E.g. high absence in one department. No names or health details."))
    consultant = _Consultant(label=_("Consultant"), queryset=User.objects.none(),
                             error_messages={"required": _("Choose the consultant.")})

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = members

    def employer_data(self) -> EmployerData:
        data = self.cleaned_data
        return EmployerData(cvr=data["cvr"], name=data["employer_name"], p_number=data["p_number"])


class PlanningForm(forms.Form):
    held_on = forms.DateField(label=_("Meeting with the manager on"), widget=DATE_INPUT,
                              error_messages={"required": _("Give the date."), "invalid": _("Give a valid date.")})
    summary = forms.CharField(label=_("What was agreed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                              required=False)
    goals = forms.CharField(label=_("Goals"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), required=False)
    plan = forms.CharField(label=_("Plan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), required=False)
    roles = forms.CharField(label=_("Roles"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), required=False,
                            help_text=_("Who does what: the manager, the consultant, HR, the union representative."))


class InviteeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    cpr = forms.CharField(label=_("CPR number"), max_length=11, required=False,
                          widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    sick_from = forms.DateField(label=_("Sick-listed from"), widget=DATE_INPUT,
                                error_messages={"required": _("Give the first day."), "invalid": _("Give a valid date.")})
    sick_to = forms.DateField(label=_("Sick-listed until"), widget=DATE_INPUT, required=False,
                              help_text=_("Empty if still sick-listed."),
                              error_messages={"invalid": _("Give a valid date.")})

    def invitee(self) -> InviteeData:
        data = self.cleaned_data
        return InviteeData(name=data["name"], cpr=data["cpr"], sick_from=data["sick_from"], sick_to=data["sick_to"],
                           email=data["email"], phone=data["phone"])


class InviteAllForm(forms.Form):
    first_at = forms.DateTimeField(label=_("First conversation"), widget=DATETIME_INPUT,
                                   error_messages={"required": _("Choose the time of the first conversation."),
                                                   "invalid": _("Give a valid time.")})
    minutes = forms.IntegerField(label=_("Minutes per conversation"), min_value=15, max_value=180, initial=45)
    gap = forms.IntegerField(label=_("Minutes between conversations"), min_value=0, max_value=120, initial=15)
    place_kind = forms.ChoiceField(label=_("Place"), choices=Meeting.PlaceKind.choices)
    place = forms.CharField(label=_("Address or room"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    def how(self) -> InviteAll:
        data = self.cleaned_data
        return InviteAll(first_at=data["first_at"], minutes=data["minutes"], gap=data["gap"],
                         place_kind=data["place_kind"], place=data["place"], online_link=data["online_link"])
