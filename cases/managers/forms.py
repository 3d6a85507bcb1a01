"""The managers' templates (Frederikssund): the absence conversation and the contact note for long-term
illness. Plain forms, never saved: the manager fills them in and downloads a PDF. The absence
conversation can be sent on as a fast-track request; `referral_initial` is what it carries."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from ..accessible_forms import AccessibleForm
from ..forms import DATE_INPUT, not_in_future

TEXT = 1800  # a text field's limit: the referral's fields hold 2000 characters with our lead-in


def _text(label, help_text="", *, required=False, rows=3, max_length=TEXT):
    return forms.CharField(label=label, help_text=help_text, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _date(label, help_text="", *, required=True, ahead=False):
    """A date of something that happened (never in the future), or with `ahead` one that is planned."""
    return forms.DateField(label=label, help_text=help_text, required=required, widget=DATE_INPUT,
                           validators=[] if ahead else [not_in_future])


class TemplateForm(AccessibleForm, forms.Form):
    """Danish required-field messages and the accessible decoration shared by both templates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = _("This field is required.")
        for name in ("employee_name", "manager_name", "workplace"):
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = "name" if name == "manager_name" else "off"
        if not self.is_bound:
            self.decorate()

    def _not_before(self, data, later: str, earlier: str, message):
        if data.get(later) and data.get(earlier) and data[later] < data[earlier]:
            self.add_error(later, message)


class AbsenceConversationForm(TemplateForm):
    """The absence conversation (sygefraværssamtale, SDL § 7 a): what the employee can and cannot do,
    the expected duration, adjustments and agreements. Functions, never a diagnosis."""

    class Over8Weeks:
        YES, NO, UNKNOWN = "yes", "no", "unknown"

    employee_name = forms.CharField(label=_("Employee's name"), max_length=200)
    manager_name = forms.CharField(label=_("Your name (manager)"), max_length=200)
    workplace = forms.CharField(label=_("Workplace (optional)"), max_length=200, required=False)
    first_absence_day = _date(_("First absence day"))
    held_on = _date(_("Date of the conversation"),
                    _("The conversation must be held no later than 4 weeks after the first absence day."))
    can_do = _text(_("Which work tasks can the employee do?"), max_length=900)
    cannot_do = _text(_("Which work tasks can the employee not do right now?"), max_length=900)
    expected_duration = _text(_("How long does the employee expect the absence to last?"), rows=2, max_length=500)
    over_8_weeks = forms.ChoiceField(
        label=_("Is the absence expected to last more than 8 weeks?"), widget=forms.RadioSelect, required=False,
        choices=[(Over8Weeks.YES, _("Yes")), (Over8Weeks.NO, _("No")), (Over8Weeks.UNKNOWN, _("Don't know yet"))])
    adjustments = _text(_("Which adjustments of the work have you talked about?"),
                        _("For example fewer hours, other tasks, aids or a quieter workplace."), max_length=900)
    agreements = _text(_("What have you agreed?"), _("Who does what, and by when."), required=True, rows=4)
    next_contact_on = _date(_("When do you talk next time? (optional)"), required=False, ahead=True)

    def clean(self):
        data = super().clean()
        self._not_before(data, "held_on", "first_absence_day",
                         _("The conversation cannot be before the first absence day."))
        self._not_before(data, "next_contact_on", "held_on",
                         _("The next talk cannot be before the conversation."))
        return data

    def referral_initial(self) -> dict:
        """What the fast-track form is prefilled with: the date and the agreements under "what has been
        tried", and the employee's functions. The manager checks and completes it there."""
        data = self.cleaned_data
        functions = "\n".join(part for part in (
            _t("Cannot do: %(text)s") % {"text": data["cannot_do"]} if data["cannot_do"] else "",
            _t("Can do: %(text)s") % {"text": data["can_do"]} if data["can_do"] else "",
        ) if part)
        agreed = _t("Agreed at the absence conversation on %(date)s:") % {
            "date": date_format(data["held_on"], "d/m/Y")}
        initial = {
            "employee_name": data["employee_name"], "contact_name": data["manager_name"],
            "first_absence_day": data["first_absence_day"],
            "absence_conversation_held": True, "absence_conversation_on": data["held_on"],
            "adjustments_tried": f"{agreed}\n{data['agreements']}",
            "affected_functions": functions, "work_adapted": data["adjustments"],
        }
        if data["workplace"]:
            initial["employer_name"] = data["workplace"]
        over = {self.Over8Weeks.YES: True, self.Over8Weeks.NO: False}.get(data["over_8_weeks"])
        if over is not None:
            initial["expected_over_8_weeks"] = over
        return {name: value for name, value in initial.items() if value not in ("", None)}


class ContactNoteForm(TemplateForm):
    """The contact note for long-term illness (kontaktnotat ved langvarig sygdom): the manager's
    follow-up contact with the employee, structured and documented."""

    FORMS = [("phone", _("Phone call")), ("meeting", _("Meeting at the workplace")), ("visit", _("Home visit")),
             ("video", _("Video call")), ("other", _("Other (e-mail, letter)"))]

    employee_name = forms.CharField(label=_("Employee's name"), max_length=200)
    manager_name = forms.CharField(label=_("Your name (manager)"), max_length=200)
    first_absence_day = _date(_("First absence day (optional)"), required=False)
    contact_on = _date(_("Date of the contact"))
    contact_form = forms.ChoiceField(label=_("How did you talk?"), choices=FORMS, widget=forms.RadioSelect)
    situation = _text(_("How is the employee's situation in relation to the work?"),
                      _("What the employee can and cannot do, and what the employee wants to tell. No diagnosis."))
    workplace_news = _text(_("What did you tell about the workplace?"),
                           _("For example news, changes and greetings from colleagues."), rows=2)
    return_options = _text(_("Which possibilities for coming back have you talked about?"),
                           _("For example a partial return, other tasks or fewer hours."))
    agreements = _text(_("What have you agreed?"), _("Who does what, and by when."), required=True, rows=4)
    next_contact_on = _date(_("Next contact (optional)"), required=False, ahead=True)

    def clean(self):
        data = super().clean()
        self._not_before(data, "contact_on", "first_absence_day",
                         _("The contact cannot be before the first absence day."))
        self._not_before(data, "next_contact_on", "contact_on", _("The next contact cannot be before this contact."))
        return data

    def contact_form_label(self) -> str:
        return str(dict(self.FORMS).get(self.cleaned_data.get("contact_form"), ""))
