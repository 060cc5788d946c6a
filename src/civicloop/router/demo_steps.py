"""The routing step of ``civicloop demo --serve`` (registered in ``RouterConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext

from .learning import TrainingError
from .services import ensure_starter, train_from_history

DEMO_FOLDS = 3


def starter_model(context: DemoContext) -> None:
    """The county model from the demo's judged events (what ``civicloop router train``
    does), else the starter. Fitted and cross-validated once per machine and data: a
    demo built again with the same seed reads both from ``VAR_DIR/router/``."""
    try:
        # Three folds, not five: the demo's few hundred judged texts with the starter's
        # 347 cost about what the starter's own fit and 5-fold cross-validation did.
        report = train_from_history(folds=DEMO_FOLDS)
    except TrainingError:
        # No judged events: the first judgement page would otherwise fit the starter.
        starter = ensure_starter()
        context.say(_("Routing model ready: %(version)s.") % {"version": starter.version})
        return
    model = report.model
    context.say(
        _("Routing model trained on the demo's judged events: %(version)s (%(detail)s).")
        % {"version": model.version, "detail": model.source_detail}
    )
    if model.metrics:
        context.detail(
            _("Cross-validated accuracy %(accuracy).3f on %(n)d texts.")
            % {"accuracy": model.metrics["accuracy"], "n": model.n_samples}
        )
