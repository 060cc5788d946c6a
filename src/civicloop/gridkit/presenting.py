"""A toolkit version as people read it: labels in the active language, names, phone
numbers, Chinese dates. Pages, DOCX and XLSX exports all read from here."""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.utils.translation import gettext as _

from civicloop.core.formatting import format_date, format_datetime
from civicloop.org.choices import Role, UnitKind

from .choices import CardBasis, HandlerRule, ItemKind
from .models import ToolkitVersion


def place_name(content: dict) -> str:
    """武原街道 / 百可社区居委会 / 百可第1网格"""
    grid = content["grid"]
    return " / ".join(p["name"] for p in (grid.get("town"), grid.get("village"), grid) if p)


def version_label(version: ToolkitVersion) -> str:
    return _("Version %(number)d, generated on %(date)s") % {
        "number": version.number,
        "date": format_date(version.generated_at),
    }


def generated_by_label(version: ToolkitVersion) -> str:
    return str(version.generated_by) if version.generated_by_id else _("the system")


def version_note(version: ToolkitVersion) -> str:
    """The line printed at the foot of every page and file of a version."""
    return _("%(place)s (%(code)s) · %(version)s by %(by)s · verification code %(hash)s") % {
        "place": place_name(version.content),
        "code": version.grid.code,
        "version": version_label(version),
        "by": generated_by_label(version),
        "hash": version.verification_code,
    }


def public_url(path: str, request=None) -> str:
    """The public report page as an address citizens can type: CIVICLOOP_PUBLIC_URL when
    set, else the address of the current request, else the bare path."""
    base = getattr(settings, "CIVICLOOP_PUBLIC_URL", "")
    if base:
        return urljoin(base.rstrip("/") + "/", path.lstrip("/"))
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def _person(person: dict | None) -> dict | None:
    if not person:
        return None
    return {
        "name": person["name"],
        "phone": person["phone"],
        "role": str(Role(person["role"]).label)
        if person["role"] in Role.values
        else person["role"],
    }


def _unit(unit: dict | None) -> dict | None:
    if not unit:
        return None
    kind = str(UnitKind(unit["kind"]).label) if unit["kind"] in UnitKind.values else unit["kind"]
    return {**unit, "kind_label": kind}


def present_card(version: ToolkitVersion, *, request=None) -> dict:
    content = version.content
    card = content["card"]
    basis = card["basis"]
    level = (
        str(CardBasis(basis["level"]).label)
        if basis["level"] in CardBasis.values
        else basis["level"]
    )
    items = []
    for item in card["items"]:
        rule = item.get("rule")
        items.append(
            {
                **item,
                "handler": _unit(item.get("handler")),
                "rule_label": str(HandlerRule(rule).label) if rule in HandlerRule.values else "",
            }
        )
    report = card["report"]
    return {
        "title": _("Card of common enforcement matters"),
        "place": place_name(content),
        "grid_code": content["grid"]["code"],
        "basis": basis,
        "basis_level": level,
        "fallback": basis["level"] != CardBasis.GRID,
        "period": _("%(start)s to %(end)s")
        % {"start": format_date(version.period_start), "end": format_date(version.period_end)},
        "basis_text": _(
            "The most frequent matters of the %(n)d events reported in %(place)s (%(level)s) from "
            "%(start)s to %(end)s; voided and merged reports are not counted."
        )
        % {
            "n": basis["events"],
            "place": basis["name"],
            "level": level,
            "start": format_date(version.period_start),
            "end": format_date(version.period_end),
        },
        "items": items,
        "report": {
            "grid_team": _unit(report.get("grid_team")),
            "red_butler": _person(report.get("red_butler")),
            "grid_worker": _person(report.get("grid_worker")),
            "others": report.get("others", 0),
            "village_station": _unit(report.get("village_station")),
            "station_staff": [_person(p) for p in report.get("station_staff", [])],
            "command_room": _unit(report.get("command_room")),
            "public_url": public_url(report.get("public_report_path", "/report/"), request),
        },
        "version": version_label(version),
        "note": version_note(version),
        # The full hash goes into the file's properties, not onto the printed page.
        "content_hash": version.content_hash,
        "generated_at": format_datetime(version.generated_at),
    }


def card_rows(card: dict) -> tuple[list[str], list[list[str]]]:
    """The card's table (header, rows) for the DOCX and XLSX files."""
    header = [
        _("No."),
        _("matter"),
        _("legal basis"),
        _("handled by"),
        _("duty phone"),
        _("events in the period"),
    ]
    rows = []
    for item in card["items"]:
        handler = item["handler"]
        name = f"{item['code']} {item['name']}" if item["kind"] == ItemKind.MATTER else item["name"]
        rows.append(
            [
                str(item["rank"]),
                name,
                item.get("legal_basis", ""),
                f"{handler['name']}\n{item['rule_label']}" if handler else item["rule_label"],
                handler["phone"] if handler else "",
                str(item["count"]),
            ]
        )
    return header, rows


def report_lines(card: dict) -> list[tuple[str, str]]:
    """How to report, as (label, text) lines for the files."""
    report = card["report"]
    lines = []
    for key in ("red_butler", "grid_worker"):
        person = report[key]
        if person:
            lines.append((person["role"], f"{person['name']} {person['phone']}".strip()))
    station = report["village_station"]
    if station:
        lines.append(
            (
                _("village liaison station"),
                " ".join(x for x in (station["name"], station["phone"], station["address"]) if x),
            )
        )
    room = report["command_room"]
    if room:
        lines.append(
            (_("town command room"), " ".join(x for x in (room["name"], room["phone"]) if x))
        )
    lines.append((_("report online"), report["public_url"]))
    return lines
