"""The empowerment steps of ``civicloop demo`` (registered in ``MattersConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext

from .demo import load_demo_empowerment, load_demo_requests


def empowerment(context: DemoContext) -> None:
    result = load_demo_empowerment()
    context.say(
        _("Loaded %(matters)d enforcement matters and %(grants)d empowerment grants.")
        % {"matters": result.matters, "grants": result.grants}
    )


def requests(context: DemoContext) -> None:
    added = load_demo_requests()
    if added:
        context.say(_("Added %(n)d empowerment requests.") % {"n": added})
