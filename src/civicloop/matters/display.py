"""How matters' amounts and legal bases read on pages, exports and the API."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .ranges import ORGANISATION, PERSON, StatutoryRange


def yuan(value: Decimal | None) -> str:
    """12000.00 → "12,000"; 0.5 → "0.5"."""
    if value is None:
        return ""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return f"{int(normal):,}"
    return f"{normal:,f}"


def format_fine_range(minimum: Decimal | None, maximum: Decimal | None) -> str:
    if maximum is None:
        return _("no amount stated")
    if minimum is None:
        return _("up to %(max)s yuan") % {"max": yuan(maximum)}
    if minimum == maximum:
        return _("%(amount)s yuan") % {"amount": yuan(minimum)}
    return _("%(min)s – %(max)s yuan") % {"min": yuan(minimum), "max": yuan(maximum)}


def _factor(value: Decimal, percent: bool) -> str:
    return f"{(value * 100 if percent else value).normalize():f}"


def format_multiple(rng: StatutoryRange) -> str:
    """违法所得 1 – 3 倍; 建设工程造价 5% – 10%; 毁坏林木价值 5 倍以下 (the base as worded)."""
    values = {"base": rng.base_text or str(rng.base_kind)}
    percent = rng.is_percentage
    values["max"] = _factor(rng.multiple_max, percent)
    if rng.multiple_min is None:
        if percent:
            return _("%(base)s up to %(max)s%%") % values
        return _("%(base)s up to %(max)s times") % values
    values["min"] = _factor(rng.multiple_min, percent)
    if values["min"] == values["max"]:
        return (_("%(base)s %(max)s%%") if percent else _("%(base)s %(max)s times")) % values
    if percent:
        return _("%(base)s %(min)s%% – %(max)s%%") % values
    return _("%(base)s %(min)s – %(max)s times") % values


def party_label(party_type: str) -> str:
    """个人 / 单位 as the statutes say it; empty for any party."""
    if party_type == PERSON:
        return pgettext("statutory range", "individual")
    if party_type == ORGANISATION:
        return pgettext("statutory range", "organisation")
    return ""


def format_range(rng: StatutoryRange) -> str:
    """One range with its party: “个人 200 – 3,000 元”, “违法所得 1 – 3 倍”."""
    body = format_multiple(rng) if rng.is_multiple else format_fine_range(rng.minimum, rng.maximum)
    label = party_label(rng.party_type)
    return f"{label} {body}" if label else body


def format_ranges(ranges: Iterable[StatutoryRange]) -> str:
    """Every range of a version, “；”-separated; “no amount stated” without any."""
    parts = [format_range(r) for r in ranges]
    return "；".join(parts) if parts else _("no amount stated")
