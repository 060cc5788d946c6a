"""What the discretion app adds to penalty cases through ``cases.hooks`` and ``cases.panels``
(core/registry.py); :func:`register` runs from ``DiscretionConfig.ready()``, so cases never
imports discretion."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.cases import hooks, panels

from .assessing import BandCheck, outside_band, panel

OUTSIDE_BAND = "outside_discretion_band"


def register() -> None:
    hooks.fine_checks.register("discretion_band", BandCheck())
    hooks.review_reasons.add(
        hooks.ReviewReasonRule(
            code=OUTSIDE_BAND,
            label=_("the fine lies outside the discretion benchmark's recommended band"),
            applies=outside_band,
        )
    )
    panels.register_case_panel(
        "discretion_panel",
        context=panel,
        template="discretion/_case_panel.html",
        pages=[panels.DETAIL, "conclude_investigation", "conclude_fast_track", "decide"],
    )
