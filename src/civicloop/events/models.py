"""Events (民情线索/事件) and the records of their closed loop."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.crypto import EncryptedCharField
from civicloop.core.history import HistoryEntry
from civicloop.matters.models import Category
from civicloop.org.choices import GRID_ROLES, Role, UnitKind
from civicloop.org.models import Region, Unit
from civicloop.org.scope import restrict

from .choices import (
    FINISHED_STATES,
    AssignmentKind,
    AssignmentState,
    AttachmentStage,
    DeadlineStage,
    DeadlineUnit,
    EventState,
    Outcome,
    Rating,
    RatingChannel,
    Source,
    Span,
    Urgency,
)


class EventQuerySet(models.QuerySet):
    def open(self) -> EventQuerySet:
        return self.exclude(state__in=FINISHED_STATES)

    def overdue(self, at=None) -> EventQuerySet:
        at = at or timezone.now()
        return self.open().filter(deadline_at__lt=at)

    def in_region(self, region: Region) -> EventQuerySet:
        return self.filter(region__code__startswith=region.prefix)

    def needing_action_by(self, user) -> EventQuerySet:
        """The user's work queue: events where the workflow offers them a next step.

        Mirrors ``permissions.capacities`` (same posts, same places) so that the
        queue shows exactly the events whose detail page will offer an action.
        """

        if not getattr(user, "is_authenticated", False):
            return self.none()
        q = Q(pk__in=[])
        posts = user.cached_posts()
        unit_ids = [p.unit_id for p in posts]
        for post in posts:
            prefix = post.unit.region.prefix
            if post.role == Role.CENTRE_OPERATOR and post.unit.kind == UnitKind.COUNTY_CENTRE:
                q |= Q(
                    span=Span.MULTI,
                    state__in=[EventState.JUDGED, EventState.FEEDBACK_SUBMITTED, EventState.RATED],
                )
                q |= Q(
                    state=EventState.COLLECTED,
                    region__code__startswith=prefix,
                    escalation_level__gt=0,
                )
            elif post.role == Role.DISPATCHER and post.unit.kind == UnitKind.COMMAND_ROOM:
                q |= Q(region__code__startswith=prefix) & (
                    Q(
                        state__in=[
                            EventState.COLLECTED,
                            EventState.FEEDBACK_SUBMITTED,
                            EventState.RATED,
                        ]
                    )
                    | Q(state=EventState.JUDGED) & ~Q(span=Span.MULTI)
                )
            elif post.role in GRID_ROLES or post.role == Role.STATION_STAFF:
                q |= Q(region__code__startswith=prefix, state=EventState.CHECKED)
        if unit_ids:
            lead_open = Assignment.objects.filter(
                event=OuterRef("pk"),
                unit_id__in=unit_ids,
                kind="lead",
                state__in=["issued", "accepted"],
            )
            sub_open = Assignment.objects.filter(
                event=OuterRef("pk"),
                unit_id__in=unit_ids,
                kind="subtask",
                state__in=["issued", "accepted"],
            )
            q |= Q(
                Exists(lead_open),
                state__in=[EventState.DISPATCHED, EventState.ACCEPTED, EventState.HANDLING],
            )
            q |= Q(Exists(sub_open))
        return self.filter(q)

    def visible_to(self, user) -> EventQuerySet:
        return restrict(
            self,
            user,
            region_code="region__code",
            units=lambda unit_ids: Q(
                Exists(Assignment.objects.filter(event=OuterRef("pk"), unit_id__in=unit_ids))
            ),
            owner="reported_by",
        )


def new_tracking_code() -> str:
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Event(models.Model):
    """A complaint, clue or patrol finding moving through the closed loop (事件).

    The lifecycle is the state machine in ``workflow.py``; every change goes
    through ``services.py`` and leaves an :class:`EventHistory` row.
    """

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    tracking_code = models.CharField(
        _("tracking code"),
        max_length=12,
        unique=True,
        default=new_tracking_code,
        editable=False,
        help_text=_("Given to the reporter to follow and rate the event on the public page."),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    # The enforcement matter (执法事项) found at judgement; routing then asks whether the
    # town holds it on the event's date (matters app, differentiated empowerment).
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("enforcement matter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="events"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude (GCJ-02)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (GCJ-02)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_events",
    )
    # Personal data of the reporter: shown masked; see privacy/.
    reporter_name = models.CharField(_("reporter name"), max_length=60, blank=True)
    # Encrypted at rest (core/crypto.py): read whole, never searched.
    reporter_phone = EncryptedCharField(_("reporter phone"), max_length=20, blank=True)
    reporter_id_number = EncryptedCharField(_("reporter ID number"), max_length=18, blank=True)
    reporter_address = models.CharField(_("reporter address"), max_length=200, blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous to the public"),
        default=False,
        help_text=_("The reporter's identity never appears on public pages or feeds."),
    )

    state = models.CharField(
        _("state"),
        max_length=20,
        choices=EventState.choices,
        default=EventState.COLLECTED,
        db_index=True,
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True)
    span = models.CharField(_("span"), max_length=10, choices=Span.choices, blank=True)
    grading_reason = models.TextField(_("grading reason"), blank=True)
    deadline_at = models.DateTimeField(_("current deadline"), null=True, blank=True, db_index=True)
    escalated_deadline_at = models.DateTimeField(
        _("deadline last escalated"),
        null=True,
        blank=True,
        help_text=_("So that one missed deadline is escalated once, not at every sweep."),
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["state", "deadline_at"], name="event_state_deadline"),
            # A place's events of a period (figures of a town or a village, their ranking):
            # chosen from EXPLAIN on a simulated province (docs/benchmarks.md).
            models.Index(fields=["region", "reported_at"], name="event_region_reported"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state not in FINISHED_STATES

    def is_overdue(self, at=None) -> bool:
        at = at or timezone.now()
        return self.is_open and self.deadline_at is not None and self.deadline_at < at

    @property
    def town(self) -> Region | None:
        return self.region.town

    def lead_assignment(self) -> Assignment | None:
        return (
            self.assignments.filter(kind=AssignmentKind.LEAD)
            .exclude(state__in=[AssignmentState.RETURNED, AssignmentState.CANCELLED])
            .order_by("-issued_at", "-id")
            .first()
        )

    def live_subtasks(self):
        return self.assignments.filter(kind=AssignmentKind.SUBTASK).exclude(
            state__in=[AssignmentState.RETURNED, AssignmentState.CANCELLED]
        )

    def latest_rating(self) -> EventRating | None:
        return self.ratings.order_by("-rated_at", "-id").first()


class AssignmentQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(state__in=[AssignmentState.RETURNED, AssignmentState.CANCELLED])

    def open(self):
        return self.filter(state__in=[AssignmentState.ISSUED, AssignmentState.ACCEPTED])


class Assignment(models.Model):
    """Work given to a unit for an event (派遣记录): the lead unit, an assisting unit,
    or one sub-task of a county coordination order (协同处置指令), each with its own
    deadlines and feedback."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AssignmentKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=AssignmentState.choices, default=AssignmentState.ISSUED
    )
    instruction = models.TextField(_("instruction"), blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    due_at = models.DateTimeField(_("feedback due"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    return_reason = models.TextField(_("return reason"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["issued_at", "id"]
        indexes = [models.Index(fields=["unit", "state"], name="assignment_unit_state")]

    def __str__(self) -> str:
        return f"{self.event.number} → {self.unit}"

    def is_overdue(self, at=None) -> bool:
        at = at or timezone.now()
        if self.state == AssignmentState.ISSUED and self.accept_due_at and self.accept_due_at < at:
            return True
        return (
            self.state in (AssignmentState.ISSUED, AssignmentState.ACCEPTED)
            and self.due_at is not None
            and self.due_at < at
        )


class Feedback(models.Model):
    """The disposal feedback form (处置反馈单) a handling unit submits."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="feedbacks"
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="feedbacks"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    measures = models.TextField(_("measures taken"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback form")
        verbose_name_plural = _("feedback forms")
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.event.number} {self.get_outcome_display()}"


class Check(models.Model):
    """An independent check (核查) of the handling before the event can close."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="checks"
    )
    passed = models.BooleanField(_("passed"))
    notes = models.TextField(_("notes"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"{self.event.number} {'✓' if self.passed else '✗'}"


class EventRating(models.Model):
    """The satisfaction evaluation form (满意度评价单), by the reporter or collected by staff."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="ratings"
    )
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["rated_at", "id"]

    def __str__(self) -> str:
        return f"{self.event.number} {self.get_rating_display()}"


class Attachment(models.Model):
    """A photo or document attached at intake or with feedback; served only through a scoped view."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="attachments"
    )
    feedback = models.ForeignKey(
        Feedback,
        verbose_name=_("feedback form"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=AttachmentStage.choices)
    file = models.FileField(_("file"), upload_to="attachments/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class EventHistory(HistoryEntry):
    """One row per change to an event: the complete, immutable timeline (事件流转记录)."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("event history entry")
        verbose_name_plural = _("event history")
        indexes = [models.Index(fields=["event", "at"], name="event_history_event_at")]


class DeadlineRule(models.Model):
    """How long a stage may take, per urgency and span (configurable by the county).

    An empty urgency or span matches any; the most specific rule wins.
    """

    stage = models.CharField(_("stage"), max_length=10, choices=DeadlineStage.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True)
    span = models.CharField(_("span"), max_length=10, choices=Span.choices, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=6, decimal_places=2)
    unit = models.CharField(_("counted in"), max_length=20, choices=DeadlineUnit.choices)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["stage", "urgency", "span"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "urgency", "span"], name="events_deadline_rule_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="events_deadline_rule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.urgency or '*'}/{self.span or '*'}: {self.amount} {self.get_unit_display()}"
