"""Pages of the grid toolkit (一卡两图三清单): for each grid, the card, the staff map,
the disposal flowcharts and the three blank forms, each from a stored version
(``?version=N`` opens an older one); and the three forms filled from an event.

Grids come only from ``grids_visible_to(user)`` and events only from
``Event.objects.visible_to(user)`` (outside the scope: 404). Writes — generating a
version, logging a view of a reporter's details — are calls into ``services.py``.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civicloop.core.api import client_ip
from civicloop.core.downloads import attachment_response
from civicloop.core.errors import DomainError
from civicloop.events.views import scoped_events
from civicloop.matters.models import Category, Matter
from civicloop.org.choices import RegionLevel, Role, UnitKind
from civicloop.org.maps import areas_url
from civicloop.org.models import Region

from . import services
from .choices import FormKind, ItemKind
from .exporting import (
    FORMATS,
    write_card_docx,
    write_card_xlsx,
    write_sheets_docx,
    write_sheets_xlsx,
)
from .flowchart import live_chart, present
from .models import ToolkitVersion
from .paperforms import blank_sheets
from .permissions import grids_visible_to, is_grid_staff, own_grids
from .presenting import place_name, present_card, version_label, version_note
from .staffmap import geojson, static_map


def _grid(request, code: str) -> Region:
    return get_object_or_404(grids_visible_to(request.user), code=code)


def _version(request, grid: Region) -> ToolkitVersion:
    raw = request.GET.get("version")
    if raw:
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(ToolkitVersion.objects.for_grid(grid), number=int(raw))
    return services.current_version(grid)


def _context(request, grid: Region, version: ToolkitVersion, part: str) -> dict:
    latest = (
        ToolkitVersion.objects.for_grid(grid)
        .latest_first()
        .values_list("number", flat=True)
        .first()
    )
    return {
        "grid": grid,
        "version": version,
        "part": part,
        "place": place_name(version.content),
        "version_label": version_label(version),
        "version_note": version_note(version),
        "latest_number": latest,
        "is_latest": latest == version.number,
        "version_query": "" if latest == version.number else f"?version={version.number}",
    }


def _download(writer, data, *, filename: str, fmt: str, moment) -> HttpResponse:
    buffer = io.BytesIO()
    writer(data, buffer, moment=moment)
    return attachment_response(f"{filename}.{fmt}", FORMATS[fmt], buffer.getvalue())


# --- choosing a grid -----------------------------------------------------------------------


@login_required
def mine(request):
    """我的网格: a grid team member's (or station's single) grid, else the list to pick from."""
    grids = list(own_grids(request.user)[:2])
    if len(grids) == 1:
        return redirect("gridkit:toolkit", code=grids[0].code)
    return redirect("gridkit:index")


@login_required
def index(request):
    """The grids I may open, by town (a dispatcher sees the grids of their town)."""
    grids = grids_visible_to(request.user).select_related("parent__parent").order_by("code")
    town = request.GET.get("town", "")
    query = request.GET.get("q", "").strip()
    if town:
        grids = grids.filter(code__startswith=town[:9])
    if query:
        grids = grids.filter(
            Q(name__icontains=query) | Q(parent__name__icontains=query) | Q(code__startswith=query)
        )
    grids = list(grids)
    latest = {}
    for row in (
        ToolkitVersion.objects.filter(grid__in=grids)
        .order_by("grid_id", "-number")
        .values("grid_id", "number", "generated_at")
    ):
        latest.setdefault(row["grid_id"], row)
    towns: dict[str, dict] = {}
    for grid in grids:
        village = grid.parent
        town_region = village.parent if village else None
        key = town_region.code if town_region else ""
        group = towns.setdefault(key, {"town": town_region, "grids": []})
        grid.latest = latest.get(grid.pk)
        group["grids"].append(grid)
    town_choices = (
        Region.objects.towns()
        .filter(code__in={g.code[:9] + "000" for g in grids_visible_to(request.user).only("code")})
        .order_by("code")
    )
    return render(
        request,
        "gridkit/index.html",
        {
            "groups": list(towns.values()),
            "count": len(grids),
            "town": town,
            "q": query,
            "town_choices": town_choices,
            "own": list(own_grids(request.user)),
            "grid_staff": is_grid_staff(request.user),
        },
    )


# --- a grid's toolkit ------------------------------------------------------------------------


@login_required
def toolkit(request, code):
    grid = _grid(request, code)
    version = _version(request, grid)
    context = _context(request, grid, version, "toolkit")
    context["versions"] = list(
        ToolkitVersion.objects.for_grid(grid).latest_first().select_related("generated_by")[:10]
    )
    context["card"] = present_card(version, request=request)
    return render(request, "gridkit/toolkit.html", context)


@login_required
def versions(request, code):
    grid = _grid(request, code)
    rows = list(ToolkitVersion.objects.for_grid(grid).latest_first().select_related("generated_by"))
    if not rows:
        rows = [services.current_version(grid)]
    return render(
        request,
        "gridkit/versions.html",
        {**_context(request, grid, rows[0], "versions"), "versions": rows},
    )


@login_required
@require_POST
def refresh(request, code):
    grid = _grid(request, code)
    try:
        result = services.refresh_toolkit(grid, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("gridkit:toolkit", code=grid.code)
    if result.created:
        messages.success(
            request,
            _("Version %(number)d was generated: the data changed.")
            % {"number": result.version.number},
        )
    else:
        messages.info(
            request,
            _("Nothing changed since version %(number)d; no new version.")
            % {"number": result.version.number},
        )
    return redirect("gridkit:toolkit", code=grid.code)


@login_required
def card(request, code):
    grid = _grid(request, code)
    version = _version(request, grid)
    return render(
        request,
        "gridkit/card.html",
        {
            **_context(request, grid, version, "card"),
            "card": present_card(version, request=request),
        },
    )


@login_required
def card_file(request, code, fmt):
    grid = _grid(request, code)
    version = _version(request, grid)
    writer = {"xlsx": write_card_xlsx, "docx": write_card_docx}[fmt]
    return _download(
        writer,
        present_card(version, request=request),
        fmt=fmt,
        filename=f"card-{grid.code}-v{version.number}",
        moment=version.generated_at,
    )


@login_required
def staff_map(request, code):
    grid = _grid(request, code)
    version = _version(request, grid)
    data = geojson(version.content["map"])
    roles = dict(Role.choices)
    units = [
        {
            **f["properties"],
            "staff": [
                {**p, "role_label": roles.get(p["role"], p["role"])}
                for p in f["properties"].get("staff", [])
            ],
        }
        for f in data["features"]
        if f["properties"]["kind"] in UnitKind.values
    ]
    here = [u for u in units if u.get("current")]
    return render(
        request,
        "gridkit/map.html",
        {
            **_context(request, grid, version, "map"),
            "map_data": data,
            "static_map": static_map(version.content["map"]),
            "here_units": here,
            "other_units": [u for u in units if not u.get("current")],
            "tile_url": settings.CIVICLOOP_MAP_TILE_URL,
            # The (approximate) village areas of the grid's town under the staff points, in
            # GCJ-02 like the points (org/areas.py); the grid's village is outlined.
            "areas_url": areas_url(grid.code[:9].ljust(12, "0"), "village") + "&datum=gcj02",
            "grid_village": grid.code[:12],
            "datum": data["datum"],
            "map_labels": map_labels(),
        },
    )


def map_labels() -> dict[str, str]:
    """Names of the kinds of places, units and roles, for the map's popups."""
    labels = {
        value: str(label)
        for value, label in [*RegionLevel.choices, *UnitKind.choices, *Role.choices]
    }
    labels["county"] = str(_("county outline"))
    return labels


