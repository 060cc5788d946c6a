"""Web forms of flexible enforcement. Forms collect and shape input; every rule is checked
by ``services.py``, whose ``InvalidInput.field`` names match the field names here."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from civicloop.events.forms import datetime_input
from civicloop.matters.models import Matter
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region, User
from civicloop.parties.choices import PartyKind

from .choices import CHECK_RESULTS, Harm, ItemKind, LegalBasis, ServiceKind
from .conditions import KINDS, format_conditions
from .evaluation import evaluation_for_decision


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def leniency_item_choices(case) -> list[tuple[str, str]]:
    """The items of the case's matters, for the decision form (``cases.forms.DecideForm``): those
    that apply first, each labelled with its status. Items that do not apply (yet) are offered
    too, so that ticking one is refused by ``apply_items_to_decision`` with the reason — never
    silently dropped (the evaluation may change between showing the form and sending it)."""

    return [
        (
            e.item.code,
            f"{e.item.code} · {e.item.get_kind_display()} · {e.version.title} · {e.status_label}",
        )
        for e in evaluation_for_decision(case)
    ]


class MatterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.name}"


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


def conditions_help() -> str:
    return "；".join(f"{code}" + ("=…" if kind.parse else "") for code, kind in KINDS.items())


# --- the list ------------------------------------------------------------------------------


class VersionForm(forms.Form):
    title = forms.CharField(label=_("circumstance"), max_length=200)
    conditions = forms.CharField(
        label=_("conditions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        # The syntax is typed as it is: shown as code (set in __init__), not as words.
        help_text="",
    )
    legal_basis = forms.ChoiceField(label=_("legal basis"), choices=LegalBasis.choices)
    basis_text = forms.CharField(label=_("basis (text)"), max_length=200, required=False)
    document_number = forms.CharField(
        label=_("document number of the list"), max_length=80, required=False
    )
    effective_from = forms.DateField(label=_("effective from"), widget=date_input())
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].help_text = format_html(
            "{} <code>{}</code><br>{} <code>{}</code>",
            _("for example"),
            "first_violation=2; harm=minor; corrected_in_time",
            _("all conditions"),
            conditions_help(),
        )
        version = item.latest_version() if item is not None else None
        if version is not None and not self.is_bound:
            self.initial.update(
                {
                    "title": version.title,
                    "conditions": format_conditions(version.conditions),
                    "legal_basis": version.legal_basis,
                    "basis_text": version.basis_text,
                    "document_number": version.document_number,
                }
            )


class ItemForm(VersionForm):
    code = forms.CharField(label=_("code"), max_length=40, help_text=_("e.g. MF-ZD-001"))
    matter = MatterChoiceField(
        label=_("matter"), queryset=Matter.objects.active().order_by("code"), empty_label="—"
    )
    kind = forms.ChoiceField(label=_("kind"), choices=ItemKind.choices, widget=forms.RadioSelect)
    field_order = ["code", "matter", "kind"]


class NewVersionForm(VersionForm):
    reason = forms.CharField(
        label=_("why the new version"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawItemForm(forms.Form):
    last_day = forms.DateField(label=_("last day on the list"), widget=date_input())
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    effective_from = forms.DateField(
        label=_("new versions take effect on"),
        required=False,
        widget=date_input(),
        help_text=_("When a row gives no date; default: today."),
    )
    dry_run = forms.BooleanField(label=_("check only, store nothing"), required=False)


# --- circumstances and commitments ------------------------------------------------------------------


class CircumstancesForm(forms.Form):
    harm = forms.ChoiceField(
        label=_("harmful consequence"), choices=[("", "—"), *Harm.choices], required=False
    )
    correction_ordered_on = forms.DateField(
        label=_("correction ordered on"), required=False, widget=date_input()
    )
    correction_due_on = forms.DateField(label=_("correct by"), required=False, widget=date_input())
    corrected_on = forms.DateField(label=_("corrected on"), required=False, widget=date_input())
    amount_involved = forms.DecimalField(
        label=_("amount involved (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    earlier_records_checked = forms.BooleanField(
        label=_("earlier violations checked elsewhere, none found"), required=False
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommitmentNoticeForm(forms.Form):
    party = forms.ChoiceField(label=_("party"))
    matter = forms.ChoiceField(label=_("matter"))
    notice_text = forms.CharField(
        label=_("notice"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the party did, the rule broken, what must be corrected and "
            "by when, and what breaking the commitment means."
        ),
    )
    served_at = forms.DateTimeField(
        label=_("notice served at"), required=False, widget=datetime_input()
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        parties = case.principal_parties() if case is not None else []
        self.fields["party"].choices = [(p.pk, p.display_name) for p in parties]
        self.fields["matter"].choices = [
            (link.matter.pk, f"{link.matter.code} {link.matter.name}")
            for link in (case.matter_links.select_related("matter") if case else [])
        ]


class CommitmentForm(forms.Form):
    commitment_text = forms.CharField(
        label=_("the party's commitment"), widget=forms.Textarea(attrs={"rows": 4})
    )
    signed_on = forms.DateField(label=_("signed on"), widget=date_input())
    scan = forms.FileField(label=_("signed scan (photo or PDF)"), required=False)


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CheckForm(forms.Form):
    result = forms.ChoiceField(
        label=_("result"),
        widget=forms.RadioSelect,
        choices=CHECK_RESULTS,
    )
    note = forms.CharField(
        label=_("what the check found"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the commitment was broken."),
    )
    checked_at = forms.DateTimeField(label=_("checked at"), required=False, widget=datetime_input())
    region = forms.ModelChoiceField(
        label=_("where (when broken)"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Default: the case's place or the squad's town."),
    )

    def __init__(self, *args, commitment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if commitment is not None:
            unit_region = commitment.handling_unit.region
            regions = Region.objects.exclude(level=RegionLevel.COUNTY)
            if unit_region.level != RegionLevel.COUNTY:
                regions = regions.filter(code__startswith=unit_region.prefix)
            self.fields["region"].queryset = regions.order_by("code")


# --- credit repair -----------------------------------------------------------------------------------


class ContactForm(forms.Form):
    note = forms.CharField(
        label=_("how the enterprise was told"), widget=forms.Textarea(attrs={"rows": 2})
    )
    contacted_at = forms.DateTimeField(label=_("told at"), required=False, widget=datetime_input())


class ApplicationForm(forms.Form):
    applied_on = forms.DateField(label=_("applied on"), widget=date_input())
    note = forms.CharField(
        label=_("application"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MaterialsForm(forms.Form):
    note = forms.CharField(label=_("materials checked"), widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


REPAIR_FORMS = {
    "record_contact": ContactForm,
    "record_application": ApplicationForm,
    "check_materials": MaterialsForm,
    "approve_repair": ApproveForm,
    "refuse_repair": RefusalForm,
}
COMMITMENT_FORMS = {
    "record_commitment": CommitmentForm,
    "record_refusal": RefusalForm,
    "record_check": CheckForm,
}


# --- butler services -------------------------------------------------------------------------------------


class ButlerServiceForm(forms.Form):
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=18)
    enterprise_name = forms.CharField(label=_("enterprise name"), max_length=120)
    kind = forms.ChoiceField(label=_("kind"), choices=ServiceKind.choices, widget=forms.RadioSelect)
    held_on = forms.DateField(label=_("held on"), widget=date_input())
    unit = forms.ChoiceField(label=_("unit"))
    staff = UsersChoiceField(
        label=_("staff"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    topics = forms.CharField(label=_("topics"), max_length=300)
    findings = forms.CharField(
        label=_("findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a compliance check-up."),
    )
    follow_up = forms.CharField(
        label=_("follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_due_on = forms.DateField(label=_("follow-up by"), required=False, widget=date_input())

    def __init__(self, *args, units=(), party=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["staff"].queryset = (
            User.objects.filter(
                is_active=True, posts__is_active=True, posts__unit__in=[u.pk for u in units]
            )
            .distinct()
            .order_by("full_name", "username")
        )
        if party is not None and party.kind == PartyKind.ORGANISATION and not self.is_bound:
            self.initial.update({"credit_code": party.credit_code, "enterprise_name": party.name})
