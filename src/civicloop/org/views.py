"""The organisation's pages: the areas the region maps draw."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .areas import Datum, feature_collection
from .choices import RegionLevel
from .divisions import pad12
from .geo import wgs84_to_gcj02
from .locating import locate_point
from .maps import basemap_config, in_basemap_datum
from .models import Region

AREA_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWN, RegionLevel.VILLAGE)


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=400)


@login_required
@require_GET
def areas(request):
    """``GET /org/areas.geojson?within=CODE&level=town|village[&datum=gcj02|wgs84]``.

    The areas below ``within`` (default: the county), in the base map's datum unless
    ``datum`` asks otherwise. Region shapes are not confidential, but only staff (people
    holding a post) need them; the figures coloured onto them are scoped by their own views.
    """
    if not _may_see_maps(request.user):
        return JsonResponse({"detail": _("Only staff may see the region maps.")}, status=403)
    return _areas(request)


@require_GET
@cache_control(public=True, max_age=3600)
def public_areas(request):
    """The same areas for the public report form's map (the county's towns and villages:
    public geography, no figures), cached for an hour."""
    return _areas(request)


def _areas(request) -> JsonResponse:
    code = request.GET.get("within") or settings.CIVICLOOP_COUNTY_CODE
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return _bad_request(_("within must be a 6-, 9- or 12-digit division code."))
    within = Region.objects.filter(code=pad12(code), level__in=AREA_LEVELS).first()
    if within is None:
        return JsonResponse(
            {"detail": _("No region has the code %(code)s.") % {"code": code}}, status=404
        )
    level = request.GET.get("level") or None
    if level is not None and level not in AREA_LEVELS:
        return _bad_request(_("level must be county, town or village."))
    datum = request.GET.get("datum") or basemap_config()["datum"]
    if datum not in (Datum.GCJ02, Datum.WGS84):
        return _bad_request(_("datum must be gcj02 or wgs84."))
    response = JsonResponse(feature_collection(within, level=level, datum=datum))
    response["Content-Type"] = "application/geo+json"
    return response


def _may_see_maps(user) -> bool:
    return bool(user.is_staff or user.is_superuser or user.cached_posts())


@login_required
@require_GET
def locate(request):
    """``GET /org/locate.json?lng=…&lat=…[&datum=gcj02|wgs84]``: the town, village and grid
    a map point lies in (``org/locating.py``), for the tap-to-place picker of the intake form.
    The point is in the base map's datum unless ``datum`` says otherwise."""
    if not _may_see_maps(request.user):
        return JsonResponse({"detail": _("Only staff may see the region maps.")}, status=403)
    return _locate(request)


@require_GET
def public_locate(request):
    """The same for the public report form: where a citizen's tap lies (names of places only)."""
    return _locate(request)


def _locate(request) -> JsonResponse:
    try:
        lng, lat = float(request.GET["lng"]), float(request.GET["lat"])
    except (KeyError, ValueError):
        return _bad_request(_("Give the point as lng and lat in degrees."))
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        return _bad_request(_("The coordinates are not valid."))
    datum = request.GET.get("datum") or basemap_config()["datum"]
    if datum not in (Datum.GCJ02, Datum.WGS84):
        return _bad_request(_("datum must be gcj02 or wgs84."))
    if datum == Datum.WGS84:
        lng, lat = wgs84_to_gcj02(lng, lat)
    place = locate_point(longitude=lng, latitude=lat)
    if place is None:
        return JsonResponse(
            {"found": False, "detail": _("This point lies outside every area of the county.")}
        )
    # The marker goes where the place was found, in the base map's datum.
    return JsonResponse({**place.as_json(), "point": in_basemap_datum(lng, lat)})


@login_required
def api_tokens(request):
    """The signed-in user's API token: when it was issued and ends, and a button to revoke it."""
    from rest_framework.authtoken.models import Token

    from . import tokens

    if request.method == "POST":
        if tokens.revoke(request.user):
            messages.success(request, _("Your API token was revoked."))
        return redirect("org:api-tokens")
    rows = [
        {"created": token.created, "expires": tokens.expires_at(token), "key": token.key[:6]}
        for token in Token.objects.filter(user=request.user)
    ]
    return render(request, "org/api_tokens.html", {"tokens": rows})
