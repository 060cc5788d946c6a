"""What the region maps need from the settings: the base map, and the config a page
hands to ``static/civicloop/regionmap.js`` through ``includes/region_map.html``."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .areas import Datum
from .choices import CODE_PREFIX_LENGTH, RegionLevel
from .geo import gcj02_to_wgs84


def basemap_config() -> dict:
    """The base map: tile URL template (empty: none, the areas are drawn on white),
    the datum of its tiles, attribution and subdomains.

    The 天地图 key is filled into the template here: tiles are fetched by the browser, so
    the key is visible to it either way (use a browser key bound to the intranet address).
    """
    url = settings.CIVICLOOP_BASEMAP_URL
    if url and settings.CIVICLOOP_BASEMAP_KEY:
        url = url.replace("{tk}", settings.CIVICLOOP_BASEMAP_KEY)
    return {
        "url": url,
        # Without tiles nothing else has a datum: the areas are drawn as stored.
        "datum": settings.CIVICLOOP_BASEMAP_DATUM if url else Datum.GCJ02,
        "attribution": settings.CIVICLOOP_BASEMAP_ATTRIBUTION,
        "subdomains": list(settings.CIVICLOOP_BASEMAP_SUBDOMAINS),
    }


def areas_url(within: str = "", level: str = "", *, public: bool = False) -> str:
    params = {k: v for k, v in (("within", within), ("level", level)) if v}
    url = reverse("org:public-areas" if public else "org:areas")
    return f"{url}?{urlencode(params)}" if params else url


def region_map(
    *,
    within: str = "",
    level: str = "",
    values: dict[str, float] | None = None,
    value_label: str = "",
    click_url: str = "",
    element_id: str = "region-map",
) -> dict:
    """The context ``includes/region_map.html`` renders (``{% include ... with map=... %}``).

    ``values`` colour the areas by region code; ``click_url`` (with ``{code}``) is where a
    click on an area leads when the page does not handle the ``civicloop:regionclick`` event.
    """
    return {
        "element_id": element_id,
        "config_id": f"{element_id}-config",
        "config": {
            "areasUrl": areas_url(within, level),
            "basemap": basemap_config(),
            "values": values or {},
            "valueLabel": value_label,
            "clickUrl": click_url,
            "labels": {
                "noData": _("no data"),
                "approximate": _(
                    "Boundaries are derived approximate areas (推算的近似范围), "
                    "not official boundaries."
                ),
                "datum": _("Coordinates: %(datum)s."),
                "datumNames": {Datum.GCJ02: "GCJ-02", Datum.WGS84: "WGS-84 / CGCS2000"},
                "loadFailed": _("The map areas could not be loaded."),
            },
        },
    }


# --- the place map (static/civicloop/placemap.js, includes/place_map.html) ------------------


class PlaceMapMode:
    SHOW = "show"  # one point and the area it lies in (an event)
    PICK = "pick"  # tap to place: fills the form's point and place (intake)
    POINTS = "points"  # many points with a heat layer (events, hotspots)


def in_basemap_datum(longitude, latitude) -> list[float] | None:
    """A stored (GCJ-02) point as [lng, lat] in the base map's datum, or None."""
    if longitude is None or latitude is None:
        return None
    lng, lat = float(longitude), float(latitude)
    if basemap_config()["datum"] == Datum.WGS84:
        lng, lat = gcj02_to_wgs84(lng, lat)
    return [round(lng, 6), round(lat, 6)]


def _area_scope(region) -> tuple[str, str]:
    """The areas drawn behind a place: the villages of its town (or the towns of the county)."""
    if region is None or region.level == RegionLevel.COUNTY:
        return "", RegionLevel.TOWN
    town_length = CODE_PREFIX_LENGTH[RegionLevel.TOWN]
    return region.code[:town_length].ljust(12, "0"), RegionLevel.VILLAGE


def place_map(
    *,
    mode: str,
    region=None,
    point: list[float] | None = None,
    points: list[dict] | None = None,
    fields: dict[str, str] | None = None,
    element_id: str = "place-map",
    public: bool = False,
) -> dict:
    """The context of ``includes/place_map.html``: the base map (offline vector areas, plus
    the tile layer of ``CIVICLOOP_BASEMAP_URL`` when set), the areas around ``region``
    (its village highlighted), and what the mode needs:

    - ``show``: ``point`` ([lng, lat] from :func:`in_basemap_datum`);
    - ``pick``: ``fields`` — element ids of the form's ``latitude``, ``longitude``, ``datum``,
      ``region`` inputs and of the element that shows the place found;
    - ``points``: ``points`` — dicts with ``lng``, ``lat`` (base-map datum), ``title``, ``url``.

    ``public`` reads the areas and places from the endpoints that need no sign-in (the public
    report form).
    """
    within, level = _area_scope(region)
    if mode == PlaceMapMode.PICK:
        # A tap may land anywhere in the county: every village's area is drawn.
        within, level = "", RegionLevel.VILLAGE
    highlight = (
        region.code[:12] if region is not None and region.level != RegionLevel.COUNTY else ""
    )
    if region is not None and region.level == RegionLevel.GRID:
        highlight = region.parent.code if region.parent_id else ""
    basemap = basemap_config()
    return {
        "element_id": element_id,
        "config_id": f"{element_id}-config",
        "config": {
            "mode": mode,
            "basemap": basemap,
            "datum": basemap["datum"],
            "areasUrl": areas_url(within, level, public=public),
            "highlight": highlight,
            "point": point,
            "points": points or [],
            "fields": fields or {},
            "locateUrl": reverse("org:public-locate" if public else "org:locate"),
            "labels": {
                "approximate": _("Boundaries are approximate (推算), not official."),
                "tapToPlace": _("Tap the map where it is."),
                "locating": _("Finding the place…"),
                "outside": _("This point lies outside every area of the county."),
                "failed": _("The place could not be found; choose it from the list."),
                "approximatePlace": _("approximate"),
                "noPoint": _("No map point was recorded."),
            },
        },
    }
