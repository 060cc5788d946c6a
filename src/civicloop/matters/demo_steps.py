"""The empowerment steps of ``civicloop demo`` (registered in ``MattersConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext

from .demo import (
    load_demo_assessment,
    load_demo_empowerment,
    load_demo_requests,
)


def empowerment(context: DemoContext) -> None:
    result = load_demo_empowerment()
    context.say(
        _("Loaded %(matters)d enforcement matters and %(grants)d empowerment grants.")
        % {"matters": result.matters, "grants": result.grants}
    )


def requests_and_assessment(context: DemoContext) -> None:
    requests = load_demo_requests()
    assessment = load_demo_assessment(seed=context.seed)
    if requests or assessment:
        context.say(
            _("Added %(n)d empowerment requests and the assessment round “%(round)s”.")
            % {"n": requests, "round": assessment or "—"}
        )
