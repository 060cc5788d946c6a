"""XML and JSON documents of GeoReport v2, from one description of their content.

A document is a root element name and a value:

* a ``dict`` is an element with named children, in order (JSON: an object);
* a :class:`Many` is a container of repeated children of one name (JSON: an array — the
  "Spark convention" the spec prescribes, so one child still makes an array);
* ``None`` is an empty element (JSON: ``null``); booleans are ``true``/``false``;
  datetimes are w3 format with the local offset; everything else is text.

XML is UTF-8 with the declaration and no namespace, as the spec asks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
MIME_TYPES = {XML: "text/xml", JSON: "application/json"}
# Characters XML 1.0 cannot carry at all (a stray control character in a description would
# otherwise make the whole document unreadable to the client's parser).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Many:
    """Repeated child elements named ``item`` (``<services><service>…``)."""

    item: str
    items: list[Any] = field(default_factory=list)


def w3_datetime(value: dt.datetime | None) -> str | None:
    """``2024-05-01T20:30:00+08:00``: seconds precision, the deployment's offset."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3_datetime(value) or ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Many):
        return [_json_value(v) for v in value.items]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return w3_datetime(value)
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Many):
        for item in value.items:
            _fill(ET.SubElement(element, value.item), item)
    elif isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif value is not None:
        element.text = _NOT_XML.sub("", _text(value))


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    ET.indent(element)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def to_json(value: Any) -> bytes:
    return json.dumps(_json_value(value), ensure_ascii=False, indent=2).encode("utf-8")


def render(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """The document as an HTTP response in ``fmt`` (``xml`` or ``json``)."""
    body = to_xml(root, value) if fmt == XML else to_json(value)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
