from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class PartyType(models.TextChoices):
    """Whom a statutory range applies to (parties.Party.kind, or either)."""

    PERSON = "person", pgettext_lazy("statutory range", "individual")
    ORGANISATION = "organisation", pgettext_lazy("statutory range", "organisation")
    ANY = "any", _("any party")


class BaseKind(models.TextChoices):
    """What a fine stated as a multiple or percentage is of."""

    ILLEGAL_INCOME = "illegal_income", _("illegal income")
    TOTAL_INVESTMENT = "total_investment", _("total investment")
    GOODS_VALUE = "goods_value", _("value of the goods")
    DISPOSAL_COST = "disposal_cost", _("cost of disposal")
    OTHER = "other", _("other base")
