"""Forms of the fast-track path. Plain Django forms rendered by our own accessible templates (labels,
hints, an error summary linking to each field); every field has a size limit."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..accessible_forms import AccessibleForm
from ..formparts import PersonChoiceField, clean_employer_contact
from ..forms import DATE_INPUT, not_in_future
from ..identifiers import validate_cpr, validate_cvr, validate_p_number
from ..models import Referral
from ..selectors import consultants_of

YES_NO = [(True, _("Yes")), (False, _("No"))]


def _yes_no(label, help_text=""):
    return forms.TypedChoiceField(label=label, help_text=help_text, choices=YES_NO, widget=forms.RadioSelect,
                                  coerce=lambda value: value in (True, "True"), empty_value=None)


class ReferralForm(AccessibleForm, forms.ModelForm):
    """The STAR fast-track template. `website` is a honeypot: people never see or fill it."""

    expected_over_8_weeks = _yes_no(_("Is the absence expected to last more than 8 weeks?"))
    absence_conversation_held = _yes_no(_("Has the absence conversation been held?"))
    possibility_statement = _yes_no(_("Has a possibility statement (mulighedserklæring) been obtained?"))
    employee_told = _yes_no(_("Has the employee been told about this request?"),
                            _("Tell the employee that you are sending the request. The job centre will also contact "
                              "the employee."))
    website = forms.CharField(required=False, max_length=200, label=_("Leave this field empty"))
    # Declared here (not from the model) so that spaces and a dash may be typed: the clean methods
    # normalise to the stored digits.
    cvr = forms.CharField(label=_("CVR number"), max_length=10)
    p_number = forms.CharField(label=_("P-number (optional)"), max_length=12, required=False)
    employee_cpr = forms.CharField(label=_("Employee's CPR number"), max_length=11, help_text=_("DDMMYY-SSSS"))

    class Meta:
        model = Referral
        fields = [
            "cvr", "p_number", "employer_name", "employer_address",
            "contact_name", "contact_role", "contact_phone", "contact_email",
            "employee_name", "employee_cpr", "employee_email", "employee_phone", "job_title",
            "first_absence_day", "expected_over_8_weeks",
            "affected_functions", "affected_duration", "work_adapted",
            "absence_conversation_held", "absence_conversation_on", "possibility_statement", "adjustments_tried",
            "employee_told", "meeting_wishes",
        ]
        labels = {
            "cvr": _("CVR number"), "p_number": _("P-number (optional)"), "employer_name": _("Employer's name"),
            "employer_address": _("Address"), "contact_name": _("Your name"), "contact_role": _("Your role"),
            "contact_phone": _("Your phone"), "contact_email": _("Your e-mail"),
            "employee_name": _("Employee's name"), "employee_cpr": _("Employee's CPR number"),
            "employee_email": _("Employee's e-mail"), "employee_phone": _("Employee's phone"),
            "job_title": _("Job title"), "first_absence_day": _("First absence day"),
            # BEK 1710 § 3, stk. 1: the employer "kan vælge at oplyse" these three: voluntary.
            "affected_functions": _("Which work functions are affected by the illness? (optional)"),
            "affected_duration": _("How long has the illness affected the work? (optional)"),
            "work_adapted": _("Has an attempt been made to adapt the work to the employee's condition? (optional)"),
            "absence_conversation_on": _("Date of the absence conversation"),
            "adjustments_tried": _("Adjustments tried (optional)"),
            "meeting_wishes": _("Wishes for a meeting time (optional)"),
        }
        help_texts = {
            "employee_cpr": _("DDMMYY-SSSS"),
            "employee_email": _("E-mail or phone: we send the employee a link to answer."),
            "first_absence_day": _("As a rule, send the request no later than 5 weeks after the first absence day. "
                                   "You can send it later, but then the 2-week deadline does not apply."),
        }
        widgets = {
            "first_absence_day": DATE_INPUT, "absence_conversation_on": DATE_INPUT,
            "affected_functions": forms.Textarea(attrs={"rows": 3}), "affected_duration": forms.Textarea(attrs={"rows": 2}),
            "work_adapted": forms.Textarea(attrs={"rows": 2}), "adjustments_tried": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        autocomplete = {"contact_name": "name", "contact_email": "email", "contact_phone": "tel",
                        "employer_address": "street-address", "employer_name": "organization"}
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        for field in self.fields.values():
            if field.required:
                field.error_messages["required"] = _("This field is required.")
        if not self.is_bound:  # a bound form is decorated after validation (full_clean)
            self.decorate()

    def clean_cvr(self):
        return validate_cvr(self.cleaned_data["cvr"])

    def clean_p_number(self):
        return validate_p_number(self.cleaned_data["p_number"])

    def clean_employee_cpr(self):
        return validate_cpr(self.cleaned_data["employee_cpr"])

    def clean_first_absence_day(self):
        return not_in_future(self.cleaned_data["first_absence_day"])

    def clean_absence_conversation_on(self):
        return not_in_future(self.cleaned_data["absence_conversation_on"])

    def clean(self):
        data = super().clean()
        clean_employer_contact(self, data, cvr_required=True)  # the rules shared with the case and call forms
        if data.get("absence_conversation_held") and not data.get("absence_conversation_on"):
            self.add_error("absence_conversation_on", _("Give the date of the absence conversation."))
        first, held_on = data.get("first_absence_day"), data.get("absence_conversation_on")
        if first and held_on and held_on < first:
            self.add_error("absence_conversation_on", _("The absence conversation cannot be before the first absence day."))
        if not data.get("employee_email") and not data.get("employee_phone") and "employee_email" not in self.errors:
            self.add_error("employee_email", _("Give the employee's e-mail or phone."))
        return data

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def referral_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["absence_conversation_on"] = data["absence_conversation_on"] if data["absence_conversation_held"] else None
        data["received_at"] = timezone.now()
        return data


class EmployeeAnswerForm(AccessibleForm, forms.Form):
    consent = forms.ChoiceField(
        label=_("Do you agree to fast track?"), widget=forms.RadioSelect,
        choices=[(Referral.Consent.GIVEN, _("Yes, I agree to fast track")),
                 (Referral.Consent.DECLINED, _("No, I do not want fast track"))],
        error_messages={"required": _("Say whether you agree to fast track.")},
    )
    functions = forms.CharField(label=_("Which of your work functions are affected by the illness? (optional)"),
                                required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    duration = forms.CharField(label=_("How long has the illness affected your work? (optional)"), required=False,
                               max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    adapted = forms.CharField(label=_("Has an attempt been made to adapt your work to your condition? (optional)"),
                              required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decorate()


class AcceptForm(forms.Form):
    consultant = PersonChoiceField(label=_("Consultant who takes the case"), queryset=None)

    def __init__(self, *args, referral: Referral, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants_of([referral.team])
        self.initial.setdefault("consultant", user.pk)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the employer)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Give the reason that will be sent to the employer.")})
