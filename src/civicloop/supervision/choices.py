from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupLevel(models.TextChoices):
    COUNTY = "county", _("county")
    TOWN = "town", _("town / street")


class VisitKind(models.TextChoices):
    FIELD = "field", _("field visit (实地督导)")
    STUDY = "study", _("study visit (学习考察)")


class ActionItemState(models.TextChoices):
    OPEN = "open", _("open")
    OVERDUE = "overdue", _("overdue")
    DONE = "done", _("done")


class SummonsState(models.TextChoices):
    SUGGESTED = "suggested", _("suggested")
    SCHEDULED = "scheduled", _("scheduled")
    HELD = "held", _("held")
    IMPROVED = "improved", _("followed up: improved")
    NOT_IMPROVED = "not_improved", _("followed up: not improved")
    DISMISSED = "dismissed", _("dismissed")


OPEN_SUMMONS_STATES = (SummonsState.SUGGESTED, SummonsState.SCHEDULED)
FOLLOWED_UP_STATES = (SummonsState.IMPROVED, SummonsState.NOT_IMPROVED)


class SummonsRule(models.TextChoices):
    """Why a 约谈 is suggested (the thresholds are in ``conf.py``)."""

    BLACK_LIST_RUNNING = "black_list_running", _("on the black list months running")
    REPEATED_RETURNS = "repeated_returns", _("returned the same event repeatedly (推诿扯皮)")
    OVERDUE_RATE = "overdue_rate", _("overdue rate above the threshold")
    RECORDED = "recorded", _("recorded by a leader")


class ListKind(models.TextChoices):
    RED = "red", _("red list")
    BLACK = "black", _("black list")
