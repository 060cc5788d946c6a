"""What the discretion calculator adds to penalty cases through ``cases.hooks`` (core/registry.py);
:func:`register` runs from ``DiscretionConfig.ready()``, so cases never imports discretion."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.cases import hooks

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
    hooks.case_panels.add(
        hooks.CasePanel(
            name="discretion.calculator",
            template="discretion/_case_panel.html",
            context=panel,
            order=40,
            pages=frozenset(
                {hooks.DETAIL, "conclude_investigation", "conclude_fast_track", "decide"}
            ),
        )
    )
