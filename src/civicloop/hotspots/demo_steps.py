"""The hotspots' step of ``civicloop demo`` (registered in ``HotspotsConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext

from .demo import play_demo_hotspots


def spikes(context: DemoContext) -> None:
    if not context.stories:
        return
    result = play_demo_hotspots(seed=context.seed)
    context.say(
        _("Added %(n)d events with spikes and duplicates; %(w)d spike warnings raised.")
        % {"n": result.events, "w": result.warnings}
    )
