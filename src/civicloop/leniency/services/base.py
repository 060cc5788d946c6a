"""What every part of flexible enforcement shares: the workflow bindings, money and date
inputs, the working-day rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput
from civicloop.core.transitions import ModelWorkflow
from civicloop.workcalendar.services import is_workday

from ..choices import (
    ItemKind,
    LegalBasis,
)
from ..models import (
    Commitment,
    CommitmentHistory,
    CreditRepair,
    CreditRepairHistory,
)
from ..permissions import (
    commitment_capacities,
    repair_capacities,
)
from ..workflow import COMMITMENT_WORKFLOW, REPAIR_WORKFLOW

SYSTEM = frozenset({"system"})
MAX_TEXT = 5000

COMMITMENT_FLOW = ModelWorkflow(
    Commitment,
    history=CommitmentHistory,
    machine=COMMITMENT_WORKFLOW,
    capacities=commitment_capacities,
    related=("case", "party", "matter__category", "handling_unit__region"),
)
REPAIR_FLOW = ModelWorkflow(
    CreditRepair,
    history=CreditRepairHistory,
    machine=REPAIR_WORKFLOW,
    capacities=repair_capacities,
    related=("case", "party", "handling_unit__region"),
)
SCAN_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"})
# Which legal bases an item of each kind may rest on.
BASES_OF_KIND = {
    ItemKind.EXEMPTION: (LegalBasis.ART33_MINOR, LegalBasis.ART33_FIRST, LegalBasis.LOCAL),
    ItemKind.REDUCED: (LegalBasis.ART32, LegalBasis.LOCAL),
    ItemKind.LIGHTER: (LegalBasis.ART32, LegalBasis.LOCAL),
}
DEFAULT_BASIS_TEXT = {
    LegalBasis.ART33_MINOR: "《中华人民共和国行政处罚法》第三十三条第一款",
    LegalBasis.ART33_FIRST: "《中华人民共和国行政处罚法》第三十三条第一款",
    LegalBasis.ART32: "《中华人民共和国行政处罚法》第三十二条",
}


def _money(value, *, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError) as exc:
        raise InvalidInput(_("Give an amount in yuan."), field=field) from exc
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(
            _("Give an amount in yuan (not negative, at most two decimals)."), field=field
        )
    return amount


def _day(value) -> str | None:
    return value.isoformat() if value else None


def next_working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day
