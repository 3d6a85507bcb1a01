"""One component for the employee fields and one for the employer and contact-person fields of the case,
call and referral forms.

The rules live here once: a CVR has a valid check digit; a known CVR needs nothing more (its name and
address come from the master data and a form never renames it); an unknown CVR needs the employer's
name; a contact person needs an employer (with or without a CVR: "CVR mangler" is completed later).
Templates render the fields with `cases/partials/employer_fields.html`, which looks the CVR up (htmx).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .employers import EmployerData, employer_lookup, workplaces_of
from .identifiers import normalise_digits, validate_cpr, validate_cvr, validate_p_number
from .models import Employer
from .services import ContactData, EmployeeData

EMPLOYER_FIELDS = ("cvr", "p_number", "employer_name", "employer_address")
CONTACT_FIELDS = ("contact_name", "contact_role", "contact_phone", "contact_email")
# Required only in some cases (a new CVR, a contact person): marked with an asterisk and explained.
CONDITIONALLY_REQUIRED = ("employer_name",)


def clean_employer_contact(form: forms.Form, data: dict, *, cvr_required: bool = False) -> Employer | None:
    """The shared rules, on any form with these fields (also a ModelForm with the same names).
    Returns the known employer for the CVR (and P-number), if any."""
    cvr = data.get("cvr") or ""
    if cvr_required and not cvr and "cvr" not in form.errors:
        form.add_error("cvr", _("Give the employer's CVR number."))
    known = employer_lookup(cvr=cvr, p_number=data.get("p_number") or "") if cvr else None
    if known is None and cvr and not (data.get("employer_name") or "").strip():
        form.add_error("employer_name", _("Give the employer's name: the CVR number is new to us."))
    has_employer = bool(cvr or (data.get("employer_name") or "").strip()) or "cvr" in form.errors
    if (data.get("contact_name") or "").strip() and not has_employer:
        form.add_error("employer_name", _("A contact person needs an employer: give the CVR number or the name."))
    return known


class EmployeeFields(forms.Form):
    """The employee as the case and call forms take them: CPR (format and a real birth date), name and
    how to reach them. `employee_data()` builds what the services take."""

    cpr = forms.CharField(label=_("CPR number"), max_length=11, help_text=_("DDMMYY-SSSS"))
    employee_name = forms.CharField(label=_("Employee's name"), max_length=200)
    employee_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    employee_email = forms.EmailField(label=_("E-mail"), required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)

    EMPLOYEE_FIELDS = ("cpr", "employee_name", "employee_phone", "employee_email", "job_title")

    def clean_cpr(self):
        return validate_cpr(self.cleaned_data["cpr"])

    def employee_data(self) -> EmployeeData:
        d = self.cleaned_data
        return EmployeeData(cpr=d["cpr"], name=d["employee_name"], phone=d["employee_phone"],
                            email=d["employee_email"], job_title=d["job_title"])


class EmployerContactFields(forms.Form):
    """The employer and contact-person fields, with `employer_data()` and `contact_data()` for the
    services. Compose it into a form and call `clean_employer_contact` from its `clean()` (done here)."""

    cvr = forms.CharField(label=_("CVR number"), max_length=10, required=False,
                          help_text=_("8 digits. A known CVR fills in the name and address."))
    p_number = forms.CharField(label=_("P-number (workplace)"), max_length=12, required=False)
    employer_name = forms.CharField(label=_("Employer's name"), max_length=200, required=False,
                                    help_text=_("Required for a new CVR number, or without a CVR number."))
    employer_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_role = forms.CharField(label=_("Role"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)

    cvr_required = False

    def clean_cvr(self):
        value = self.cleaned_data["cvr"]
        return validate_cvr(value) if value.strip() else ""

    def clean_p_number(self):
        return validate_p_number(self.cleaned_data["p_number"])

    def clean(self):
        data = super().clean()
        self.known_employer = clean_employer_contact(self, data, cvr_required=self.cvr_required)
        return data

    # --- for the template: what the CVR field holds now (bound or not) ---------------------------

    def employer_known(self) -> Employer | None:
        raw = self.data.get(self.add_prefix("cvr"), "") if self.is_bound else self.initial.get("cvr", "")
        p_number = self.data.get(self.add_prefix("p_number"), "") if self.is_bound else ""
        digits = normalise_digits(raw)
        return employer_lookup(cvr=digits, p_number=p_number) if len(digits) == 8 and digits.isdigit() else None

    def workplaces(self) -> list[Employer]:
        known = self.employer_known()
        return list(workplaces_of(cvr=known.cvr)) if known else []

    # --- for the services ------------------------------------------------------------------------

    def employer_data(self) -> EmployerData | None:
        d = self.cleaned_data
        if not (d.get("cvr") or d.get("employer_name", "").strip()):
            return None
        return EmployerData(cvr=d["cvr"], name=d["employer_name"], address=d["employer_address"],
                            p_number=d["p_number"])

    def contact_data(self) -> ContactData | None:
        d = self.cleaned_data
        if not d.get("contact_name", "").strip():
            return None
        return ContactData(name=d["contact_name"], role=d["contact_role"], phone=d["contact_phone"],
                           email=d["contact_email"])


class PersonChoiceField(forms.ModelChoiceField):
    """A picker of staff that shows full names ("Mette Jensen"), as every other page does, not usernames."""

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username
