"""What the region maps need from the settings: the base map, and the config a page
hands to ``static/civicloop/regionmap.js`` through ``includes/region_map.html``."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .areas import Datum


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


def areas_url(within: str = "", level: str = "") -> str:
    params = {k: v for k, v in (("within", within), ("level", level)) if v}
    url = reverse("org:areas")
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
