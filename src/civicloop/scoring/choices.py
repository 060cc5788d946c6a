from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActivityKind(models.TextChoices):
    """The red butler's duties beyond reporting clues (红管家履职)."""

    LAW_TALK = "law_talk", _("law-popularisation talk")
    DISPUTE_MEDIATION = "dispute_mediation", _("dispute screening and mediation")
    EMERGENCY_HELP = "emergency_help", _("emergency help")
    ENTERPRISE_VISIT = "enterprise_visit", _("enterprise visit")
    SAFETY_CHECK = "safety_check", _("safety hazard check")
    OTHER = "other", _("other activity")


class PointItem(models.TextChoices):
    """What a point entry is for. Every item but the appeal adjustment is computed from records."""

    PATROL_VISIT = "patrol_visit", _("patrol visit")
    ACTIVITY = "activity", _("activity")
    CLUE_CONFIRMED = "clue_confirmed", _("clue collected and confirmed")
    TASK_ON_TIME = "task_on_time", _("assigned work done on time")
    TASK_OVERDUE = "task_overdue", _("assigned work overdue")
    REWORK = "rework", _("returned for rework")
    RATING_SATISFIED = "rating_satisfied", _("rated satisfied")
    RATING_BASICALLY = "rating_basically", _("rated basically satisfied")
    RATING_DISSATISFIED = "rating_dissatisfied", _("rated dissatisfied")
    APPEAL_ADJUSTMENT = "appeal_adjustment", _("adjusted on appeal")


# Items the recomputation owns (creates, changes and removes); adjustments are the appeals'.
COMPUTED_ITEMS = frozenset(PointItem.values) - {PointItem.APPEAL_ADJUSTMENT}


class Grade(models.TextChoices):
    """The quarterly rating (季度评定)."""

    GOOD = "good", _("good (好)")
    FAIRLY_GOOD = "fairly_good", _("fairly good (较好)")
    AVERAGE = "average", _("average (一般)")
    POOR = "poor", _("poor (较差)")


class GradeMethod(models.TextChoices):
    THRESHOLDS = "thresholds", _("by thresholds of the total")
    SHARES = "shares", _("by shares of the ranking")


class AppealState(models.TextChoices):
    FILED = "filed", pgettext_lazy("appeal", "filed")
    UPHELD = "upheld", _("upheld")
    REJECTED = "rejected", _("rejected")


class OutcomeKind(models.TextChoices):
    RATING = "rating", _("quarterly rating")
    PROMOTION = "promotion", _("grade promotion")
    SECTION_PROMOTION = "section_promotion", _("promoted to section level")
