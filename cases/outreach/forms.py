"""The outreach activity form: the workplaces reached (known ones, or one new by CVR), who took part,
what was presented and the follow-up agreed."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..employers import EmployerData
from ..forms import DATE_INPUT
from ..models import ContactPerson, Employer, OutreachActivity
from .services import ActivityData, NewContact

User = get_user_model()


class _Workplaces(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} (CVR {obj.cvr})" if obj.cvr else obj.name


class _Contacts(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}, {obj.role} – {obj.employer.name}" if obj.role else f"{obj.name} – {obj.employer.name}"


class _Consultant(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutreachActivity.Kind.choices,
                             error_messages={"required": _("Choose the kind of activity.")})
    held_on = forms.DateField(label=_("Date"), widget=DATE_INPUT,
                              error_messages={"required": _("Give the date."), "invalid": _("Give a valid date.")})
    consultant = _Consultant(label=_("Consultant"), queryset=User.objects.none(),
                             error_messages={"required": _("Choose the consultant.")})
    workplaces = _Workplaces(
        label=_("Workplaces reached"), queryset=Employer.objects.order_by("name"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several, e.g. for a network meeting or a campaign."),
    )
    new_cvr = forms.CharField(label=_("CVR number"), max_length=8, required=False)
    new_p_number = forms.CharField(label=_("P-number"), max_length=10, required=False)
    new_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    contacts = _Contacts(
        label=_("Contact persons met"), queryset=ContactPerson.objects.select_related("employer").order_by("employer__name", "name"),
        required=False, widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    new_contact_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    new_contact_role = forms.CharField(label=_("Role"), max_length=100, required=False)
    new_contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    new_contact_email = forms.EmailField(label=_("E-mail"), required=False)
    met = forms.CharField(label=_("Who took part"), max_length=300, required=False,
                          help_text=OutreachActivity._meta.get_field("met").help_text)
    presented = forms.CharField(label=_("What was presented"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                error_messages={"required": _("Write what was presented.")})
    follow_up = forms.CharField(label=_("Follow-up agreed"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = forms.DateField(label=_("Follow-up by"), required=False, widget=DATE_INPUT,
                                   error_messages={"invalid": _("Give a valid date.")})

    def __init__(self, *args, members, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = members
        self.fields["held_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(Div("kind", css_class="col-sm-6"), Div("held_on", css_class="col-sm-3"),
                Div("consultant", css_class="col-sm-3"), css_class="row"),
            Fieldset(_("Workplaces"), "workplaces",
                     Div(Div("new_cvr", css_class="col-sm-3"), Div("new_p_number", css_class="col-sm-3"),
                         Div("new_name", css_class="col-sm-6"), css_class="row")),
            Fieldset(_("People"), "contacts",
                     Div(Div("new_contact_name", css_class="col-sm-3"), Div("new_contact_role", css_class="col-sm-3"),
                         Div("new_contact_phone", css_class="col-sm-3"), Div("new_contact_email", css_class="col-sm-3"),
                         css_class="row"), "met"),
            Fieldset(_("Content"), "presented", "follow_up", "follow_up_on"),
        )
        self.helper.add_input(Submit("save", submit_label))

    def data_for(self, *, team) -> ActivityData:
        values = self.cleaned_data
        new_workplace = None
        if values["new_cvr"].strip() or values["new_name"].strip():
            new_workplace = EmployerData(cvr=values["new_cvr"], name=values["new_name"], p_number=values["new_p_number"])
        return ActivityData(
            kind=values["kind"], held_on=values["held_on"], consultant=values["consultant"], team=team,
            workplaces=list(values["workplaces"]), contacts=list(values["contacts"]), met=values["met"],
            presented=values["presented"], follow_up=values["follow_up"], follow_up_on=values["follow_up_on"],
            new_workplace=new_workplace,
            new_contact=NewContact(values["new_contact_name"], values["new_contact_role"], values["new_contact_phone"],
                                   values["new_contact_email"]),
        )

    @staticmethod
    def initial_for(activity: OutreachActivity) -> dict:
        return {
            "kind": activity.kind, "held_on": activity.held_on, "consultant": activity.consultant_id,
            "workplaces": list(activity.workplaces.all()), "contacts": list(activity.contacts.all()),
            "met": activity.met, "presented": activity.presented, "follow_up": activity.follow_up,
            "follow_up_on": activity.follow_up_on,
        }
