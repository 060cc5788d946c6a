"""Choices of the discretion app (裁量基准)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyType(models.TextChoices):
    """Whom a statutory range or a benchmark item applies to (个人 / 单位 / 不分)."""

    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")
    ANY = "any", _("any party")


class BenchmarkStatus(models.TextChoices):
    STARTER = "starter", _("starter (generated from a stated rule, not yet adopted)")
    ADOPTED = "adopted", _("adopted")
    REPEALED = "repealed", _("repealed")


class IssuerLevel(models.TextChoices):
    """Level of the body that issued a benchmark: a lower body may narrow, never widen."""

    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    COUNTY = "county", _("county")
    TOWN = "town", _("town")


LEVEL_RANK = {
    IssuerLevel.PROVINCE: 0,
    IssuerLevel.CITY: 1,
    IssuerLevel.COUNTY: 2,
    IssuerLevel.TOWN: 3,
}


class ItemMethod(models.TextChoices):
    """How an item's fine is found: a tier table, or a weighted-factor formula."""

    TIERS = "tiers", _("tier table")
    FACTORS = "factors", _("weighted factors")


class BandKind(models.TextChoices):
    """How a tier states its fine band."""

    AMOUNT = "amount", _("amount in yuan")
    SHARE_OF_RANGE = "share", _("percentage of the statutory range")
    MULTIPLE = "multiple", _("multiple of a base amount")
    NONE = "none", _("no fine")


class BaseKind(models.TextChoices):
    """The base a multiple or percentage is taken of (罚款基数)."""

    NONE = "", _("—")
    ILLEGAL_INCOME = "illegal_income", _("illegal income (违法所得)")
    TOTAL_INVESTMENT = "total_investment", _("total investment (总投资额)")
    GOODS_VALUE = "goods_value", _("value of the goods (货值金额)")
    DISPOSAL_COST = "disposal_cost", _("disposal cost (处置费用)")
    STATUTORY_MAXIMUM = "statutory_maximum", _("statutory maximum fine")
    OTHER = "other", _("other base")


class TierLabel(models.TextChoices):
    """The tiers of 国办发〔2022〕27号; an issuer may use its own labels instead."""

    NO_PENALTY = "不予处罚", "不予处罚"
    REDUCED = "减轻处罚", "减轻处罚"
    LIGHTER = "从轻处罚", "从轻处罚"
    ORDINARY = "一般处罚", "一般处罚"
    HEAVIER = "从重处罚", "从重处罚"


class Consequences(models.TextChoices):
    """The harmful consequences of the violation as the handlers find them (危害后果)."""

    MINOR = "minor", _("minor (轻微)")
    ORDINARY = "ordinary", _("ordinary (一般)")
    SERIOUS = "serious", _("serious (严重)")


class LeniencyOutcome(models.TextChoices):
    """What a "一免一减" item applied to the case does (flexible enforcement)."""

    EXEMPTION = "exemption", _("exemption (免罚)")
    REDUCED = "reduced", _("reduced penalty (减轻)")
    LIGHTER = "lighter", _("lighter penalty (从轻)")
