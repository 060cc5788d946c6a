"""Request serializers of the event API: what the API accepts, one small serializer per action.

They check the *shape* of the input (types, choices, references to objects by code) with
the keys of the web forms, and hand it to the same action as the pages
(``events.actions``); what is allowed, by whom and when is decided by the service function
each action calls. Whether a reason is required comes from the workflow table, so the
documentation says so too. (What the API answers is in ``serializers.py``.)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from civicloop.core.api import REQUIRED_TEXT
from civicloop.core.workflow import StateMachine
from civicloop.events.choices import RATING_REFUSAL, Outcome, Rating, Source, Span, Urgency
from civicloop.events.workflow import ASSIGNMENT_WORKFLOW, EVENT_WORKFLOW
from civicloop.matters.models import Category, Matter
from civicloop.org.models import Region, Unit


def reason_field(name: str, workflow: StateMachine = EVENT_WORKFLOW) -> serializers.CharField:
    if workflow[name].reason_required:
        return serializers.CharField(help_text=_("Why (required)."), error_messages=REQUIRED_TEXT)
    return serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Why (optional).")
    )


def unit_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        help_text=_("Unit code, e.g. 330424001-squad or dept-scjg (see /api/units/)."),
        **kwargs,
    )


def category_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.all(),
        help_text=_("Category code (see /api/categories/)."),
        **kwargs,
    )


def attachments_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("Photos or documents (multipart/form-data; repeat the field for several)."),
    )


class EventCreateSerializer(serializers.Serializer):
    """A collection form (民情收集单). Give a region, a map point, or an address naming the place."""

    source = serializers.ChoiceField(choices=Source.choices)
    description = serializers.CharField(error_messages=REQUIRED_TEXT)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    category = category_field(required=False, allow_null=True, default=None)
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Division code of the grid, village or town (see /api/regions/)."),
    )
    latitude = serializers.FloatField(required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(required=False, allow_null=True, default=None)
    datum = serializers.ChoiceField(
        choices=[("wgs84", "WGS-84"), ("gcj02", "GCJ-02")],
        default="wgs84",
        help_text=_(
            "wgs84 for GPS positions (phones, Open311), gcj02 for points picked on Chinese maps."
        ),
    )
    address = serializers.CharField(required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reporter_name = serializers.CharField(required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(required=False, allow_blank=True, default="")
    reporter_id_number = serializers.CharField(required=False, allow_blank=True, default="")
    reporter_address = serializers.CharField(required=False, allow_blank=True, default="")
    is_anonymous = serializers.BooleanField(
        required=False, default=False, help_text=_("Keep the reporter's identity off public pages.")
    )
    attachments = attachments_field()


class PublicReportSerializer(serializers.Serializer):
    """A report by a member of the public (no account needed)."""

    description = serializers.CharField(error_messages=REQUIRED_TEXT)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    category = category_field(required=False, allow_null=True, default=None)
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Division code of the grid, village or town, if known."),
    )
    latitude = serializers.FloatField(required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(required=False, allow_null=True, default=None)
    datum = serializers.ChoiceField(
        choices=[("wgs84", "WGS-84"), ("gcj02", "GCJ-02")], default="wgs84"
    )
    address = serializers.CharField(required=False, allow_blank=True, default="")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reporter_name = serializers.CharField(required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("So that staff can call back; never shown publicly."),
    )
    is_anonymous = serializers.BooleanField(required=False, default=False)
    attachments = attachments_field()


class JudgeActionSerializer(serializers.Serializer):
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    span = serializers.ChoiceField(choices=Span.choices)
    category = category_field(required=False, allow_null=True, default=None)
    matter = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Matter.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Enforcement matter code (see /api/matters/); its category becomes the event's."
        ),
    )
    reason = reason_field("judge")


class SubtaskSpecSerializer(serializers.Serializer):
    unit = unit_field()
    instruction = serializers.CharField(required=False, allow_blank=True, default="")
    due_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Own deadline; by default from the deadline rules."),
    )


class DispatchActionSerializer(serializers.Serializer):
    unit = unit_field(required=False, allow_null=True, default=None)
    instruction = serializers.CharField(required=False, allow_blank=True, default="")
    subtasks = SubtaskSpecSerializer(
        many=True,
        required=False,
        default=list,
        help_text=_("Multi-span events only: the coordination order's sub-tasks (county centre)."),
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when the unit differs from the one the routing rules suggest."),
    )


class ReturnActionSerializer(serializers.Serializer):
    reason = reason_field("return")


class RedispatchActionSerializer(serializers.Serializer):
    unit = unit_field()
    instruction = serializers.CharField(required=False, allow_blank=True, default="")
    reason = reason_field("redispatch")


class SubmitFeedbackActionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    measures = serializers.CharField(error_messages=REQUIRED_TEXT)
    attachments = attachments_field()


class CheckActionSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when the check fails: what is not done."),
    )
    reopen_subtasks = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Coordination orders: ids of the sub-tasks to redo (default: all done ones)."),
    )


class RateActionSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Rating.choices, error_messages={"invalid_choice": RATING_REFUSAL}
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Required when dissatisfied.")
    )


class ReworkActionSerializer(serializers.Serializer):
    reason = reason_field("rework")


class CloseActionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when the reporter has not rated or was dissatisfied."),
    )


class ParkActionSerializer(serializers.Serializer):
    reason = reason_field("park")


class ResumeActionSerializer(serializers.Serializer):
    reason = reason_field("resume")


class VoidActionSerializer(serializers.Serializer):
    reason = reason_field("void")


class MergeActionSerializer(serializers.Serializer):
    into = serializers.CharField(
        help_text=_("The original: its number (E…) or id."), error_messages=REQUIRED_TEXT
    )
    reason = reason_field("merge")


class EscalateActionSerializer(serializers.Serializer):
    reason = reason_field("escalate")


class AddSubtaskActionSerializer(serializers.Serializer):
    unit = unit_field()
    instruction = serializers.CharField(required=False, allow_blank=True, default="")
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReturnSubtaskActionSerializer(serializers.Serializer):
    reason = reason_field("return_subtask", ASSIGNMENT_WORKFLOW)


class CompleteSubtaskActionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    measures = serializers.CharField(error_messages=REQUIRED_TEXT)
    attachments = attachments_field()


class CancelSubtaskActionSerializer(serializers.Serializer):
    reason = reason_field("cancel_subtask", ASSIGNMENT_WORKFLOW)


class PublicRateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Rating.choices, error_messages={"invalid_choice": RATING_REFUSAL}
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when dissatisfied: what is still wrong."),
    )


# The request of each transition's endpoint (None: nothing to send).
EVENT_ACTION_SERIALIZERS: dict[str, type[serializers.Serializer] | None] = {
    "judge": JudgeActionSerializer,
    "dispatch": DispatchActionSerializer,
    "redispatch": RedispatchActionSerializer,
    "accept": None,
    "return": ReturnActionSerializer,
    "start": None,
    "submit_feedback": SubmitFeedbackActionSerializer,
    "check": CheckActionSerializer,
    "rate": RateActionSerializer,
    "rework": ReworkActionSerializer,
    "close": CloseActionSerializer,
    "park": ParkActionSerializer,
    "resume": ResumeActionSerializer,
    "void": VoidActionSerializer,
    "merge": MergeActionSerializer,
    "escalate": EscalateActionSerializer,
}

SUBTASK_ACTION_SERIALIZERS: dict[str, type[serializers.Serializer] | None] = {
    "accept_subtask": None,
    "return_subtask": ReturnSubtaskActionSerializer,
    "complete_subtask": CompleteSubtaskActionSerializer,
    "cancel_subtask": CancelSubtaskActionSerializer,
}
