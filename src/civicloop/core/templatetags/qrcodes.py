"""``{% qr_code address %}``: the inline SVG QR code of an address (core/qrcodes.py)."""

from __future__ import annotations

from django import template

from civicloop.core.qrcodes import qr_svg

register = template.Library()


@register.simple_tag
def qr_code(data, scale: int = 4, title: str = ""):
    return qr_svg(str(data), scale=int(scale), title=str(title)) if data else ""
