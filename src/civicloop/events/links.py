"""Addresses of an event given to its reporter: the short tracking link printed on receipts
(with its QR code) and sent by SMS (``/t/CODE/``, leading to the tracking page)."""

from __future__ import annotations

from django.urls import reverse

from civicloop.core.qrcodes import public_address


def tracking_address(code: str, request=None) -> str:
    return public_address(reverse("public:short", args=[code]), request)
