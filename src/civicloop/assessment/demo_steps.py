"""The assessment step of ``civicloop demo`` (registered in ``AssessmentConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext

from .demo import load_demo_assessment


def assessment(context: DemoContext) -> None:
    round_ = load_demo_assessment(seed=context.seed)
    if round_:
        context.say(_("Added the assessment round “%(round)s”.") % {"round": round_})
