"""Background work of the router app (run by ``civicloop worker``): retraining the county
model on the events judged since (智能分拨模型的定期再训练)."""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

from .learning import TrainingError
from .services import train_from_history

logger = logging.getLogger(__name__)

# A week: judged events accumulate slowly; an unchanged history trains nothing.
RETRAIN_SECONDS = 7 * 24 * 3600


def retrain_seconds() -> int:
    return int(getattr(settings, "CIVICLOOP_ROUTER_RETRAIN_SECONDS", RETRAIN_SECONDS))


@task()
def retrain_router() -> dict:
    """Train a county model from the judged events (+ the starter messages while they are
    few); a history the active model already learned trains nothing."""
    try:
        report = train_from_history()
    except TrainingError as exc:
        return {"trained": False, "reason": str(exc)}
    model = report.model
    if not report.unchanged:
        logger.info("routing model %s trained on %d texts", model.version, model.n_samples)
    return {
        "trained": not report.unchanged,
        "version": model.version,
        "judged_events": report.history,
        "accuracy": (model.metrics or {}).get("accuracy"),
    }
