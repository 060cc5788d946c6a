"""The routing suggestion on the judge page (研判): what the events app shows above
its judge form. Computing it never stands in the way of judging."""

from __future__ import annotations

import logging

from . import services

logger = logging.getLogger(__name__)


def judge_page_context(request, event) -> dict:
    """What ``router/_suggestion.html`` shows: the suggestion (recorded as shown to
    this user) with its choices, or ``{"unavailable": True}`` when the model could
    not make one."""
    suggestion = services.suggest(event, user=request.user)
    if suggestion is None:
        return {"unavailable": True}
    try:
        choices = services.choices_of(suggestion)
    except Exception:
        logger.exception("cannot show the routing suggestion of event %s", event.pk)
        return {"unavailable": True}
    best = choices[0]
    return {
        "suggestion": suggestion,
        "best": best,
        "alternatives": choices[1:],
        # The class a starter model gave (城乡建设…), said once next to the category the
        # mapping made of it. A county model's labels are category codes: never shown.
        "model_class": ""
        if suggestion.label.isascii() or suggestion.label == best.name
        else suggestion.label,
    }
