"""Supervision's step of ``civicloop demo`` (registered in ``SupervisionConfig.ready()``)."""

from civicloop.core.registry import DemoContext

from .demo import load


def supervision(context: DemoContext) -> None:
    load(context)
