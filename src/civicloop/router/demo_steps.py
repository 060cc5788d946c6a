"""The routing step of ``civicloop demo --serve`` (registered in ``RouterConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext

from .services import ensure_starter


def starter_model(context: DemoContext) -> None:
    # The first judgement page would otherwise fit the starter routing model (seconds).
    starter = ensure_starter()
    context.say(_("Routing model ready: %(version)s.") % {"version": starter.version})
