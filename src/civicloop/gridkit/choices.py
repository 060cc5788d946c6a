from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Part(models.TextChoices):
    """The four parts of a grid's toolkit (一卡两图三清单)."""

    CARD = "card", _("card of common enforcement matters")
    MAP = "map", _("map of enforcement staff")
    FLOWCHART = "flowchart", _("disposal flowchart")
    FORMS = "forms", _("three forms")


class FormKind(models.TextChoices):
    """The three forms (三清单)."""

    COLLECTION = "collection", _("collection form")
    FEEDBACK = "feedback", _("feedback form")
    SATISFACTION = "satisfaction", _("satisfaction evaluation form")


class CardBasis(models.TextChoices):
    """Whose events the card counts: the grid's own, else its village's, else its town's."""

    GRID = "grid", _("this grid")
    VILLAGE = "village", _("the village / community")
    TOWN = "town", _("the town / street")


class ItemKind(models.TextChoices):
    MATTER = "matter", _("enforcement matter")
    CATEGORY = "category", _("category without a matter")
    NONE = "none", _("other matters (no category)")


class HandlerRule(models.TextChoices):
    """Why a unit handles a general event of a matter class (the routing rule that applied)."""

    TOWN_HOLDS = (
        "town_holds",
        _("the town holds the power today (empowerment): its enforcement squad handles"),
    )
    COUNTY_DEPARTMENT = (
        "county_department",
        _("not held by the town: the owning county department handles"),
    )
    VILLAGE_STATION = (
        "village_station",
        _("village-level matter: the village liaison station handles"),
    )
    UNRESOLVED = "unresolved", _("no unit found by the rules: the command room chooses one")


class Scenario(models.TextChoices):
    """The three gradings that route an event differently (分类分级)."""

    GENERAL = "general", pgettext_lazy("urgency", "general")
    URGENT = "urgent", _("urgent")
    MULTI = "multi", _("multi-span")
