"""QR codes for printed pages (receipts, grid cards): inline SVG made by ``segno`` (pure
Python, no image library, nothing fetched), so a page or its print needs no extra request and
the Content-Security-Policy stays as it is.

Addresses printed for citizens start with ``CIVICLOOP_PUBLIC_URL`` when it is set (the
address people type), else the address of the request that made the page."""

from __future__ import annotations

from urllib.parse import urljoin

import segno
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def public_address(path: str, request=None) -> str:
    """``path`` as an address citizens can type or scan."""
    base = getattr(settings, "CIVICLOOP_PUBLIC_URL", "")
    if base:
        return urljoin(base.rstrip("/") + "/", path.lstrip("/"))
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def qr_svg(data: str, *, scale: int = 4, title: str = "") -> SafeString:
    """The QR code of ``data`` as an inline ``<svg>`` (error correction M: a smudged print
    still reads)."""
    code = segno.make(data, error="m", micro=False)
    svg = code.svg_inline(
        scale=scale, border=2, svgclass="qr-code", lineclass=None, title=escape(title) or None
    )
    return mark_safe(svg)  # noqa: S308 — segno's own markup; the title is escaped above
