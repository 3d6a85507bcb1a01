from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AbsenceAlert, AbsenceSource

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Source"), queryset=AbsenceSource.objects.filter(active=True),
                                    empty_label=None)
    file = forms.FileField(label=_("CSV file from the payroll system"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB: split it into smaller files."))
        return upload


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=AbsenceAlert.CloseReason.choices,
                               widget=forms.RadioSelect, error_messages={"required": _("Choose a reason.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
