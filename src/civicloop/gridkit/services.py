"""Every write of the grid toolkit: generating versions, and filling the three forms of an
event (which may log a view of the reporter's personal data).

``refresh_toolkit`` builds the grid's toolkit from the data of today and keeps it as a
new version only when it differs from the grid's latest version. Pages (on first view
and the refresh button), the API, ``civicloop gridkit refresh`` and the periodic task
all call it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.events import services as event_services
from civicloop.events.models import Event
from civicloop.events.permissions import may_see_contact
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region, User

from .card import counting_period
from .content import build_content, changed_parts, content_hash
from .models import ToolkitVersion
from .paperforms import Sheet, event_sheets, reporter_fields
from .permissions import may_view_grid


@dataclass(frozen=True)
class Refresh:
    version: ToolkitVersion
    created: bool


def refresh_toolkit(grid: Region, *, by: User | None = None, on: dt.date | None = None) -> Refresh:
    """Generate ``grid``'s toolkit from today's data; keep it as a new version only if its
    content changed. ``by=None`` is the system (first view, the periodic task, the CLI)."""
    if grid.level != RegionLevel.GRID:
        raise InvalidInput(
            _("A toolkit belongs to a grid; %(name)s is not one.") % {"name": grid.name},
            field="grid",
        )
    if by is not None and not may_view_grid(by, grid):
        raise NotPermitted(_("This grid is outside your area."))
    on = on or timezone.localdate()
    # Built outside the transaction: reading takes a while and needs no lock.
    content = build_content(grid, on=on)
    digest = content_hash(content)
    with transaction.atomic():
        # One generation per grid at a time, so two refreshes cannot take the same number.
        Region.objects.select_for_update().filter(pk=grid.pk).exists()
        latest = ToolkitVersion.objects.for_grid(grid).latest_first().first()
        if latest is not None and latest.content_hash == digest:
            return Refresh(latest, False)
        start, end = counting_period(on)
        version = ToolkitVersion.objects.create(
            grid=grid,
            number=latest.number + 1 if latest else 1,
            content=content,
            content_hash=digest,
            changed_parts=changed_parts(latest.content if latest else None, content),
            period_start=start,
            period_end=end,
            generated_by=by,
        )
    return Refresh(version, True)


def refresh_toolkits(grids=None, *, by: User | None = None) -> list[Refresh]:
    """Refresh every grid (or the given ones); used by the command and the periodic task."""
    grids = Region.objects.grids().order_by("code") if grids is None else grids
    return [refresh_toolkit(grid, by=by) for grid in grids]


def current_version(grid: Region) -> ToolkitVersion:
    """The grid's latest version; the system generates the first one when there is none."""
    latest = ToolkitVersion.objects.for_grid(grid).latest_first().first()
    return latest if latest is not None else refresh_toolkit(grid).version


@dataclass(frozen=True)
class FilledForms:
    sheets: list[Sheet]
    revealed: bool


def fill_forms(
    event: Event, *, by: User, channel: str, ip_address: str | None = None, masked: bool = False
) -> FilledForms:
    """The three forms of ``event``. Personal data is masked unless ``by`` may see the
    reporter's contact (``events.permissions.may_see_contact``); then the full details are
    shown and the view is logged through ``events.services.reveal_reporter``."""
    has_data = any(
        [
            event.reporter_name,
            event.reporter_phone,
            event.reporter_id_number,
            event.reporter_address,
        ]
    )
    revealed = None
    if not masked and has_data and may_see_contact(by, event):
        revealed = event_services.reveal_reporter(
            event, by=by, channel=channel, ip_address=ip_address
        )
    return FilledForms(
        event_sheets(event, reporter=reporter_fields(event, revealed)), revealed is not None
    )
