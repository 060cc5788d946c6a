from django import forms
from django.utils.translation import gettext_lazy as _


class CorrectionOrderForm(forms.Form):
    """An order to correct (责令改正, Art. 28): its shape; the rules are in ``services``."""

    requirement = forms.CharField(
        label=_("What must be corrected"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    due_on = forms.DateField(
        label=_("Correct by"),
        required=False,
        help_text=_("Leave empty to order the party to correct at once."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DownloadForm(forms.Form):
    kind = forms.CharField(max_length=30)
    subject = forms.CharField(max_length=40, required=False)
    format = forms.CharField(max_length=10)
