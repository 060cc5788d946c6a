"""Forms of the inspection pages: they check shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.cases.choices import Procedure
from civicloop.events.forms import MultipleFileField, RegionChoiceField
from civicloop.matters.models import Category, Matter
from civicloop.org.choices import QualificationKind, RegionLevel, UnitKind
from civicloop.org.models import Region, Unit, User

from .choices import CreditClass, Industry, ItemOutcome, ResultCode, RiskGrade, SpecialList
from .permissions import INSPECTING_UNIT_KINDS, OFFICER_ROLES, officer_units


class SubjectForm(forms.Form):
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=18)
    name = forms.CharField(label=_("name"), max_length=120)
    legal_representative = forms.CharField(
        label=_("legal representative"), max_length=60, required=False
    )
    industry = forms.ChoiceField(label=_("industry"), choices=Industry.choices)
    region = RegionChoiceField(
        label=_("place"),
        queryset=Region.objects.exclude(level=RegionLevel.COUNTY).order_by("code"),
        empty_label="—",
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    risk_grade = forms.ChoiceField(label=_("risk grade"), choices=RiskGrade.choices)
    credit_class = forms.ChoiceField(
        label=_("credit class"), choices=CreditClass.choices, initial=CreditClass.B
    )
    special_lists = forms.MultipleChoiceField(
        label=_("special lists"),
        choices=SpecialList.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    latitude = forms.FloatField(label=_("latitude (GCJ-02)"), required=False)
    longitude = forms.FloatField(label=_("longitude (GCJ-02)"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel or CSV file"))


class PlanForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("department"), queryset=Unit.objects.none(), empty_label="—"
    )
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("title"), max_length=120)
    joint_units = forms.ModelMultipleChoiceField(
        label=_("joining departments"),
        queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True),
        required=False,
        help_text=_("A plan joined by other departments is published after legal review."),
    )
    qualification = forms.ChoiceField(
        label=_("qualification of inspectors"),
        choices=QualificationKind.choices,
        initial=QualificationKind.ENFORCEMENT_CERTIFICATE,
    )
    inspectors_per_subject = forms.IntegerField(
        label=_("inspectors per subject"), min_value=1, initial=2
    )
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        self.fields["year"].initial = timezone.localdate().year


class ItemForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=40)
    title = forms.CharField(label=_("check item"), max_length=200)
    matter = forms.ModelChoiceField(
        label=_("matter"),
        queryset=Matter.objects.order_by("code"),
        required=False,
        empty_label="—",
    )


class StratumForm(forms.Form):
    industry = forms.ChoiceField(
        label=_("industry"), choices=[("", _("any industry")), *Industry.choices], required=False
    )
    risk_grade = forms.ChoiceField(
        label=_("risk grade"), choices=[("", _("any grade")), *RiskGrade.choices], required=False
    )
    ratio = forms.DecimalField(
        label=_("sampling ratio"), min_value=0, max_value=1, decimal_places=4
    )
    minimum_per_year = forms.IntegerField(
        label=_("minimum visits per year"), min_value=0, initial=0
    )


class PoolForm(forms.Form):
    inspector = forms.ModelChoiceField(
        label=_("inspector"), queryset=User.objects.none(), empty_label="—"
    )
    max_visits_per_day = forms.IntegerField(
        label=_("visits per day at most"), min_value=1, initial=4
    )

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = [plan.unit.pk, *plan.joint_units.values_list("pk", flat=True)] if plan else []
        self.fields["inspector"].queryset = (
            User.objects.filter(posts__unit__in=units, posts__is_active=True)
            .distinct()
            .order_by("username")
        )


class RecusalForm(forms.Form):
    """回避: an officer who must not inspect this subject (kin, former employer, …)."""

    inspector = forms.ModelChoiceField(
        label=_("inspector"), queryset=User.objects.none(), empty_label="—"
    )
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = (
            User.objects.filter(
                posts__is_active=True,
                posts__role__in=OFFICER_ROLES,
                posts__unit__kind__in=INSPECTING_UNIT_KINDS,
            )
            .distinct()
            .order_by("username")
        )


class DrawForm(forms.Form):
    window_start = forms.DateField(
        label=_("window from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    window_end = forms.DateField(
        label=_("window until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    seed = forms.IntegerField(
        label=_("seed"),
        required=False,
        min_value=0,
        help_text=_("Leave empty for a fresh random seed; it is recorded and published."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class MergeForm(forms.Form):
    window_days = forms.IntegerField(
        label=_("days apart at most"),
        required=False,
        min_value=0,
        help_text=_("How many days apart the earliest dates of merged tasks may be (empty: any)."),
    )


class RecordForm(forms.Form):
    """检查记录 on a phone: one radio group per check item, then the result and signatures."""

    service_fields = {"results": None, "latitude": None, "signature_image": None}

    result_code = forms.ChoiceField(label=_("result"), choices=ResultCode.choices)
    findings = forms.CharField(
        label=_("findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    photos = MultipleFileField(label=_("photos"))
    inspector_signature = forms.CharField(label=_("inspectors' signature"), max_length=120)
    representative_name = forms.CharField(
        label=_("subject's representative"), max_length=60, required=False
    )
    representative_confirmed = forms.BooleanField(
        label=_("The representative has read the record and confirms it."), required=False
    )
    signature_image = forms.CharField(widget=forms.HiddenInput, required=False)
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        fields = {}
        for item in self.items:
            fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{item.code} {item.title}",
                choices=ItemOutcome.choices,
                widget=forms.RadioSelect,
            )
            fields[f"note_{item.pk}"] = forms.CharField(
                label=_("note"), max_length=200, required=False
            )
        self.fields = {**fields, **self.fields}

    def item_fields(self):
        return [(self[f"item_{i.pk}"], self[f"note_{i.pk}"]) for i in self.items]


class CaseFromRecordForm(forms.Form):
    handling_unit = forms.ModelChoiceField(
        label=_("handling unit"), queryset=Unit.objects.none(), empty_label="—"
    )
    title = forms.CharField(label=_("case title"), max_length=120)
    procedure = forms.ChoiceField(
        label=_("procedure"), choices=Procedure.choices, initial=Procedure.ORDINARY
    )
    matter = forms.ModelChoiceField(
        label=_("matter"), queryset=Matter.objects.order_by("code"), empty_label="—"
    )
    handlers = forms.ModelMultipleChoiceField(label=_("handlers"), queryset=User.objects.none())
    facts = forms.CharField(
        label=_("facts"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, record=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        visit = record.visit
        units = visit.units.all()
        self.fields["handling_unit"].queryset = units
        mine = [u for u in units if user is not None and u.pk in officer_units(user)]
        unit = mine[0] if mine else visit.lead_unit
        self.fields["handling_unit"].initial = unit.pk
        self.fields["handlers"].queryset = (
            User.objects.filter(posts__unit__in=units, posts__is_active=True)
            .distinct()
            .order_by("username")
        )
        self.fields["handlers"].initial = list(
            visit.inspectors.filter(posts__unit=unit).values_list("pk", flat=True)
        )
        self.fields["facts"].initial = record.findings
        matters = [i.matter_id for t in visit.tasks.all() for i in t.items.all() if i.matter_id]
        if matters:
            self.fields["matter"].initial = matters[0]


class EventFromRecordForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=40, required=False)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(
        label=_("category"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label="—",
    )
