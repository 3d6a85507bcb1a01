"""Forms of the citizen's page (ask for a code, type it) and the consultant's contact page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..accessible_forms import AccessibleForm
from ..models import ContactPoint
from .codes import CODE_DIGITS, clean_code


class SendCodeForm(AccessibleForm, forms.Form):
    point = forms.ModelChoiceField(label=_("Where should we send the code?"), queryset=ContactPoint.objects.none(),
                                   widget=forms.RadioSelect, empty_label=None,
                                   error_messages={"required": _("Choose where we should send the code."),
                                                   "invalid_choice": _("Choose where we should send the code.")})

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = ContactPoint.objects.filter(pk__in=[p.pk for p in points])
        self.fields["point"].label_from_instance = str
        if len(points) == 1:
            self.initial.setdefault("point", points[0].pk)
        self.decorate()


class CodeForm(AccessibleForm, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12, help_text=_("The %(n)d digits you received.") % {"n": CODE_DIGITS},
                           error_messages={"required": _("Write the code.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric"})
        self.decorate()

    def clean_code(self):
        return clean_code(self.cleaned_data["code"])


class VerifyContactForm(AccessibleForm, forms.Form):
    kind = forms.ChoiceField(label=_("What did you verify?"), choices=ContactPoint.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Choose a phone number or an e-mail address.")})
    value = forms.CharField(label=_("Phone number or e-mail address"), max_length=254,
                            error_messages={"required": _("Write the phone number or e-mail address.")})
    method = forms.ChoiceField(label=_("How was it verified with the citizen?"), choices=ContactPoint.Method.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": _("Say how you verified it with the citizen.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decorate()
