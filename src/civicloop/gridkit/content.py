"""A grid's toolkit as one JSON document, and its content hash.

The document holds codes, names, numbers, masked phones and ISO dates — no translated
text and nothing about the moment of generation — so the same data always gives the
same document and the same hash, and a version renders in any language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from civicloop.org.models import Region

from .card import build_card
from .directory import grid_places, grid_units, region_data, unit_data
from .flowchart import build_classes, build_flow
from .staffmap import build_map

SCHEMA = 1

# The keys of the document each part of the toolkit is drawn from (to say what changed).
PARTS: dict[str, tuple[str, ...]] = {
    "card": ("grid", "units", "card"),
    "map": ("grid", "map"),
    "flowchart": ("units", "flow", "flowcharts"),
    "forms": ("grid", "units", "forms"),
}


def build_content(grid: Region, *, on: dt.date) -> dict:
    village, town = grid_places(grid)
    card = build_card(grid, on=on)
    return {
        "schema": SCHEMA,
        "grid": {**region_data(grid), "village": region_data(village), "town": region_data(town)},
        "units": {key: unit_data(unit) for key, unit in grid_units(grid).items()},
        "card": card,
        "map": build_map(grid),
        "flow": build_flow(),
        "flowcharts": build_classes(grid, card["items"], on=on),
        # The blank collection form offers the card's matters as tick boxes.
        "forms": {
            "options": [{"key": item["key"], "name": item["name"]} for item in card["items"]]
        },
    }


def digest(value) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(content: dict) -> str:
    return digest(content)


def changed_parts(before: dict | None, after: dict) -> list[str]:
    if not before:
        return list(PARTS)
    return [
        part
        for part, keys in PARTS.items()
        if digest({k: before.get(k) for k in keys}) != digest({k: after.get(k) for k in keys})
    ]
