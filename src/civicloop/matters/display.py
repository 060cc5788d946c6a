"""How matters' amounts and legal bases read on pages, exports and the API."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _


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
