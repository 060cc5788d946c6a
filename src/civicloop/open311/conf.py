"""Open311 settings, each with a default that needs nothing configured.

* ``CIVICLOOP_OPEN311_JURISDICTION_ID`` — a domain-style ``jurisdiction_id`` accepted besides
  the county's division code (the spec suggests the government website without ``www``,
  e.g. ``haiyan.gov.cn``); empty: only the division code.
* ``CIVICLOOP_OPEN311_CONTACT`` — the discovery ``contact`` text; empty: the county centre.
* ``CIVICLOOP_OPEN311_ENDPOINT_TYPE`` — ``production`` or ``test`` (discovery).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def county_code() -> str:
    return settings.CIVICLOOP_COUNTY_CODE


def jurisdiction_ids() -> list[str]:
    """The jurisdiction IDs this endpoint answers to, the division code first."""
    ids = [county_code()]
    domain = (getattr(settings, "CIVICLOOP_OPEN311_JURISDICTION_ID", "") or "").strip().lower()
    if domain:
        ids.append(domain)
    return ids


def contact() -> str:
    return (getattr(settings, "CIVICLOOP_OPEN311_CONTACT", "") or "").strip()


def endpoint_type() -> str:
    value = getattr(settings, "CIVICLOOP_OPEN311_ENDPOINT_TYPE", "production") or "production"
    if value not in ("production", "test"):
        raise ImproperlyConfigured(
            f"CIVICLOOP_OPEN311_ENDPOINT_TYPE={value!r}: use 'production' or 'test'"
        )
    return value
