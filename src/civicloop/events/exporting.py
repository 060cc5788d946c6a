"""Writing events to an Excel workbook (.xlsx), with personal data masked (脱敏).

Used by ``civicloop export events`` and available to the web list's export:
``write_events_workbook(queryset, response)`` writes to any binary file-like
object. The caller applies the scope (``Event.objects.visible_to(user)``) and the
filters; this module only decides what each column shows.

Cells are written by :func:`civicloop.core.spreadsheets.cell` (local times, and text that
starts like a formula kept as plain text so a crafted report cannot run when opened).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from civicloop.core.spreadsheets import append_header, append_row
from civicloop.org.models import Region
from civicloop.privacy.masking import mask_id_number, mask_name, mask_phone

from .models import Event


@dataclass(frozen=True)
class ExportColumn:
    header: Promise | str
    value: Callable[[Event, ExportContext], Any]
    width: int = 14


class ExportContext:
    """Names of the towns/villages above the exported events, loaded once."""

    def __init__(self, events: list[Event]):
        codes = set()
        for event in events:
            code = event.region.code
            codes |= {code[:9] + "000", code[:12]}
        self.region_names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        self.now = timezone.now()

    def town(self, event: Event) -> str:
        return self.region_names.get(event.region.code[:9] + "000", "")

    def village(self, event: Event) -> str:
        code = event.region.code
        return (
            self.region_names.get(code[:12], "") if len(code) >= 12 and code[9:12] != "000" else ""
        )


def _latest_rating(event: Event) -> str:
    ratings = sorted(event.ratings.all(), key=lambda r: (r.rated_at, r.pk))
    return ratings[-1].get_rating_display() if ratings else ""


def _reporter_name(event: Event) -> str:
    if event.is_anonymous:
        return str(_("anonymous"))
    return mask_name(event.reporter_name)


COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn(_("number"), lambda e, c: e.number, 16),
    ExportColumn(_("title"), lambda e, c: e.title, 30),
    ExportColumn(_("state"), lambda e, c: e.get_state_display(), 10),
    ExportColumn(_("source"), lambda e, c: e.get_source_display(), 10),
    ExportColumn(_("category"), lambda e, c: e.category.name if e.category else "", 14),
    ExportColumn(_("town / street"), lambda e, c: c.town(e), 12),
    ExportColumn(_("village / community"), lambda e, c: c.village(e), 14),
    ExportColumn(_("place"), lambda e, c: e.region.name, 16),
    ExportColumn(_("address"), lambda e, c: e.address, 24),
    ExportColumn(_("urgency"), lambda e, c: e.get_urgency_display() if e.urgency else "", 8),
    ExportColumn(_("span"), lambda e, c: e.get_span_display() if e.span else "", 10),
    ExportColumn(_("reported at"), lambda e, c: e.reported_at, 18),
    ExportColumn(_("occurred at"), lambda e, c: e.occurred_at, 18),
    ExportColumn(_("current deadline"), lambda e, c: e.deadline_at, 18),
    ExportColumn(_("overdue"), lambda e, c: e.is_overdue(c.now), 8),
    ExportColumn(_("escalation level"), lambda e, c: e.escalation_level, 8),
    ExportColumn(_("closed at"), lambda e, c: e.closed_at, 18),
    ExportColumn(_("satisfaction"), lambda e, c: _latest_rating(e), 10),
    ExportColumn(_("reporter name"), lambda e, c: _reporter_name(e), 10),
    ExportColumn(_("reporter phone"), lambda e, c: mask_phone(e.reporter_phone), 14),
    ExportColumn(_("reporter ID number"), lambda e, c: mask_id_number(e.reporter_id_number), 20),
    ExportColumn(_("description"), lambda e, c: e.description, 60),
)


def prepare(queryset) -> list[Event]:
    return list(queryset.select_related("region", "category").prefetch_related("ratings"))


def write_events_workbook(
    events: Iterable[Event], target: BinaryIO | str, *, title: str | Promise = ""
) -> int:
    """Write ``events`` (a queryset or list, already scoped) to ``target``; return the row count."""
    rows = prepare(events) if hasattr(events, "select_related") else list(events)
    context = ExportContext(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title or _("events"))[:31])
    append_header(sheet, [c.header for c in COLUMNS], widths=[c.width for c in COLUMNS])
    for event in rows:
        append_row(sheet, [column.value(event, context) for column in COLUMNS])
    workbook.save(target)
    return len(rows)
