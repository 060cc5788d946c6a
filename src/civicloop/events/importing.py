"""Importing events from a spreadsheet (.xlsx) or a CSV file: reading, checking, storing.

The flow is *check everything, then store everything or nothing*:

1. :func:`read_table` reads the file (type and text encoding are detected from
   the bytes, not trusted from the name) and maps the header row to fields;
   a problem with the file itself raises :class:`SpreadsheetError`.
2. :class:`RowChecker` turns each row into the keyword arguments of
   :func:`civicloop.events.services.create_event`, collecting *every* problem of
   every row (row number as the spreadsheet shows it, the column as written in
   the file, a message saying what to fix).
3. :func:`import_events` stores the good rows through ``create_event`` — the same
   function the intake form and the API use, so each event gets its ``collect``
   history row — inside one transaction: a refusal by the service rolls the whole
   file back unless the caller asked to skip bad rows.

Messages are translatable (English msgids; the ``zh-hans`` catalogue prints them
in Chinese). Header names and value synonyms below are data, not UI text: they
are what people type into Chinese spreadsheets.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import DomainError
from civicloop.core.identifiers import is_valid_id_number, is_valid_phone
from civicloop.core.models import (
    CounterReservation,
    reserve_counter_values,
    settle_counter_reservation,
)
from civicloop.core.spreadsheets import (
    CellError,
    Column,
    RowCheck,
    RowError,
    SpreadsheetError,
    Table,
    TableSpec,
    cell_text,
    choice_key,
    choice_lookup,
    parse_choice,
    parse_datetime,
    parse_number,
    parse_yes_no,
    read_path,
)
from civicloop.matters.models import Category
from civicloop.org.choices import RegionLevel
from civicloop.org.geo import distance_m, wgs84_to_gcj02
from civicloop.org.models import Region, User
from civicloop.org.scope import Scope, scope_of
from civicloop.org.services import resolve_location, short_region_name

from . import services
from .choices import Source
from .models import Event

logger = logging.getLogger(__name__)

MAX_ROWS = 20000
# How far (km) a given point may lie from the named place before we suspect a typo.
MAX_POINT_DISTANCE_KM = 30


COLUMNS: tuple[Column, ...] = (
    Column(
        "source",
        "来源",
        ("source", "事件来源", "来源渠道", "渠道"),
        gettext_lazy(
            "where the report came from: liaison station, grid patrol, hotline, "
            "public portal, enterprise or Open311"
        ),
        required=True,
    ),
    Column(
        "title",
        "标题",
        ("title", "事件标题", "主题", "留言主题"),
        gettext_lazy("short title; taken from the description when empty"),
    ),
    Column(
        "description",
        "描述",
        ("description", "事件描述", "问题描述", "内容", "详情", "留言详情"),
        gettext_lazy("what was reported"),
        required=True,
    ),
    Column(
        "category",
        "类别",
        ("category", "事件类别", "类型", "分类"),
        gettext_lazy("category code or name; may be empty (set at judgement)"),
    ),
    Column(
        "place",
        "地点",
        ("place", "region", "区划", "所属区划", "网格", "所属网格", "村社区"),
        gettext_lazy("grid, village or town: division code or name"),
    ),
    Column(
        "address",
        "地址",
        ("address", "详细地址", "事发地址"),
        gettext_lazy("street address of the place"),
    ),
    Column("longitude", "经度", ("longitude", "lng", "lon"), gettext_lazy("WGS-84 longitude")),
    Column("latitude", "纬度", ("latitude", "lat"), gettext_lazy("WGS-84 latitude")),
    Column(
        "occurred_at",
        "发生时间",
        ("occurred_at", "occurred", "事发时间"),
        gettext_lazy("when it happened, e.g. 2026-03-01 08:30"),
    ),
    Column(
        "reporter_name",
        "反映人",
        ("reporter_name", "reporter", "反映人姓名", "姓名", "联系人"),
        gettext_lazy("name of the person who reported"),
    ),
    Column(
        "reporter_phone",
        "联系电话",
        ("reporter_phone", "phone", "电话", "手机", "手机号", "联系方式"),
        gettext_lazy("mobile or landline number"),
    ),
    Column(
        "reporter_id_number",
        "身份证号",
        ("reporter_id_number", "id_number", "身份证", "身份证号码"),
        gettext_lazy("18-character resident ID number"),
    ),
    Column(
        "anonymous",
        "匿名",
        ("anonymous", "是否匿名"),
        gettext_lazy("是/否: hide the reporter from the public"),
    ),
)
COLUMNS_BY_FIELD = {c.field: c for c in COLUMNS}

# Values people write for each source (codes, English and Chinese names).
SOURCE_SYNONYMS: dict[str, tuple[str, ...]] = {
    Source.LIAISON_STATION: (
        "liaison station",
        "联络站",
        "行政执法联络站",
        "村联络站",
        "社区联络站",
    ),
    Source.GRID_PATROL: (
        "grid patrol",
        "patrol",
        "网格巡查",
        "巡查",
        "网格员巡查",
        "巡查发现",
        "网格",
    ),
    Source.HOTLINE: ("hotline", "热线", "12345", "12345热线", "电话", "来电"),
    Source.PUBLIC_PORTAL: (
        "public portal",
        "portal",
        "群众平台",
        "公众平台",
        "网站",
        "网上平台",
        "小程序",
        "群众上报",
    ),
    Source.ENTERPRISE: ("enterprise", "企业", "企业联络站", "企业执法联络站", "企业反映"),
    Source.OPEN311: ("open311", "open 311"),
}

# Services report problems by field name; these are the columns that carry them.
FIELD_TO_COLUMN = {
    "source": "source",
    "title": "title",
    "description": "description",
    "category": "category",
    "region": "place",
    "latitude": "latitude",
    "longitude": "longitude",
    "address": "address",
    "occurred_at": "occurred_at",
    "reporter_name": "reporter_name",
    "reporter_phone": "reporter_phone",
    "reporter_id_number": "reporter_id_number",
}


def accepted_headers() -> str:
    return TABLE.accepted_headers()


TABLE = TableSpec(
    columns=COLUMNS,
    max_rows=MAX_ROWS,
    no_rows_message=gettext_lazy("%(path)s has a header row but no events below it."),
)


# --- reading the file -----------------------------------------------------------


def read_table(path: str | Path) -> Table:
    """Read ``path`` and map its header row; raise SpreadsheetError for a bad file."""
    table = read_path(path, TABLE)
    columns = set(table.columns)
    if not ({"place", "address"} & columns or {"longitude", "latitude"} <= columns):
        raise SpreadsheetError(
            _(
                "The file says nowhere where the events are: add a column 地点/place (or 地址/address, "
                "or both 经度/longitude and 纬度/latitude)."
            )
        )
    if ("longitude" in columns) != ("latitude" in columns):
        raise SpreadsheetError(_("Give both columns 经度/longitude and 纬度/latitude, or neither."))
    return table


# --- checking rows ----------------------------------------------------------------


@dataclass
class CheckedRow:
    row: int
    kwargs: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class RowChecker:
    """Checks rows against the categories, the county's places and the actor's area."""

    def __init__(self, *, actor: User, county_code: str | None = None):
        self.actor = actor
        self.scope: Scope = scope_of(actor)
        self.county_code = county_code or settings.CIVICLOOP_COUNTY_CODE
        self.county_name = (
            Region.objects.filter(code=self.county_code.ljust(12, "0"))
            .values_list("name", flat=True)
            .first()
            or self.county_code
        )
        self._categories: dict[str, Category] = {}
        for category in Category.objects.all():
            for key in (category.code, category.name, re.sub(r"[（(].*?[）)]", "", category.name)):
                self._categories.setdefault(self._key(key), category)
        self._regions = list(
            Region.objects.filter(code__startswith=self.county_code).exclude(
                level=RegionLevel.COUNTY
            )
        )
        self._by_code = {r.code: r for r in self._regions}
        grids_of: dict[str, list[Region]] = {}
        for region in self._regions:
            if region.level == RegionLevel.GRID:
                grids_of.setdefault(region.code[:12], []).append(region)
        # Like resolve_location: a village with a single grid means that grid.
        self._only_grid = {code: grids[0] for code, grids in grids_of.items() if len(grids) == 1}
        self._by_name: dict[str, list[Region]] = {}
        names_by_code = {r.code: r.name for r in self._regions}
        for region in self._regions:
            keys = {region.name, short_region_name(region.name)}
            town_name = names_by_code.get(region.code[:9] + "000")
            if region.level == RegionLevel.VILLAGE and town_name:
                keys |= {town_name + k for k in list(keys)}
            if region.level == RegionLevel.GRID:
                village_name = names_by_code.get(region.code[:12], "")
                keys |= {village_name + region.name, short_region_name(village_name) + region.name}
            for key in keys:
                bucket = self._by_name.setdefault(self._key(key), [])
                if region not in bucket:
                    bucket.append(region)
        self._source_lookup = choice_lookup(Source, SOURCE_SYNONYMS)

    @staticmethod
    def _key(text: Any) -> str:
        return choice_key(text)

    # --- cells ---

    def source(self, value: Any) -> str:
        text = cell_text(value)
        if not text:
            raise CellError(_("Say where the report came from."))
        return parse_choice(
            text,
            self._source_lookup,
            message=_("Unknown source “%(value)s”; use one of: %(choices)s.")
            % {"value": text, "choices": "、".join(str(label) for _v, label in Source.choices)},
        )

    def category(self, value: Any) -> Category | None:
        text = cell_text(value)
        if not text:
            return None
        category = self._categories.get(self._key(text))
        if category is None:
            raise CellError(
                _("Unknown category “%(value)s” (give a category code or name).") % {"value": text}
            )
        if not category.is_active:
            raise CellError(_("The category “%(value)s” is no longer in use.") % {"value": text})
        return category

    def place(self, value: Any) -> Region | None:
        region = self._place(value)
        if region is not None and region.level == RegionLevel.VILLAGE:
            return self._only_grid.get(region.code, region)
        return region

    def _place(self, value: Any) -> Region | None:
        text = cell_text(value)
        if not text:
            return None
        if text.isdigit():
            return self._place_by_code(text)
        candidates = self._by_name.get(self._key(text), [])
        if not candidates:
            raise CellError(
                _(
                    "There is no place called “%(value)s” in %(county)s; give its division "
                    "code or its exact name."
                )
                % {"value": text, "county": self.county_name}
            )
        if len(candidates) > 1:
            # A village and its only grid share a name prefix; prefer the most specific
            # only when they are one line of the tree.
            candidates.sort(key=lambda r: len(r.code))
            if all(candidates[-1].code.startswith(r.prefix) for r in candidates[:-1]):
                return candidates[0]
            raise CellError(
                _(
                    "“%(value)s” is ambiguous: %(choices)s. Give the division code or write "
                    "town and village, e.g. 武原街道/百可社区."
                )
                % {
                    "value": text,
                    "choices": "、".join(f"{r.full_name()} ({r.code})" for r in candidates[:5]),
                }
            )
        return candidates[0]

    def _place_by_code(self, code: str) -> Region:
        if code == self.county_code or code == self.county_code.ljust(12, "0"):
            raise CellError(_("Choose a town, village or grid, not the whole county."))
        if len(code) == 9:
            code = code.ljust(12, "0")
        if len(code) not in (12, 15):
            raise CellError(
                _("“%(value)s” is not a division code (12 digits; grids 15).") % {"value": code}
            )
        if not code.startswith(self.county_code):
            raise CellError(
                _("The place %(value)s is outside %(county)s (%(code)s).")
                % {"value": code, "county": self.county_name, "code": self.county_code}
            )
        region = self._by_code.get(code)
        if region is None:
            raise CellError(
                _("There is no place with the code %(value)s in %(county)s.")
                % {"value": code, "county": self.county_name}
            )
        return region

    @staticmethod
    def coordinate(value: Any, *, low: float, high: float) -> float | None:
        number = parse_number(value, low=low, high=high)
        return None if number is None else float(number)

    @staticmethod
    def phone(value: Any) -> str:
        text = cell_text(value).replace(" ", "")
        if text and not is_valid_phone(text):
            raise CellError(_("“%(value)s” is not a valid phone number.") % {"value": text})
        return text

    @staticmethod
    def id_number(value: Any) -> str:
        if (
            isinstance(value, float)
            and not value.is_integer()
            or (isinstance(value, (int, float)) and len(str(int(value))) > 15)
            or re.fullmatch(r"\d(\.\d+)?[eE]\+\d+", cell_text(value))
        ):
            raise CellError(
                _(
                    "The ID number was turned into a number by Excel and lost its last "
                    "digits; format the column as text and type it again."
                )
            )
        text = cell_text(value).upper()
        if text and not is_valid_id_number(text):
            raise CellError(
                _("The ID number “%(value)s” is not valid (18 characters, check digit).")
                % {"value": text}
            )
        return text

    @staticmethod
    def yes_no(value: Any) -> bool:
        return parse_yes_no(value, yes=("匿名",), no=("实名",))

    # --- rows ---

    def check(self, number: int, cells: dict[str, Any], headers: dict[str, str]) -> CheckedRow:
        result = CheckedRow(row=number)
        check = RowCheck(number, cells, headers, errors=result.errors)
        source = check.cell("source", self.source)
        category = check.cell("category", self.category)
        region = check.cell("place", self.place)
        before = len(check.errors)
        lng = check.cell("longitude", self.coordinate, low=-180, high=180)
        lat = check.cell("latitude", self.coordinate, low=-90, high=90)
        coordinates_read = len(check.errors) == before
        occurred_at = check.cell("occurred_at", parse_datetime)
        reporter_phone = check.cell("reporter_phone", self.phone)
        reporter_id_number = check.cell("reporter_id_number", self.id_number)
        anonymous = check.cell("anonymous", self.yes_no)

        description = check.text("description")
        if not description:
            check.fail("description", _("The description is required."), value="")
        elif len(description) > services.MAX_DESCRIPTION:
            check.fail(
                "description",
                _("At most %(n)d characters are allowed (you gave %(m)d).")
                % {"n": services.MAX_DESCRIPTION, "m": len(description)},
                value=description[:40] + "…",
            )
        title = check.text("title")
        if len(title) > services.MAX_TITLE:
            check.fail(
                "title",
                _("At most %(n)d characters are allowed (you gave %(m)d).")
                % {"n": services.MAX_TITLE, "m": len(title)},
                value=title[:40] + "…",
            )
        if occurred_at and occurred_at > timezone.now() + dt.timedelta(minutes=5):
            check.fail("occurred_at", _("The time it happened cannot be in the future."))
        if (lng is None) != (lat is None) and coordinates_read:
            check.fail("latitude", _("Give both longitude and latitude, or neither."), value="")
        if result.errors:
            return result

        address = cell_text(cells.get("address"))
        location_column = (
            headers.get("place") or headers.get("address") or headers.get("latitude", "")
        )
        gcj = wgs84_to_gcj02(lng, lat) if lng is not None and lat is not None else None
        try:
            if region is None:
                region = resolve_location(
                    latitude=gcj[1] if gcj else None,
                    longitude=gcj[0] if gcj else None,
                    address=address,
                )
                if not region.code.startswith(self.county_code):
                    raise CellError(
                        _("The place is outside %(county)s.") % {"county": self.county_name}
                    )
            elif gcj and region.latitude is not None:
                km = (
                    distance_m(gcj[0], gcj[1], float(region.longitude), float(region.latitude))
                    / 1000
                )
                if km > MAX_POINT_DISTANCE_KM:
                    raise CellError(
                        _("The point is %(km)d km away from %(place)s; check the coordinates.")
                        % {"km": km, "place": region.name}
                    )
        except DomainError as exc:
            result.errors.append(
                RowError(
                    number,
                    location_column,
                    address or cell_text(cells.get("place")),
                    str(exc.message),
                )
            )
            return result
        except CellError as exc:
            result.errors.append(
                RowError(number, location_column, cell_text(cells.get("place")), exc.message)
            )
            return result
        if not self.scope.covers_region_code(region.code):
            result.errors.append(
                RowError(
                    number,
                    location_column,
                    cell_text(cells.get("place")) or region.name,
                    _(
                        "%(place)s is outside the area of %(user)s, who may record events only there."
                    )
                    % {"place": region.full_name(), "user": self.actor.username},
                )
            )
            return result

        result.kwargs = {
            "source": source,
            "title": title,
            "description": description,
            "category": category,
            "location": services.Location(
                region=region,
                latitude=lat,
                longitude=lng,
                datum="wgs84",
                address=address,
            ),
            "occurred_at": occurred_at,
            "reporter_name": cell_text(cells.get("reporter_name")),
            "reporter_phone": reporter_phone or "",
            "reporter_id_number": reporter_id_number or "",
            "is_anonymous": anonymous or False,
        }
        return result


def check_actor(actor: User) -> None:
    """May ``actor`` record events from a file at all? Raise SpreadsheetError if not."""
    if not actor.is_active:
        raise SpreadsheetError(_("The account %(user)s is disabled.") % {"user": actor.username})
    scope = scope_of(actor)
    if not (scope.everything or scope.region_prefixes):
        raise SpreadsheetError(
            _(
                "%(user)s has no area (grid, village, town or county) in which to record events, so "
                "cannot import them."
            )
            % {"user": actor.username}
        )


def check_rows(table: Table, *, actor: User) -> list[CheckedRow]:
    checker = RowChecker(actor=actor)
    checked = []
    for number, row in table.rows:
        cells = {
            name: (row[index] if index < len(row) else None)
            for name, index in table.columns.items()
        }
        checked.append(checker.check(number, cells, table.headers))
    return checked


# --- storing ------------------------------------------------------------------------


@dataclass
class ImportResult:
    rows: list[CheckedRow]
    created: list[Event]
    stored: bool

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def bad_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if not row.ok]


class _RollBack(Exception):
    pass


# A dry run stores nothing, so it draws no real numbers: its rows get placeholders, unique
# to the run so that two dry runs at once do not wait for each other on the unique index.
DRY_RUN_PREFIX = "DRY-"


def dry_run_numbers(count: int) -> list[str]:
    run = secrets.token_hex(4)
    return [f"{DRY_RUN_PREFIX}{run}-{i:05d}" for i in range(1, count + 1)]


def import_events(
    table: Table,
    *,
    actor: User,
    skip_bad_rows: bool = False,
    dry_run: bool = False,
    source_name: str = "",
) -> ImportResult:
    """Check every row, then store the good ones through ``create_event`` in one
    transaction. Without ``skip_bad_rows`` any bad row means nothing is stored.

    The event numbers are reserved before that transaction, in a short one of their own
    (``core.models.reserve_counter_values``), so the import never holds the day's number
    counter and every other intake goes on while it runs (issue 14, finding 4). Afterwards
    the reservation is settled: the numbers of refused or rolled-back rows are recorded as
    unused, so an auditor sees why the day's series has a gap. Therefore this must be
    called outside any transaction (``MustRunOutsideTransaction`` otherwise): only the
    ``import events`` command calls it; a page or API endpoint that imports must not be
    wrapped in a transaction (ATOMIC_REQUESTS, an idempotency wrapper) — inside one the
    reservation would not commit at once and intake would wait again."""
    check_actor(actor)
    rows = check_rows(table, actor=actor)
    created: list[Event] = []
    if any(not r.ok for r in rows) and not skip_bad_rows:
        return ImportResult(rows=rows, created=[], stored=False)
    good = [row for row in rows if row.ok]
    reservation = None
    if dry_run:
        numbers = dry_run_numbers(len(good))
    elif good:
        key = services.event_number_key(timezone.now())
        with translation.override(settings.LANGUAGE_CODE):
            purpose = _("Import of %(n)d events from %(file)s by %(user)s") % {
                "n": len(good),
                "file": source_name or "—",
                "user": actor.username,
            }
        reservation = reserve_counter_values(key, len(good), by=actor, purpose=purpose)
        numbers = [services.event_number(key, value) for value in reservation.values]
    else:
        numbers = []
    outcome = "failed"  # until the transaction has committed or was rolled back on purpose
    try:
        with transaction.atomic():
            for row in good:
                try:
                    with transaction.atomic():
                        # Numbers go to stored rows in order: a refused row's number goes
                        # to the next row, so unused numbers are the end of the block.
                        event = services.create_event(
                            by=actor, number=numbers[len(created)], **row.kwargs
                        )
                    created.append(event)
                except DomainError as exc:
                    column = COLUMNS_BY_FIELD.get(FIELD_TO_COLUMN.get(exc.field or "", ""))
                    header = table.headers.get(column.field, column.header) if column else "—"
                    row.errors.append(RowError(row.row, header, "", str(exc.message)))
            if dry_run or (not skip_bad_rows and any(not r.ok for r in rows)):
                raise _RollBack
        outcome = "stored"
    except _RollBack:
        outcome = "rolled back"
    finally:
        if reservation is not None:
            _settle(reservation, outcome=outcome, used=len(created), rows=rows, by=actor)
    if outcome != "stored":
        return ImportResult(rows=rows, created=created if dry_run else [], stored=False)
    return ImportResult(rows=rows, created=created, stored=True)


def _settle(
    reservation: CounterReservation,
    *,
    outcome: str,
    used: int,
    rows: list[CheckedRow],
    by: User,
) -> None:
    """Record how many reserved numbers the import used (none unless it was stored) and
    why the others were not."""
    if outcome != "stored":
        used = 0
    with translation.override(settings.LANGUAGE_CODE):
        if used == reservation.count:
            note = ""
        elif outcome == "stored":
            note = _("%(n)d rows were refused while storing and skipped.") % {
                "n": reservation.count - used
            }
        elif outcome == "rolled back":
            note = _(
                "Nothing was imported: %(n)d rows were refused, so the whole file was rolled back."
            ) % {"n": sum(1 for row in rows if row.errors)}
        else:
            note = _("Nothing was imported: the import stopped with an error.")
    try:
        settle_counter_reservation(reservation, used=used, by=by, note=note)
    except Exception:  # the import's outcome stands; the reservation stays open, visibly
        logger.exception("could not settle %s (%d used)", reservation, used)
