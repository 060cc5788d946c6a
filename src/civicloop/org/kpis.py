"""Figures of the organisation itself: the liaison stations and their coverage of villages
(行政执法联络站 96 + 企业执法联络站 4 in the Haiyan report) and the red butlers and professional
grid workers sent down to the grids (下沉“红管家”与“专业网格员”192名).

These are stocks, not flows: each is a ``compute(period, region)`` read from the small unit and
post tables. ``OrgConfig.ready()`` registers :data:`FIGURES`.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.figures import Figure, Period, Subject

from .choices import RegionLevel, Role, UnitKind
from .models import Post, Region, Unit

STATION_KINDS = (UnitKind.VILLAGE_STATION, UnitKind.ENTERPRISE_STATION)
# The "1 + 1" of a 1+1+N grid team: the enforcement staff sent down to the grid.
SENT_DOWN_ROLES = (Role.RED_BUTLER, Role.PROFESSIONAL_GRID_WORKER)


def _within(queryset, path: str, region: Region | None):
    if region is None:
        return queryset
    return queryset.filter(**{f"{path}__startswith": region.prefix})


def active_stations(region: Region | None = None):
    """Active liaison stations serving a place in the region."""
    return _within(Unit.objects.active().of_kind(*STATION_KINDS), "region__code", region)


def stations(period: Period, region: Region | None = None) -> dict[str, int]:
    """Active liaison stations, by kind. Units carry no dates of opening or closing, so this is
    the count now, whatever the period."""
    counts = dict.fromkeys(STATION_KINDS, 0)
    rows = active_stations(region).values("kind").order_by().annotate(n=Count("pk"))
    for row in rows:
        counts[row["kind"]] = row["n"]
    return {str(kind): n for kind, n in counts.items()}


def village_station_coverage(period: Period, region: Region | None = None) -> float | None:
    """Of the villages/communities in the region, the share served by at least one active
    village liaison station (a station registered at the village or at one of its grids)."""
    villages = _within(Region.objects.villages(), "code", region)
    total = villages.count()
    if not total:
        return None
    served = {
        code[:12]
        for code in active_stations(region)
        .filter(kind=UnitKind.VILLAGE_STATION)
        .values_list("region__code", flat=True)
    }
    covered = villages.filter(code__in=served).count()
    return round(covered / total, 4)


def _last_day(period: Period) -> dt.date:
    today = timezone.localdate()
    return min(period.end, today) if period.end else today


def posts_held_on(day: dt.date):
    """Posts held on ``day``: begun by then and not ended before it. A post made inactive
    without an end date is taken as ended (when is not known)."""
    return Post.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=day),
        Q(ended_on__isnull=True, is_active=True) | Q(ended_on__gte=day),
    )


def sent_down(period: Period, region: Region | None = None) -> dict[str, int]:
    """People holding a red butler or professional grid worker post in a grid team of the
    region on the last day of the period (today for an open or future end), by role."""
    posts = _within(
        posts_held_on(_last_day(period)).filter(
            role__in=SENT_DOWN_ROLES, unit__kind=UnitKind.GRID_TEAM
        ),
        "unit__region__code",
        region,
    )
    counts = dict.fromkeys(SENT_DOWN_ROLES, 0)
    rows = posts.values("role").order_by().annotate(n=Count("user", distinct=True))
    for row in rows:
        counts[row["role"]] = row["n"]
    return {str(role): n for role, n in counts.items()}


def stations_url(period: Period, region: Region | None = None) -> str:
    """The units list of the API (there is no web page of units): the active stations."""
    query = {"kind": list(STATION_KINDS), "is_active": "true"}
    if region is not None:
        query["within"] = region.code
    return f"{reverse('api-unit-list')}?{urlencode(query, doseq=True)}"


def grids_url(period: Period, region: Region | None = None) -> str:
    """The grid toolkits by town, where each grid's team is listed (there is no list of
    posts): the nearest page to the people counted."""
    url = reverse("gridkit:index")
    if region is not None and region.level != RegionLevel.COUNTY:
        # The page's search matches grid codes by their leading digits.
        return f"{url}?{urlencode({'q': region.prefix})}"
    return url


STATIONS = "stations"
GRID = "grid"

FIGURES = (
    Figure(
        STATIONS,
        "stations",
        label=_("Liaison stations"),
        definition=_(
            "Active liaison stations serving a place in the region, by kind: village "
            "(行政执法联络站) and enterprise (企业执法联络站). Units carry no opening or closing "
            "dates, so the count is the one now, whatever the period."
        ),
        unit=_("stations, by kind"),
        compute=stations,
        extra={"part_labels": dict(UnitKind.choices)},
        better="up",
        records=stations_url,
        order=30,
    ),
    Figure(
        STATIONS,
        "village_coverage",
        label=_("Villages covered by a liaison station"),
        definition=_(
            "Of the villages and communities in the region, the share with at least one active "
            "village liaison station registered at the village or one of its grids (now, as "
            "units carry no dates). Enterprise stations do not count."
        ),
        unit=_("share (0–1)"),
        compute=village_station_coverage,
        better="up",
        records=stations_url,
        order=40,
    ),
    Figure(
        GRID,
        "sent_down",
        label=_("Red butlers and professional grid workers"),
        definition=_(
            "People holding a red butler (红管家) or professional grid worker (专业网格员) post "
            "in a grid team of the region on the last day of the period (today if it ends "
            "later or is open), by role: the post began on or before that day and had not ended "
            "before it; a post made inactive without an end date is not counted. A person "
            "counts once per role."
        ),
        unit=_("people, by role"),
        compute=sent_down,
        extra={"part_labels": dict(Role.choices)},
        better="up",
        records=grids_url,
        order=10,
    ),
)

SUBJECTS = (
    Subject("stations", _("Liaison stations"), order=30),
    Subject("grid", _("Grid governance"), order=20),
)
