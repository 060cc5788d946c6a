"""Read serializers of events: list rows, the detail with its loop records, history.

Personal data of the reporter is masked here (脱敏); the unmasked values are only
given by the contact endpoint, through ``services.reveal_reporter`` which logs.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from civicloop.events import permissions
from civicloop.events.choices import AssignmentKind, EventState
from civicloop.events.models import (
    Assignment,
    Attachment,
    Check,
    Event,
    EventHistory,
    EventRating,
    Feedback,
)
from civicloop.events.routing import event_date
from civicloop.events.timeline import action_label
from civicloop.events.workflow import ASSIGNMENT_WORKFLOW
from civicloop.matters.api.serializers import MatterVersionSerializer
from civicloop.matters.models import Category
from civicloop.org.api.serializers import (
    RegionBriefSerializer,
    UnitBriefSerializer,
    UserBriefSerializer,
)
from civicloop.privacy import masking

from .extensions import detail_fields


class EventMatterSerializer(serializers.Serializer):
    """The matter an event was judged under, with the version in force on the event's date."""

    code = serializers.CharField()
    name = serializers.CharField()
    version = MatterVersionSerializer(allow_null=True)


def event_matter(event) -> dict | None:
    """For the event serializers: the matter and its wording on the event's date."""
    if not event.matter_id:
        return None
    matter = event.matter
    version = matter.current_version(event_date(event))
    return {
        "code": matter.code,
        "name": version.name if version else matter.name,
        "version": MatterVersionSerializer(version).data if version else None,
    }


def history_label(action: str) -> str:
    return str(action_label(action))


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = UnitBriefSerializer(
        read_only=True, help_text=_("The county department owning it.")
    )

    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "parent",
            "handling_level",
            "department",
            "town_may_handle",
            "is_active",
            "position",
        ]


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name"]


class EventBriefSerializer(serializers.ModelSerializer):
    """Another event named from this one (its original, its duplicates)."""

    class Meta:
        model = Event
        fields = ["id", "number", "state"]


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField(
        help_text=_("Download address (needs the same sign-in).")
    )

    class Meta:
        model = Attachment
        fields = ["id", "stage", "name", "content_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, attachment) -> str:
        path = reverse("api-attachment", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AssignmentSerializer(serializers.ModelSerializer):
    """Work given to a unit: the lead, an assisting unit, or a coordination sub-task."""

    unit = UnitBriefSerializer(read_only=True)
    issued_by = UserBriefSerializer(read_only=True)
    accepted_by = UserBriefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text=_(
            "Sub-task transitions you may take now (empty for lead and assisting units, "
            "whose work moves with the event's own actions)."
        )
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "event",
            "kind",
            "state",
            "state_label",
            "unit",
            "instruction",
            "issued_at",
            "issued_by",
            "accept_due_at",
            "due_at",
            "accepted_at",
            "accepted_by",
            "done_at",
            "return_reason",
            "is_overdue",
            "allowed_actions",
        ]

    def get_is_overdue(self, assignment) -> bool:
        return assignment.is_overdue()

    def get_allowed_actions(self, assignment) -> list[str]:
        if assignment.kind != AssignmentKind.SUBTASK:
            return []
        caps = permissions.assignment_capacities(_user(self.context), assignment)
        return [
            t.name for t in ASSIGNMENT_WORKFLOW.allowed(state=assignment.state, capacities=caps)
        ]


class FeedbackSerializer(serializers.ModelSerializer):
    """A disposal feedback form (处置反馈单)."""

    unit = UnitBriefSerializer(source="assignment.unit", read_only=True)
    submitted_by = UserBriefSerializer(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "assignment",
            "unit",
            "outcome",
            "measures",
            "submitted_by",
            "submitted_at",
            "attachments",
        ]


class CheckSerializer(serializers.ModelSerializer):
    checked_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = Check
        fields = ["id", "passed", "notes", "checked_by", "checked_at"]


class RatingSerializer(serializers.ModelSerializer):
    """A satisfaction evaluation (满意度评价单)."""

    rated_by = UserBriefSerializer(
        read_only=True,
        help_text=_("Staff who collected it; empty when the reporter rated on the public page."),
    )

    class Meta:
        model = EventRating
        fields = ["id", "rating", "comment", "channel", "rated_by", "rated_at"]


class MaskedReporterSerializer(serializers.Serializer):
    """The reporter's personal data, masked (脱敏). See ``GET /api/events/{id}/contact/``."""

    name = serializers.CharField()
    phone = serializers.CharField()
    id_number = serializers.CharField()
    address = serializers.CharField()


class ContactSerializer(serializers.Serializer):
    """The reporter's unmasked contact details; every view is logged."""

    reporter_name = serializers.CharField()
    reporter_phone = serializers.CharField()
    reporter_id_number = serializers.CharField()
    reporter_address = serializers.CharField()


class EventListSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    category = CategoryBriefSerializer(read_only=True)
    region = RegionBriefSerializer(read_only=True)
    merged_into = EventBriefSerializer(read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "number",
            "title",
            "state",
            "state_label",
            "source",
            "category",
            "region",
            "address",
            "urgency",
            "span",
            "occurred_at",
            "reported_at",
            "deadline_at",
            "is_overdue",
            "escalation_level",
            "merged_into",
            "closed_at",
        ]

    def get_is_overdue(self, event) -> bool:
        return event.is_overdue()


class EventDetailSerializer(EventListSerializer):
    reported_by = UserBriefSerializer(read_only=True)
    reporter = serializers.SerializerMethodField()
    tracking_code = serializers.SerializerMethodField(
        help_text=_("Shown only to the person who recorded the event, to pass on to the reporter.")
    )
    town = serializers.SerializerMethodField()
    duplicates = EventBriefSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()
    assignments = AssignmentSerializer(many=True, read_only=True)
    feedbacks = FeedbackSerializer(many=True, read_only=True)
    checks = CheckSerializer(many=True, read_only=True)
    ratings = RatingSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text=_(
            "Transitions of the event workflow you may take now; each is "
            "`POST /api/events/{id}/<name with - for _>/`."
        )
    )
    contact_visible = serializers.SerializerMethodField(
        help_text=_("Whether you may read the unmasked contact (the read is logged).")
    )
    matter = serializers.SerializerMethodField(
        help_text=_(
            "The enforcement matter named at judgement, with its legal basis as worded on the "
            "event's date."
        )
    )

    class Meta(EventListSerializer.Meta):
        fields = [
            *EventListSerializer.Meta.fields,
            "description",
            "tracking_code",
            "town",
            "latitude",
            "longitude",
            "reported_by",
            "reporter",
            "is_anonymous",
            "grading_reason",
            "updated_at",
            "duplicates",
            "attachments",
            "assignments",
            "feedbacks",
            "checks",
            "ratings",
            "allowed_actions",
            "contact_visible",
            "matter",
        ]

    def get_fields(self):
        # Fields other apps add (``extensions.detail_fields``: the routing suggestion…).
        fields = super().get_fields()
        for name, make_field in detail_fields.items():
            fields[name] = make_field()
        return fields

    @extend_schema_field(MaskedReporterSerializer)
    def get_reporter(self, event) -> dict:
        return {
            "name": masking.mask_name(event.reporter_name),
            "phone": masking.mask_phone(event.reporter_phone),
            "id_number": masking.mask_id_number(event.reporter_id_number),
            "address": masking.mask_address(event.reporter_address),
        }

    def get_tracking_code(self, event) -> str | None:
        user = _user(self.context)
        if (
            user is not None
            and event.reported_by_id is not None
            and event.reported_by_id == user.pk
        ):
            return event.tracking_code
        return None

    @extend_schema_field(RegionBriefSerializer(allow_null=True))
    def get_town(self, event):
        town = event.region.town
        return RegionBriefSerializer(town).data if town else None

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, event):
        intake = [a for a in event.attachments.all() if a.feedback_id is None]
        return AttachmentSerializer(intake, many=True, context=self.context).data

    def get_allowed_actions(self, event) -> list[str]:
        return [t.name for t in permissions.event_actions(_user(self.context), event)]

    def get_contact_visible(self, event) -> bool:
        return permissions.may_see_contact(_user(self.context), event)

    @extend_schema_field(EventMatterSerializer(allow_null=True))
    def get_matter(self, event):
        return event_matter(event)


