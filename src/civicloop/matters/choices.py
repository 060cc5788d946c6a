from django.db import models
from django.utils.translation import gettext_lazy as _


class GrantKind(models.TextChoices):
    """基础 + 特色: the base list every town holds, and a town's own additions."""

    BASE = "base", _("base")
    CHARACTERISTIC = "characteristic", _("characteristic")


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class HandlingLevel(models.TextChoices):
    """Who handles general events of a category: the village/community or the town."""

    VILLAGE = "village", _("village / community")
    TOWN = "town", _("town / street")
