"""Routing models (分拨模型) and the suggestions they made (分拨建议)."""

from __future__ import annotations

import hashlib
import json
import zlib

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from civicloop.events.models import Event, EventHistory
from civicloop.matters.models import Category
from civicloop.org.models import Unit

from .choices import ModelSource


class RouterModelQuerySet(models.QuerySet):
    def active(self) -> RouterModelQuerySet:
        return self.filter(is_active=True)

    def newest(self) -> RouterModel | None:
        return self.active().order_by("-trained_at", "-id").first()


class RouterModel(models.Model):
    """A trained routing model (智能分拨模型): what it was trained on, how well it did
    in cross-validation, and whether it is in use.

    The fitted scikit-learn pipeline itself is a cache under ``VAR_DIR/router/``;
    it is rebuilt deterministically from ``training_data`` (or, for the starter,
    from the shipped CSV) when missing or written by another scikit-learn version.
    """

    version = models.CharField(_("version"), max_length=80, unique=True)
    source = models.CharField(_("trained on"), max_length=20, choices=ModelSource.choices)
    source_detail = models.CharField(_("training data"), max_length=300, blank=True)
    trained_at = models.DateTimeField(_("trained at"))
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trained by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    labels = models.JSONField(_("labels"), default=list)
    label_counts = models.JSONField(_("texts per label"), default=dict)
    n_samples = models.PositiveIntegerField(_("training texts"), default=0)
    metrics = models.JSONField(
        _("cross-validation"),
        default=dict,
        blank=True,
        help_text=_(
            "Accuracy, macro-F1 and per-label scores of stratified k-fold cross-validation."
        ),
    )
    recipe = models.JSONField(_("features and classifier"), default=dict)
    training_seconds = models.FloatField(_("training time (s)"), default=0)
    sklearn_version = models.CharField(_("scikit-learn version"), max_length=20, blank=True)
    data_sha256 = models.CharField(_("data fingerprint"), max_length=64, blank=True)
    training_data = models.BinaryField(
        _("training texts"),
        blank=True,
        default=b"",
        editable=False,
        help_text=_("Compressed texts and labels, to rebuild the model after an upgrade."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("The newest active model makes the suggestions.")
    )

    objects = RouterModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("routing model")
        verbose_name_plural = _("routing models")
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return self.version

    # The training texts travel with the row (compressed JSON), not as a pickle.
    def set_training_data(
        self,
        texts: list[str],
        labels: list[str],
        weights: list[float],
        weak: tuple[list[str], list[str]] | None = None,
    ) -> None:
        data = {"texts": texts, "labels": labels, "weights": weights}
        if weak is not None:
            data["weak"] = {"texts": weak[0], "labels": weak[1]}
        payload = json.dumps(data, ensure_ascii=False)
        self.training_data = zlib.compress(payload.encode("utf-8"), 6)
        self.data_sha256 = hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def get_training_data(self) -> dict | None:
        if not self.training_data:
            return None
        return json.loads(zlib.decompress(bytes(self.training_data)).decode("utf-8"))


class RoutingSuggestionQuerySet(models.QuerySet):
    def latest_for(self, event) -> RoutingSuggestion | None:
        """The suggestion last recorded for ``event`` (no model is run)."""
        return (
            self.filter(event=event)
            .select_related("model", "category", "department")
            .order_by("-created_at", "-id")
            .first()
        )

    def judged(self) -> RoutingSuggestionQuerySet:
        """Suggestions for events that have since been judged (the dispatcher chose)."""
        judged = EventHistory.objects.filter(
            event=OuterRef("event"), action="judge", at__gte=OuterRef("created_at")
        )
        return self.filter(Exists(judged))

    def with_outcome(self) -> RoutingSuggestionQuerySet:
        """Whether the dispatcher's final category (``Event.category`` after judgement)
        is the suggested one, and whether its department is the suggested one.

        Acceptance is computed from the event, never stored twice."""
        return self.annotate(
            accepted=models.ExpressionWrapper(
                Q(category__isnull=False) & Q(category_id=F("event__category_id")),
                output_field=models.BooleanField(),
            ),
            department_matched=models.ExpressionWrapper(
                Q(department__isnull=False) & Q(department_id=F("event__category__department_id")),
                output_field=models.BooleanField(),
            ),
        )


class RoutingSuggestion(models.Model):
    """A routing suggestion (分拨建议) as shown to a dispatcher at judgement: the
    label with its confidence, the category and the department it stands for, and
    the alternatives. Kept so that acceptance can be measured against the
    dispatcher's final choice."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="routing_suggestions"
    )
    model = models.ForeignKey(
        RouterModel,
        verbose_name=_("routing model"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    label = models.CharField(_("label"), max_length=80)
    category = models.ForeignKey(
        Category,
        verbose_name=_("suggested category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        Unit,
        verbose_name=_("responsible department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # As the label mapping names them, also when the unit is not in the organisation.
    department_code = models.CharField(_("department code"), max_length=40, blank=True)
    department_name = models.CharField(_("department name"), max_length=100, blank=True)
    confidence = models.FloatField(_("confidence"))
    keyword = models.CharField(
        _("keyword"),
        max_length=40,
        blank=True,
        help_text=_("The word of the report that chose the category (category_map.csv)."),
    )
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)
    created_at = models.DateTimeField(_("suggested at"), auto_now_add=True, db_index=True)
    shown_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shown to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RoutingSuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("routing suggestion")
        verbose_name_plural = _("routing suggestions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.label} ({self.confidence:.0%})"