@login_required
def flowchart(request, code):
    grid = _grid(request, code)
    version = _version(request, grid)
    classes = version.content["flowcharts"]
    key = request.GET.get("class") or (classes[0]["key"] if classes else ItemKind.NONE)
    chart = present(version.content, key)
    live = False
    if chart is None:
        chart = live_chart(grid, key)
        live = chart is not None
    if chart is None:
        raise Http404
    return render(
        request,
        "gridkit/flowchart.html",
        {
            **_context(request, grid, version, "flowchart"),
            "chart": chart,
            "classes": classes,
            "key": key,
            "live": live,
            "matters": Matter.objects.active().order_by("code").only("code", "name"),
            "categories": Category.objects.filter(is_active=True).order_by("position", "code"),
        },
    )


@login_required
def blank_forms(request, code):
    grid = _grid(request, code)
    version = _version(request, grid)
    sheets = blank_sheets(version.content, note=version_note(version))
    only = request.GET.get("form")
    if only in FormKind.values:
        sheets = [s for s in sheets if s.kind == only]
    return render(
        request,
        "gridkit/forms.html",
        {**_context(request, grid, version, "forms"), "sheets": sheets, "only": only},
    )


@login_required
def blank_forms_file(request, code, fmt):
    grid = _grid(request, code)
    version = _version(request, grid)
    sheets = blank_sheets(version.content, note=version_note(version))
    writer = {"xlsx": write_sheets_xlsx, "docx": write_sheets_docx}[fmt]
    return _download(
        writer,
        sheets,
        fmt=fmt,
        filename=f"forms-{grid.code}-v{version.number}",
        moment=version.generated_at,
    )


# --- the three forms of an event -------------------------------------------------------------


def _event_forms(request, pk):
    event = get_object_or_404(scoped_events(request.user), pk=pk)
    # The feedback form alone shows no personal data: nothing to reveal or log.
    masked = request.GET.get("masked") == "1" or request.GET.get("form") == FormKind.FEEDBACK
    filled = services.fill_forms(
        event, by=request.user, channel="web", ip_address=client_ip(request), masked=masked
    )
    return event, filled, masked


@login_required
def event_forms(request, pk):
    """处置三清单 of one event, printable; the reporter's details in full only for those who
    may see them (each such view is logged), masked for everyone else or on request."""
    event, filled, masked = _event_forms(request, pk)
    only = request.GET.get("form")
    sheets = (
        [s for s in filled.sheets if s.kind == only] if only in FormKind.values else filled.sheets
    )
    return render(
        request,
        "gridkit/event_forms.html",
        {
            "event": event,
            "sheets": sheets,
            "revealed": filled.revealed,
            "masked": request.GET.get("masked") == "1",
            "only": only,
        },
    )


@login_required
def event_forms_file(request, pk, fmt):
    event, filled, masked = _event_forms(request, pk)
    writer = {"xlsx": write_sheets_xlsx, "docx": write_sheets_docx}[fmt]
    return _download(
        writer, filled.sheets, fmt=fmt, filename=f"forms-{event.number}", moment=event.updated_at
    )
