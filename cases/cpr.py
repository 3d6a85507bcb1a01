"""The CPR rules in one place (GDPR art. 87, databeskyttelsesloven § 11).

- Shown masked (DDMMYY-XXXX). Revealing the full number asks why, and the reason is logged.
- Never in a URL: the case list searches a CPR only from its POSTed form (forms.CaseFilterForm drops a
  CPR that arrives in a query string) and answers the POST with the result page itself, so neither the
  address bar, a redirect, the browser history nor a proxy log ever holds it.
- Never raw in the access log: services.access_record masks every CPR-shaped number.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .identifiers import cpr_hash
from .models import Referral

# Why a consultant needs the full number. The stored purpose is the Danish label (the access log is
# read by the citizen in Danish), plus what the consultant wrote.
REVEAL_PURPOSES = [
    ("identity", _("identity check")),
    ("citizen_enquiry", _("enquiry from the citizen")),
    ("casework", _("casework")),
    ("other", _("other")),
]


class CprRevealForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why do you need the full CPR number?"), choices=REVEAL_PURPOSES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose why you need the full CPR number. It is written to the access log.")},
    )
    detail = forms.CharField(label=_("Describe the purpose"), required=False, max_length=150,
                             help_text=_("Required for \"other\"; optional otherwise."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "cpr")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == "other" and not (cleaned.get("detail") or "").strip():
            self.add_error("detail", _("Write the purpose when you choose \"other\"."))
        return cleaned

    def logged_purpose(self) -> str:
        """The purpose as written to the access log, in Danish whatever the user's language."""
        with override("da"):
            label = str(dict(REVEAL_PURPOSES)[self.cleaned_data["purpose"]])
        detail = self.cleaned_data["detail"].strip()
        return f"{label}: {detail}" if detail else label


def referrals_for_cpr(cpr: str) -> QuerySet[Referral]:
    """The fast-track referrals about this person: undecided ones by their CPR, decided ones by the
    keyed hash they keep instead (an anonymised referral has neither and is not found)."""
    return Referral.objects.filter(Q(employee_cpr=cpr) | Q(employee_cpr_hash=cpr_hash(cpr)))
