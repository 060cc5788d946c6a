"""The discretion steps of ``civicloop demo`` (registered in ``DiscretionConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext

from .starter import load_starter


def starter_benchmarks(context: DemoContext) -> None:
    benchmark, created = load_starter()
    items = benchmark.items.count()
    if created:
        context.say(
            _("Made the starter discretion benchmark: %(items)d items from the stated rule.")
            % {"items": items}
        )
    else:
        context.detail(
            _("The starter discretion benchmark exists (%(items)d items).") % {"items": items}
        )
