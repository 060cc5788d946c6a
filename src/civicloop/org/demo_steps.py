"""The organisation's step of ``civicloop demo`` (registered in ``OrgConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext

from .areas import derive_areas
from .demo import DEMO_PASSWORD, HAIYAN, load_haiyan_organisation


def organisation(context: DemoContext) -> None:
    context.logins.extend(load_haiyan_organisation())
    context.password = DEMO_PASSWORD
    # Haiyan publishes no town boundaries: the maps draw derived (approximate) areas.
    derive_areas(HAIYAN)
    context.say(
        _(
            "Loaded the Haiyan organisation: the county, 9 towns/streets, villages, grids, "
            "units and staff."
        )
    )
