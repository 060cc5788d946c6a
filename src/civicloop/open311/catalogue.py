"""The service catalogue: our active event categories as Open311 services, their
definitions (attributes), and the discovery document.

Everything here is read from data — categories, :class:`ServiceProfile` rows and
:class:`ServiceAttribute` rows — never written per category in code.
"""

from __future__ import annotations

import hashlib
import json
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.events.routing import county_unit
from civicloop.matters.models import Category
from civicloop.org.choices import UnitKind

from . import conf
from .choices import LIST_DATATYPES
from .formats import JSON, MIME_TYPES, XML, Many
from .models import CatalogueChange, ServiceAttribute, ServiceProfile

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
REQUEST_TYPE = "realtime"  # we answer every POST with the service_request_id at once

_KEYWORD_SPLIT = re.compile(r"[（）()、，,;；/\s]+")


def active_categories():
    return (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("position", "code")
    )


def find_service(code: str) -> Category | None:
    """The active category published as service ``code``, or None."""
    if not code:
        return None
    return Category.objects.filter(code=code, is_active=True).select_related("parent").first()


def _keywords(category: Category, profile: ServiceProfile | None) -> str:
    if profile and profile.keywords.strip():
        return profile.keywords.strip()
    words: list[str] = []
    for text in (category.name, category.parent.name if category.parent else ""):
        for word in _KEYWORD_SPLIT.split(text):
            if word and word not in words:
                words.append(word)
    return ", ".join(words)


def _group(category: Category) -> str:
    return category.parent.name if category.parent else category.name


def attributes_by_service() -> dict[str, list[ServiceAttribute]]:
    """Active attributes keyed by service code ('' for those every service asks)."""
    result: dict[str, list[ServiceAttribute]] = {}
    for attribute in ServiceAttribute.objects.active():
        result.setdefault(attribute.service_code, []).append(attribute)
    return result


def attributes_for(code: str, by_service: dict[str, list[ServiceAttribute]] | None = None):
    """The attributes of one service in presentation order: by ``order``, the shared ones
    first on a tie. Their published ``order`` is renumbered 1, 2, … so that it is unique
    within the service, as the spec requires."""
    by_service = attributes_by_service() if by_service is None else by_service
    shared = by_service.get("", [])
    own = by_service.get(code, []) if code else []
    own_codes = {a.code for a in own}
    rows = [a for a in shared if a.code not in own_codes] + own
    return sorted(rows, key=lambda a: (a.order, a.service_code != "", a.code))


def service_list() -> Many:
    profiles = {p.service_code: p for p in ServiceProfile.objects.all()}
    by_service = attributes_by_service()
    services = []
    for category in active_categories():
        profile = profiles.get(category.code)
        services.append(
            {
                "service_code": category.code,
                "service_name": category.name,
                "description": (profile.description.strip() if profile else "") or category.name,
                "metadata": bool(attributes_for(category.code, by_service)),
                "type": REQUEST_TYPE,
                "keywords": _keywords(category, profile),
                "group": _group(category),
            }
        )
    return Many("service", services)


def _attribute_entry(attribute: ServiceAttribute, order: int) -> dict:
    values = attribute.values if attribute.datatype in LIST_DATATYPES else []
    return {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": order,
        "description": attribute.description,
        "values": Many(
            "value",
            [
                {"key": str(v.get("key", "")), "name": str(v.get("name", ""))}
                for v in values
                if isinstance(v, dict)
            ],
        ),
    }


def service_definition(category: Category, by_service=None) -> dict:
    attributes = attributes_for(category.code, by_service)
    return {
        "service_code": category.code,
        "attributes": Many(
            "attribute", [_attribute_entry(a, i) for i, a in enumerate(attributes, 1)]
        ),
    }


# --- discovery ---------------------------------------------------------------------


def _digest() -> str:
    by_service = attributes_by_service()
    content = {
        "services": service_list().items,
        "definitions": [
            service_definition(c, by_service)["attributes"].items for c in active_categories()
        ],
    }
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    ).hexdigest()


def changeset() -> str:
    """When the service list or a service definition last changed (sortable)."""
    digest = _digest()
    latest = CatalogueChange.objects.order_by("-seen_at", "-id").first()
    if latest is None or latest.digest != digest:
        with transaction.atomic():
            latest = CatalogueChange.objects.create(digest=digest, seen_at=timezone.now())
    return timezone.localtime(latest.seen_at).strftime("%Y-%m-%d %H:%M:%S")


def discovery(endpoint_url: str) -> dict:
    centre = county_unit(UnitKind.COUNTY_CENTRE)
    centre_name = centre.name if centre else _("the county social governance centre")
    stamp = changeset()
    return {
        "changeset": stamp,
        "contact": conf.contact() or _("Contact %(centre)s.") % {"centre": centre_name},
        "key_service": _(
            "API keys are issued by the administrators of %(centre)s: ask them for "
            "one, naming your application."
        )
        % {"centre": centre_name},
        "endpoints": Many(
            "endpoint",
            [
                {
                    "specification": SPECIFICATION,
                    "url": endpoint_url,
                    "changeset": stamp,
                    "type": conf.endpoint_type(),
                    "formats": Many("format", [MIME_TYPES[XML], MIME_TYPES[JSON]]),
                }
            ],
        ),
    }
