"""Web forms of the event loop.

Forms only collect and shape input; every rule (valid phone, allowed file types,
who may act, which state allows what) is checked by ``services.py``, whose
``DomainError.field`` names match the field names here so a refusal lands on
the right input.
"""

from __future__ import annotations

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from civicloop.matters.models import Category, Matter
from civicloop.org.choices import GRID_ROLES, RegionLevel, Role, UnitKind
from civicloop.org.models import Region, Unit

from .choices import (
    PUBLIC_SOURCES,
    RATING_REFUSAL,
    AssignmentKind,
    AssignmentState,
    Outcome,
    Rating,
    Source,
    Span,
    Urgency,
)
from .models import Event
from .permissions import capacities
from .routing import units_within_reach

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

# Units that can be given work (dispatch, re-dispatch, sub-tasks).
HANDLING_UNIT_KINDS = (
    UnitKind.EMERGENCY_TEAM,
    UnitKind.SQUAD,
    UnitKind.DEPARTMENT,
    UnitKind.COMMAND_ROOM,
    UnitKind.VILLAGE_STATION,
    UnitKind.ENTERPRISE_STATION,
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.Field):
    """Several photos or documents; their type and size are checked by the service."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, data):
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


def datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class RegionChoiceField(forms.ModelChoiceField):
    """Towns, villages and grids in tree order (codes sort as the tree)."""

    INDENT = {RegionLevel.TOWN: "", RegionLevel.VILLAGE: "\u3000", RegionLevel.GRID: "\u3000\u3000"}

    def label_from_instance(self, obj: Region) -> str:
        return f"{self.INDENT.get(obj.level, '')}{obj.name}"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"\u3000{obj.name}" if obj.parent_id else obj.name


class UnitChoiceField(forms.ModelChoiceField):
    """Units listed by name; the kind is added only when the name does not already say it."""

    def label_from_instance(self, obj: Unit) -> str:
        kind = obj.get_kind_display()
        return obj.name if _names_its_kind(obj) else f"{obj.name} · {kind}"


def _names_its_kind(unit: Unit) -> bool:
    # Unit names in Chinese end with what they are (…指挥室, …执法队, …联络站, …局).
    return unit.name.endswith(("指挥室", "执法队", "联络站", "局", "中心", "队伍", "分局"))


def handling_units():
    return (
        Unit.objects.active()
        .of_kind(*HANDLING_UNIT_KINDS)
        .select_related("region")
        .order_by("region__code", "kind", "name")
    )


def active_categories():
    return Category.objects.filter(is_active=True).order_by("position", "code")


class MatterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.name}"


def active_matters():

    return Matter.objects.active().order_by("category__position", "code")


# --- intake --------------------------------------------------------------------

STAFF_SOURCES = [(value, label) for value, label in Source.choices if value not in PUBLIC_SOURCES]


def default_source(user) -> str:
    """Grid staff patrol, station staff record visits, everyone else takes calls."""
    if user.has_role(*GRID_ROLES):
        return Source.GRID_PATROL
    if user.has_role(Role.STATION_STAFF):
        return Source.LIAISON_STATION
    return Source.HOTLINE


def default_region(user) -> Region | None:
    """The grid of a grid worker, the village of a liaison station."""
    for post in user.cached_posts():
        if post.role in GRID_ROLES or post.role == Role.STATION_STAFF:
            return post.unit.region
    return None


class LocationFields(forms.Form):
    """Place of an event: a region, an address, and/or a GPS point (WGS-84 from the phone)."""

    # The GPS point is hidden: a refusal of the point is shown on the place.
    service_fields = {"latitude": "region", "longitude": "region"}

    region = RegionChoiceField(
        label=_("place"),
        required=False,
        queryset=Region.objects.exclude(level=RegionLevel.COUNTY).order_by("code"),
        empty_label=_("— work it out from my location or the address —"),
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    latitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-180, max_value=180
    )
    # The datum of the point: "wgs84" from the phone's GPS, the base map's from a map tap.
    datum = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[("wgs84", "WGS-84"), ("gcj02", "GCJ-02")],
    )


class IntakeForm(LocationFields):
    """民情收集单: what grid and liaison-station staff record on patrol or at the desk.

    Camera first: the photo, the place (a tap on the map) and the text are what a grid
    worker gives; the description is the one field the form itself requires (the service
    requires a place it can work out). Everything else has a default or is optional and
    comes last: the source (from the person's post), the title (from the description),
    the reporter's details."""

    field_order = [
        "attachments",
        "region",
        "address",
        "description",
        "category",
        "title",
        "source",
        "occurred_at",
        "reporter_name",
        "reporter_phone",
        "reporter_id_number",
        "reporter_address",
        "is_anonymous",
    ]

    source = forms.ChoiceField(
        label=_("source"),
        choices=STAFF_SOURCES,
        required=False,
        help_text=_("Set from your post; change it for a call or a visit."),
    )
    title = forms.CharField(
        label=_("title"),
        max_length=120,
        required=False,
        help_text=_("Optional; the first words of the description are used otherwise."),
    )
    description = forms.CharField(
        label=_("description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = CategoryChoiceField(
        label=_("category"),
        queryset=active_categories(),
        required=False,
        empty_label=_("— not sure —"),
        help_text=_("Suggested from the text; the command room confirms it."),
        widget=forms.Select(
            attrs={
                "data-suggest-from": "id_description",
                "data-suggest-note": "category-suggested",
                "data-suggest-message": _("Suggested: %s"),
            }
        ),
    )
    occurred_at = forms.DateTimeField(
        label=_("occurred at"), required=False, widget=datetime_input()
    )
    reporter_name = forms.CharField(label=_("reporter name"), max_length=60, required=False)
    reporter_phone = forms.CharField(
        label=_("reporter phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    reporter_id_number = forms.CharField(
        label=_("reporter ID number"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reporter_address = forms.CharField(label=_("reporter address"), max_length=200, required=False)
    is_anonymous = forms.BooleanField(
        label=_("keep the reporter anonymous to the public"), required=False
    )
    attachments = MultipleFileField(
        label=_("take or choose photos"),
        widget=MultipleFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx,.mp4"}),
        help_text=_("Photos (JPG, PNG, WEBP, HEIC), PDF, Word, Excel or MP4."),
    )

    def clean_source(self) -> str:
        # Not asked of the grid worker: the default of the post (the form's initial value).
        return self.cleaned_data.get("source") or self.initial.get("source") or Source.HOTLINE


class PublicReportForm(LocationFields):
    """The citizen's report on the public portal (no sign-in)."""

    field_order = [
        "title",
        "description",
        "category",
        "region",
        "address",
        "occurred_at",
        "reporter_name",
        "reporter_phone",
        "is_anonymous",
        "attachments",
    ]

    title = forms.CharField(label=_("title"), max_length=120, required=False)
    description = forms.CharField(
        label=_("what happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    category = CategoryChoiceField(
        label=_("category"),
        queryset=active_categories(),
        required=False,
        empty_label=_("— not sure —"),
    )
    occurred_at = forms.DateTimeField(
        label=_("when did it happen"), required=False, widget=datetime_input()
    )
    reporter_name = forms.CharField(label=_("your name"), max_length=60, required=False)
    reporter_phone = forms.CharField(
        label=_("your phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        help_text=_("So that the handling unit can call you back."),
    )
    is_anonymous = forms.BooleanField(
        label=_("stay anonymous"),
        required=False,
        help_text=_("Your name never appears on public pages."),
    )
    attachments = MultipleFileField(
        label=_("photos"),
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )
    # A field people never see; robots fill it in.
    website = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off", "class": "hp"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            level__in=[RegionLevel.TOWN, RegionLevel.VILLAGE]
        ).order_by("code")

    def clean_website(self) -> str:
        # People never see this field; robots fill in every field they find.
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Please leave this field empty."), code="robot")
        return ""


# --- actions -------------------------------------------------------------------


class ActionForm(forms.Form):
    """Base of the small per-action forms; knows the event, the actor and the transition.

    Their cleaned data is the input of ``actions.EVENT_ACTIONS`` (the API sends the same keys)."""

    service_fields = {"to_unit": "unit"}

    def __init__(self, *args, event: Event, user, transition=None, **kwargs):
        self.event = event
        self.user = user
        self.transition = transition
        super().__init__(*args, **kwargs)
        if "reason" in self.fields and transition is not None:
            self.fields["reason"].required = transition.reason_required


def reason_field(label=None, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label or _("reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **kwargs,
    )


class ConfirmForm(ActionForm):
    """Actions that need nothing but a click (accept, start, accept a sub-task)."""


class ReasonForm(ActionForm):
    reason = reason_field()


class JudgeForm(ActionForm):
    urgency = forms.ChoiceField(
        label=_("urgency"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    span = forms.ChoiceField(label=_("span"), choices=Span.choices, widget=forms.RadioSelect)
    category = CategoryChoiceField(
        label=_("category"),
        queryset=active_categories(),
        required=False,
        empty_label=_("— keep as it is —"),
    )
    matter = MatterChoiceField(
        label=_("enforcement matter"),
        queryset=active_matters(),
        required=False,
        empty_label=_("— none —"),
        help_text=_(
            "Optional. Its category then becomes the event's; routing checks whether the town "
            "holds the matter on the event's date."
        ),
    )
    reason = reason_field(_("grading reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("urgency", self.event.urgency or Urgency.GENERAL)
            self.initial.setdefault("span", self.event.span or Span.SINGLE)
            self.initial.setdefault("category", self.event.category_id)
            self.initial.setdefault("matter", self.event.matter_id)


OUT_OF_REACH = _(
    "This unit is outside your dispatch scope: choose a unit of this town or of the county. "
    "Only the county centre sends an event to another town's units."
)


class SuggestedUnitChoiceField(UnitChoiceField):
    """Units the rules suggest come first, marked as suggested."""

    suggested_ids: frozenset[int] = frozenset()

    def label_from_instance(self, obj: Unit) -> str:
        label = super().label_from_instance(obj)
        if obj.pk in self.suggested_ids:
            return _("%(unit)s (suggested)") % {"unit": label}
        return label


class UnitsWithinReachMixin:
    """Offer only the units the dispatcher may send this event to (``routing.units_within_reach``:
    a town's command room its own town's units and the county's, the county centre every unit),
    the suggested ones first. A unit outside is refused with :data:`OUT_OF_REACH`; the service
    refuses it again for the API."""

    reach_field = "unit"

    def narrow_units(self, suggested_units=()) -> None:
        field = self.fields[self.reach_field]
        county_centre = "county_centre" in capacities(self.user, self.event)
        within = units_within_reach(self.event, county_centre=county_centre)
        suggested = [u.pk for u in suggested_units]
        field.queryset = (
            handling_units()
            .filter(pk__in=within.values("pk"))
            .annotate(
                suggested_first=Case(
                    When(pk__in=suggested, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("suggested_first", "region__code", "kind", "name")
        )
        field.suggested_ids = frozenset(suggested)
        field.error_messages["invalid_choice"] = OUT_OF_REACH


class DispatchForm(UnitsWithinReachMixin, ActionForm):
    unit = SuggestedUnitChoiceField(
        label=_("another unit"),
        queryset=handling_units(),
        required=False,
        empty_label=_("— the suggested unit —"),
    )
    reason = reason_field(
        help_text=_("Needed when you choose another unit than the suggested one.")
    )
    instruction = forms.CharField(
        label=_("instruction"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, suggested_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_units(suggested_units)


class JudgeDispatchForm(UnitsWithinReachMixin, ActionForm):
    """研判并派遣 on one page: the grading of :class:`JudgeForm`, then the unit (empty: the one
    the routing rules choose from the grading), a reason for another unit and an instruction.
    ``cleaned_data`` is the input of the ``judge_and_dispatch`` action."""

    service_fields = {"to_unit": "unit"}

    def __init__(self, *args, suggested_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        judge = JudgeForm(event=self.event, user=self.user, transition=self.transition)
        fields = dict(judge.fields)
        fields["unit"] = SuggestedUnitChoiceField(
            label=_("unit"),
            queryset=handling_units(),
            required=False,
            empty_label=_("— as the routing rules decide from the grading —"),
            help_text=_(
                "Empty: the unit the routing rules choose for the grading above. Multi-span "
                "events are dispatched by the county centre as a coordination order."
            ),
        )
        fields["dispatch_reason"] = reason_field(
            _("reason for another unit"),
            help_text=_("Needed when you choose another unit than the suggested one."),
        )
        fields["instruction"] = forms.CharField(
            label=_("instruction"),
            max_length=2000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields.update(fields)
        if not self.is_bound:
            self.initial.update({k: v for k, v in judge.initial.items() if k not in self.initial})
        self.narrow_units(suggested_units)


class SubtaskForm(forms.Form):
    """One row of a coordination order (协同处置指令)."""

    unit = UnitChoiceField(
        label=_("unit"), queryset=handling_units(), required=False, empty_label="—"
    )
    due_at = forms.DateTimeField(
        label=_("feedback due"),
        required=False,
        widget=datetime_input(),
        help_text=_("Empty: the standard deadline."),
    )
    instruction = forms.CharField(label=_("instruction"), max_length=2000, required=False)


SubtaskFormSet = forms.formset_factory(SubtaskForm, extra=0, max_num=12)
SUBTASK_PREFIX = "sub"


class CoordinationOrderForm(ActionForm):
    """协同处置指令: the reason and one row per unit (a formset). ``cleaned_data["subtasks"]``
    holds the rows, as the API's ``subtasks``."""

    reason = reason_field()

    def __init__(self, *args, suggested_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.formset = SubtaskFormSet(self.data, prefix=SUBTASK_PREFIX)
        else:
            rows = [{"unit": unit.pk} for unit in suggested_units]
            rows += [{} for _i in range(max(3, len(rows) + 1) - len(rows))]
            self.formset = SubtaskFormSet(initial=rows, prefix=SUBTASK_PREFIX)

    def is_valid(self) -> bool:
        return self.formset.is_valid() & super().is_valid()

    def clean(self):
        cleaned = super().clean()
        if self.formset.is_valid():
            cleaned["subtasks"] = self.formset.cleaned_data
        return cleaned


class RedispatchForm(UnitsWithinReachMixin, ActionForm):
    unit = SuggestedUnitChoiceField(label=_("new unit"), queryset=handling_units())
    reason = reason_field()
    instruction = forms.CharField(
        label=_("instruction"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_units()


class FeedbackForm(ActionForm):
    """处置反馈单."""

    outcome = forms.ChoiceField(
        label=_("outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    measures = forms.CharField(
        label=_("measures taken"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(
        label=_("photos and attachments"),
        widget=MultipleFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx,.mp4"}),
    )


class CheckForm(ActionForm):
    """核查. Cleaned data as the API's: ``passed`` and the ids in ``reopen_subtasks``."""

    RESULT_CHOICES = [("pass", _("passed")), ("fail", _("failed: rework needed"))]

    result = forms.ChoiceField(label=_("result"), choices=RESULT_CHOICES, widget=forms.RadioSelect)
    notes = forms.CharField(
        label=_("notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the check fails: say what is not done."),
    )
    reopen_subtasks = forms.ModelMultipleChoiceField(
        label=_("sub-tasks to redo"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when the check fails; none ticked means all of them."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.event.span == Span.MULTI:
            field = self.fields["reopen_subtasks"]
            field.queryset = self.event.assignments.filter(
                kind=AssignmentKind.SUBTASK, state=AssignmentState.DONE
            ).select_related("unit")
            field.label_from_instance = lambda a: str(a.unit)
        else:
            del self.fields["reopen_subtasks"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result"):
            cleaned["passed"] = cleaned["result"] == "pass"
        cleaned["reopen_subtasks"] = [a.pk for a in cleaned.get("reopen_subtasks") or ()]
        return cleaned


class RateForm(ActionForm):
    """满意度评价单 as collected by staff."""

    rating = forms.ChoiceField(
        label=_("rating"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": RATING_REFUSAL},
    )
    comment = forms.CharField(
        label=_("comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when dissatisfied."),
    )


class MergeForm(ActionForm):
    # The event is looked up by ``actions.find_event``, for the API alike.
    into = forms.CharField(label=_("number of the original event"), max_length=20)
    reason = reason_field()


class AddSubtaskForm(ActionForm):
    unit = UnitChoiceField(label=_("unit"), queryset=handling_units())
    due_at = forms.DateTimeField(
        label=_("feedback due"),
        required=False,
        widget=datetime_input(),
        help_text=_("Empty: the standard deadline."),
    )
    instruction = forms.CharField(
        label=_("instruction"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublicRatingForm(forms.Form):
    """满意度评价单 on the public tracking page."""

    rating = forms.ChoiceField(
        label=_("how satisfied are you"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": RATING_REFUSAL},
    )
    comment = forms.CharField(
        label=_("comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Please tell us what is still wrong if you are dissatisfied."),
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("tracking code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper().replace(" ", "")
