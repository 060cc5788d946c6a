"""Choice sets of the hotspots app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningState(models.TextChoices):
    OPEN = "open", _("open")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    CLOSED = "closed", _("closed")


LIVE_WARNING_STATES = (WarningState.OPEN, WarningState.ACKNOWLEDGED)


class Dimension(models.TextChoices):
    """What events are counted by: their category (事件类别) or enforcement matter (执法事项)."""

    CATEGORY = "category", _("category")
    MATTER = "matter", _("enforcement matter")


class Period(models.TextChoices):
    DAY = "day", _("day")
    WEEK = "week", _("week")
    MONTH = "month", _("month")


class PlaceMatch(models.TextChoices):
    """Why two events count as being at the same place."""

    GRID = "grid", _("same grid")
    VILLAGE = "village", _("same village / community")
    TOWN = "town", _("same town (no finer place known)")
    NEARBY = "nearby", _("close to each other")
