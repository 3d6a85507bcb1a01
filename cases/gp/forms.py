"""Forms of the GP collaboration. They validate input; `cases.gp.services` decides and writes."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..forms import DATE_INPUT, DATETIME_INPUT
from ..models import GpContact, GpPatient, GpPractice, GpRequest
from . import services

BATCH_ROWS = 12  # Vordingborg: 10-25 patients a meeting; "More rows" adds five, keeping what was typed.


class PracticeForm(forms.ModelForm):
    class Meta:
        model = GpPractice
        fields = ["name", "address", "phone", "email", "interval_days"]


class ContactForm(forms.ModelForm):
    class Meta:
        model = GpContact
        fields = ["name", "role", "phone", "email"]


class BatchForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME_INPUT)

    def clean_held_at(self):
        value = self.cleaned_data["held_at"]
        if value > timezone.now() + timedelta(minutes=1):
            raise forms.ValidationError(_("A meeting cannot be registered as held in the future."))
        return value


class PatientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    cpr = forms.CharField(label=_("CPR number (optional)"), max_length=11, required=False,
                          widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    case_reference = forms.CharField(label=_("Case (reference number)"), max_length=20, required=False)
    consent = forms.BooleanField(label=_("Consent"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------")] + list(GpPatient.Outcome.choices),
                                required=False)
    note = forms.CharField(label=_("Note (sensitive)"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    feedback = forms.CharField(label=_("Feedback to the GP"), required=False, widget=forms.Textarea(attrs={"rows": 1}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "consent":
                field.widget.attrs["class"] = "form-check-input"
            elif name == "outcome":
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(name) for name in ("name", "cpr", "case_reference", "consent", "outcome", "note",
                                                   "feedback"))

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        if not data.get("consent"):
            self.add_error("consent", _("The patient's consent is not recorded. The GP may only discuss a patient "
                                        "with the job centre when the patient has consented."))
        if not data.get("name", "").strip():
            self.add_error("name", _("Write the patient's name."))
        if not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome."))
        return data

    def row(self) -> services.PatientRow | None:
        if self.is_blank():
            return None
        data = self.cleaned_data
        return services.PatientRow(
            name=data["name"], consent=data["consent"], outcome=data["outcome"], cpr=data["cpr"],
            case_reference=data["case_reference"], note=data["note"], feedback=data["feedback"])


PatientFormSet = forms.formset_factory(PatientForm, extra=0)


def patient_formset(data=None, *, rows: int = BATCH_ROWS):
    """The patient rows; with data, as many rows as were posted (plus five on "More rows")."""
    if data is not None:
        try:
            posted = int(data.get("p-TOTAL_FORMS", rows))
        except ValueError:
            posted = rows
        if "more" in data:
            data = data.copy()
            data["p-TOTAL_FORMS"] = str(min(posted + 5, 40))
    return PatientFormSet(data, prefix="p", initial=[{} for _ in range(rows)] if data is None else None)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is requested"), choices=GpRequest.Kind.choices,
                             initial=GpRequest.Kind.MEDICAL_CERTIFICATE)
    practice = forms.ModelChoiceField(label=_("GP practice"), queryset=GpPractice.objects.none(), required=False)
    gp_name = forms.CharField(label=_("GP (if not a partner practice)"), max_length=200, required=False)
    question = forms.CharField(label=_("What is asked"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    sent_at = forms.DateTimeField(label=_("Sent"), widget=DATETIME_INPUT)
    due_on = forms.DateField(label=_("Answer due (empty: the policy's 8 days)"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, practices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = practices


class AnswerForm(forms.Form):
    answered_at = forms.DateTimeField(label=_("Answer received"), widget=DATETIME_INPUT)
    note = forms.CharField(label=_("The answer (sensitive)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
