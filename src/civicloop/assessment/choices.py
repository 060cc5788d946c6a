"""Choices of the third-party assessment (一镇一评估)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AssessmentState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assessment", "draft")
    SUBMITTED = "submitted", pgettext_lazy("assessment", "submitted")


class Dimension(models.TextChoices):
    """The seven dimensions of the third-party assessment (一镇一评估)."""

    SYSTEMS = "systems", _("system building")
    ORGANISATION = "organisation", _("organisation and operation")
    SUPERVISION = "supervision", _("supervision and inspection")
    CASES = "cases", _("penalty case handling")
    LEGAL_REVIEW = "legal_review", _("legal review")
    EFFECT = "effect", _("implementation effect")
    SATISFACTION = "satisfaction", _("public satisfaction")


# Default weights (they add up to 100); a round may set its own.
DEFAULT_WEIGHTS: dict[str, int] = {
    Dimension.SYSTEMS: 10,
    Dimension.ORGANISATION: 10,
    Dimension.SUPERVISION: 15,
    Dimension.CASES: 20,
    Dimension.LEGAL_REVIEW: 15,
    Dimension.EFFECT: 15,
    Dimension.SATISFACTION: 15,
}


class SuggestionKind(models.TextChoices):
    GRANT = "grant", _("grant")
    WITHDRAW = "withdraw", _("withdraw")
