"""Web forms of parties; the rules (identifiers, uniqueness) are checked by services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PartyKind


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=PartyKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("name"), max_length=120)
    id_number = forms.CharField(label=_("resident ID number"), max_length=18, required=False)
    credit_code = forms.CharField(
        label=_("unified social credit code"), max_length=18, required=False
    )
    legal_representative = forms.CharField(
        label=_("legal representative"), max_length=60, required=False
    )
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)


class CorrectPartyForm(PartyForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
