"""The knobs of the hotspots app, read from Django settings with defaults.

A deployment sets them in ``settings.py`` (or leaves them): the defaults are the
values measured in docs/hotspots.md.

* ``CIVICLOOP_HOTSPOT_WINDOW_DAYS`` (3), ``CIVICLOOP_HOTSPOT_BASELINE_DAYS`` (28),
  ``CIVICLOOP_HOTSPOT_ALPHA`` (0.001), ``CIVICLOOP_HOTSPOT_MIN_COUNT`` (3): the spike test;
* ``CIVICLOOP_HOTSPOT_DIMENSION`` ("category" or "matter"): what events are counted by;
* ``CIVICLOOP_HOTSPOT_LEVELS`` ("village,town,county"): the places tested;
* ``CIVICLOOP_HOTSPOT_SCAN_SECONDS`` (3600): how often ``civicloop worker`` scans (0: never);
* ``CIVICLOOP_DUPLICATE_THRESHOLD`` (0.18), ``CIVICLOOP_DUPLICATE_WINDOW_DAYS`` (30),
  ``CIVICLOOP_DUPLICATE_RADIUS_M`` (500), ``CIVICLOOP_DUPLICATE_LIMIT`` (5): duplicate suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from civicloop.org.choices import RegionLevel

from .choices import Dimension
from .spikes import SpikeParameters

LEVEL_ORDER = (RegionLevel.GRID, RegionLevel.VILLAGE, RegionLevel.TOWN, RegionLevel.COUNTY)


def _get(name: str, default):
    return getattr(settings, name, default)


def spike_parameters() -> SpikeParameters:
    return SpikeParameters(
        window_days=int(_get("CIVICLOOP_HOTSPOT_WINDOW_DAYS", 3)),
        baseline_days=int(_get("CIVICLOOP_HOTSPOT_BASELINE_DAYS", 28)),
        alpha=float(_get("CIVICLOOP_HOTSPOT_ALPHA", 0.001)),
        min_count=int(_get("CIVICLOOP_HOTSPOT_MIN_COUNT", 3)),
    )


def dimension() -> str:
    value = _get("CIVICLOOP_HOTSPOT_DIMENSION", Dimension.CATEGORY)
    if value not in Dimension.values:
        raise ValueError(
            f"CIVICLOOP_HOTSPOT_DIMENSION must be one of {Dimension.values}, not {value!r}"
        )
    return value


def levels() -> tuple[str, ...]:
    raw = _get("CIVICLOOP_HOTSPOT_LEVELS", "village,town,county")
    wanted = [x.strip() for x in (raw.split(",") if isinstance(raw, str) else raw) if x.strip()]
    unknown = set(wanted) - set(LEVEL_ORDER)
    if unknown:
        raise ValueError(f"CIVICLOOP_HOTSPOT_LEVELS names unknown levels {sorted(unknown)}")
    return tuple(level for level in LEVEL_ORDER if level in wanted)  # smallest places first


def scan_seconds() -> int:
    return int(_get("CIVICLOOP_HOTSPOT_SCAN_SECONDS", 3600))


@dataclass(frozen=True)
class DuplicateSettings:
    threshold: float = 0.18
    window_days: int = 30
    radius_m: float = 500.0
    limit: int = 5


def duplicate_settings() -> DuplicateSettings:
    return DuplicateSettings(
        threshold=float(_get("CIVICLOOP_DUPLICATE_THRESHOLD", 0.18)),
        window_days=int(_get("CIVICLOOP_DUPLICATE_WINDOW_DAYS", 30)),
        radius_m=float(_get("CIVICLOOP_DUPLICATE_RADIUS_M", 500)),
        limit=int(_get("CIVICLOOP_DUPLICATE_LIMIT", 5)),
    )