class HistorySerializer(serializers.ModelSerializer):
    """One row of the event's timeline (事件流转记录)."""

    actor = UserBriefSerializer(
        read_only=True, help_text=_("Empty when the system or the public acted.")
    )
    action_label = serializers.SerializerMethodField()

    class Meta:
        model = EventHistory
        fields = [
            "id",
            "at",
            "action",
            "action_label",
            "from_state",
            "to_state",
            "actor",
            "reason",
            "details",
        ]

    def get_action_label(self, row) -> str:
        return history_label(row.action)


# --- public (no sign-in) ---------------------------------------------------------


class PublicTimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=EventState.choices)
    state_label = serializers.CharField()
    unit = serializers.CharField(
        allow_null=True, help_text=_("The unit that moved it, where one did.")
    )


class PublicOriginalSerializer(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=EventState.choices)
    state_label = serializers.CharField()


class PublicTrackSerializer(serializers.Serializer):
    """What the reporter sees with the tracking code: no staff names, no personal data."""

    number = serializers.CharField()
    category = serializers.CharField(allow_null=True)
    place = serializers.CharField()
    reported_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=EventState.choices)
    state_label = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    may_rate = serializers.BooleanField(help_text=_("Whether the event now waits for your rating."))
    rating = serializers.CharField(allow_null=True, help_text=_("The latest satisfaction rating."))
    original = PublicOriginalSerializer(
        allow_null=True,
        help_text=_("When your report was merged into another one, that one's progress."),
    )
    timeline = PublicTimelineEntrySerializer(many=True)


class PublicReceiptSerializer(serializers.Serializer):
    number = serializers.CharField()
    tracking_code = serializers.CharField(help_text=_("Keep it to follow and rate your report."))
    state = serializers.ChoiceField(choices=EventState.choices)
    state_label = serializers.CharField()
