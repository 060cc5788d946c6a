"""Forms of the assessment pages: open a round, score a dimension, submit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicloop.matters.forms import date_input, text_area

from .choices import DEFAULT_WEIGHTS, Dimension
from .scoring import DIMENSIONS


class RoundForm(forms.Form):
    name = forms.CharField(
        label=_("name"), max_length=100, help_text=_("e.g. 2026年上半年一镇一评估")
    )
    period_start = forms.DateField(label=_("period from"), widget=date_input())
    period_end = forms.DateField(label=_("period until"), widget=date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for dimension in DIMENSIONS:
            self.fields[f"weight_{dimension}"] = forms.IntegerField(
                label=_("weight: %(dimension)s") % {"dimension": Dimension(dimension).label},
                min_value=0,
                max_value=100,
                initial=DEFAULT_WEIGHTS[dimension],
            )

    def weights(self) -> dict[str, int]:
        return {d: self.cleaned_data[f"weight_{d}"] for d in DIMENSIONS}


class ScoreForm(forms.Form):
    score = forms.DecimalField(
        label=_("score (0–100)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    reason = forms.CharField(
        label=_("reason for departing from the computed score"),
        max_length=5000,
        required=False,
        widget=text_area(2),
    )
    evidence = forms.CharField(
        label=_("evidence"), max_length=5000, required=False, widget=text_area(2)
    )
    comment = forms.CharField(
        label=_("comment"), max_length=5000, required=False, widget=text_area(2)
    )
    attachments = forms.FileField(
        label=_("evidence files"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,image/*"}),
    )


class SubmitAssessmentForm(forms.Form):
    comments = forms.CharField(
        label=_("overall comments"), max_length=5000, required=False, widget=text_area(4)
    )
