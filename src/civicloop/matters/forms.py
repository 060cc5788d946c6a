"""Web forms of matters and empowerment.

Forms collect and shape input; every rule (who may act, overlapping grants,
delegability, score range, override reasons) is checked by ``services.py``, whose
``InvalidInput.field`` names match the field names here.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import GrantKind
from .models import Matter
from .services import DecisionSpec


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MatterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Matter) -> str:
        return f"{obj.code} {obj.name}"


class FileField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,image/*"})


class DecisionFields(forms.Form):
    """The decision document (赋权决定): an existing number, or a new one with its title and file."""

    decision_number = forms.CharField(
        label=_("decision document number"),
        max_length=60,
        help_text=_("e.g. 盐政发〔2026〕9号; an existing number reuses that decision."),
    )
    decision_title = forms.CharField(label=_("decision title"), max_length=200, required=False)
    decision_issued_on = forms.DateField(label=_("issued on"), required=False, widget=date_input())
    decision_file = FileField(label=_("decision file (PDF, Word or photo)"), required=False)

    decision_required = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_number"].required = self.decision_required

    def decision(self) -> DecisionSpec | None:
        data = self.cleaned_data
        if not data.get("decision_number"):
            return None
        return DecisionSpec(
            number=data["decision_number"],
            title=data.get("decision_title") or "",
            issued_on=data.get("decision_issued_on"),
            upload=data.get("decision_file"),
        )


class RequestForm(forms.Form):
    """点单赋权: a town asks for a matter."""

    matter = MatterChoiceField(label=_("matter"), queryset=Matter.objects.none())
    wanted_from = forms.DateField(label=_("wanted from"), widget=date_input())
    kind = forms.ChoiceField(
        label=_("kind"), choices=GrantKind.choices, initial=GrantKind.CHARACTERISTIC
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=5000,
        widget=text_area(4),
        help_text=_(
            "Why the town needs the matter, the events it sees, and the people "
            "and skills it has to carry it."
        ),
    )

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = (
            Matter.objects.active().delegable().not_held_by(town).order_by("code")
        )
        self.initial.setdefault("wanted_from", timezone.localdate())


class GrantForm(DecisionFields):
    """The county grants a matter to a town directly."""

    field_order = [
        "matter",
        "kind",
        "effective_from",
        "effective_to",
        "decision_number",
        "decision_title",
        "decision_issued_on",
        "decision_file",
        "reason",
    ]

    matter = MatterChoiceField(label=_("matter"), queryset=Matter.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=GrantKind.choices)
    effective_from = forms.DateField(label=_("effective from"), widget=date_input())
    effective_to = forms.DateField(
        label=_("effective until"),
        required=False,
        widget=date_input(),
        help_text=_("Last day; leave empty for “until further notice”."),
    )
    reason = forms.CharField(label=_("reason"), max_length=5000, required=False, widget=text_area())

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = Matter.objects.active().delegable().order_by("code")


class EndGrantForm(DecisionFields):
    """The county withdraws a matter from a town (收回)."""

    field_order = [
        "effective_to",
        "reason",
        "decision_number",
        "decision_title",
        "decision_issued_on",
        "decision_file",
    ]
    decision_required = False

    effective_to = forms.DateField(label=_("last day the town holds it"), widget=date_input())
    reason = forms.CharField(label=_("reason"), max_length=5000, widget=text_area())


class ApproveForm(DecisionFields):
    field_order = [
        "effective_from",
        "decision_number",
        "decision_title",
        "decision_issued_on",
        "decision_file",
        "reason",
    ]

    effective_from = forms.DateField(
        label=_("effective from"),
        required=False,
        widget=date_input(),
        help_text=_("Empty: the date the town asked for."),
    )
    reason = forms.CharField(label=_("reason"), max_length=5000, required=False, widget=text_area())


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=5000, required=False, widget=text_area())

    def __init__(self, *args, transition=None, **kwargs):
        super().__init__(*args, **kwargs)
        if transition is not None:
            self.fields["reason"].required = transition.reason_required
