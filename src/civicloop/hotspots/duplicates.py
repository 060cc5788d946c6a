"""Finding likely duplicates of an event (查重) among the open events.

An earlier event is a candidate when all of these hold (docs/hotspots.md):

* it is still open (not closed, void or already merged) — only an open event can
  take a duplicate;
* it was reported at most ``window_days`` before this one (and not after it: the
  earlier report is the original);
* it is at the same place: the same village/community (grid events through their
  village), the same town when either event is known only to the town, or — when
  both have map points — within ``radius_m`` metres, across a village border too;
* its text is similar enough: TF-IDF cosine of character 1–2-grams
  (``similarity.py``) at or above ``threshold``.

The best ``limit`` are returned, most similar first. Nothing is written here;
``services.suggest_duplicates`` records what was shown.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from civicloop.events.models import Event
from civicloop.org.choices import RegionLevel
from civicloop.org.geo import distance_m

from . import similarity
from .choices import PlaceMatch
from .conf import DuplicateSettings, duplicate_settings

# Metres per degree of latitude; a longitude degree is shorter by cos(latitude).
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Candidate:
    event: Event
    similarity: float
    place_match: str
    distance_m: float | None
    hours_apart: float

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def detector_name(config: DuplicateSettings) -> str:
    return f"{similarity.METHOD}≥{config.threshold:g}/{config.window_days}d/{config.radius_m:g}m"


def _village_prefix(code: str) -> str | None:
    """The village part of a grid or village code; None for a town-level code."""
    if len(code) >= 12 and code[9:12] != "000":
        return code[:12]
    return None


def _point(event: Event) -> tuple[float, float] | None:
    if event.latitude is None or event.longitude is None:
        return None
    return float(event.longitude), float(event.latitude)


def place_match(event: Event, other: Event, radius_m: float) -> tuple[str | None, float | None]:
    """Whether two events are at the same place, why, and how far apart their points are."""
    a, b = event.region.code, other.region.code
    here, there = _point(event), _point(other)
    distance = distance_m(*here, *there) if here and there else None
    if a == b and event.region.level == RegionLevel.GRID:
        return PlaceMatch.GRID, distance
    va, vb = _village_prefix(a), _village_prefix(b)
    if va and va == vb:
        return PlaceMatch.VILLAGE, distance
    if (va is None or vb is None) and a[:9] == b[:9]:
        return PlaceMatch.TOWN, distance
    if distance is not None and distance <= radius_m:
        return PlaceMatch.NEARBY, distance
    return None, distance


def _place_filter(event: Event, radius_m: float) -> Q:
    code = event.region.code
    village = _village_prefix(code)
    if village:
        q = Q(region__code__startswith=village)
        q |= Q(region__code=code[:9] + "000")  # events known only to the town
    else:
        q = Q(region__code__startswith=code[:9])
    point = _point(event)
    if point is not None:
        lng, lat = point
        dlat = radius_m / METRES_PER_DEGREE
        dlng = radius_m / (METRES_PER_DEGREE * max(0.1, math.cos(math.radians(lat))))
        q |= Q(
            latitude__gte=lat - dlat,
            latitude__lte=lat + dlat,
            longitude__gte=lng - dlng,
            longitude__lte=lng + dlng,
        )
    return q


def find_candidates(
    event: Event, *, among: QuerySet | None = None, config: DuplicateSettings | None = None
) -> list[Candidate]:
    """Likely originals of ``event`` among ``among`` (default: all events; pass the
    user's visible events to respect their scope), best first."""
    config = config or duplicate_settings()
    if not event.is_open:
        return []
    among = Event.objects.all() if among is None else among
    since = event.reported_at - dt.timedelta(days=config.window_days)
    pool = (
        among.open()
        .exclude(pk=event.pk)
        .filter(reported_at__gte=since, reported_at__lte=event.reported_at)
        .exclude(reported_at=event.reported_at, pk__gt=event.pk)
        .filter(_place_filter(event, config.radius_m))
        .select_related("region", "category")
        .order_by("-reported_at", "-pk")[:500]
    )
    ref = similarity.reference()
    text = ref.vector(similarity.event_text(event.title, event.description))
    found = []
    for other in pool:
        match, distance = place_match(event, other, config.radius_m)
        if match is None:
            continue
        score = similarity.cosine(
            text, ref.vector(similarity.event_text(other.title, other.description))
        )
        if score < config.threshold:
            continue
        hours = (event.reported_at - other.reported_at).total_seconds() / 3600
        found.append(
            Candidate(
                event=other,
                similarity=score,
                place_match=match,
                distance_m=distance,
                hours_apart=hours,
            )
        )
    found.sort(key=lambda c: (-c.similarity, c.hours_apart, c.event.pk))
    return found[: config.limit]
