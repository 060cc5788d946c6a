"""The county model is retrained on the events dispatchers judge as they accumulate
(``civicloop router train``, the worker's weekly task, the demo): a new version when the
history changed, nothing when it did not."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext, periodic_tasks
from civicloop.events import services as event_services
from civicloop.events.choices import Span, Urgency
from civicloop.router import demo_steps, services
from civicloop.router.choices import ModelSource
from civicloop.router.models import RouterModel
from civicloop.router.tasks import retrain_router
from civicloop.testing.journeys import report

from .conftest import SMALL


def judged(world, description, *, final):
    event = report(world, description=description, category=None)
    event_services.judge_event(
        event,
        by=world.wuyuan_dispatcher,
        urgency=Urgency.GENERAL,
        span=Span.SINGLE,
        reason="研判",
        category=final,
    )
    return event


@pytest.fixture
def history(world, mapped, monkeypatch):
    """Two dozen judged events; the county model learns from them alone (a small
    threshold instead of 1 000, to keep the test fast)."""
    monkeypatch.setattr(services, "HISTORY_ALONE", 6)
    for title, body, label in SMALL:
        final = {"环境保护": mapped["pollution"], "交通运输": mapped["transport"]}.get(label)
        if final:
            judged(world, f"{title}，{body}", final=final)
    return mapped


def test_retraining_with_nothing_new_keeps_the_model_in_use(history):
    first = services.train_from_history(folds=3)
    again = services.train_from_history(folds=3)
    assert not first.unchanged and again.unchanged
    assert again.model == first.model and RouterModel.objects.count() == 1


def test_newly_judged_events_give_a_new_version_that_takes_over(world, history):
    first = services.train_from_history(folds=3).model
    judged(world, "货车超载压坏村道，尘土飞扬", final=history["transport"])
    second = services.train_from_history(folds=3).model
    assert second != first and second.version != first.version
    assert second.source == ModelSource.COUNTY_HISTORY and second.n_samples == first.n_samples + 1
    assert services.active_model() == second
    assert RouterModel.objects.filter(pk=first.pk, is_active=True).exists()  # kept, not in use
    assert second.metrics["folds"] == 3 and 0 <= second.metrics["accuracy"] <= 1


def test_the_same_text_judged_twice_is_one_text_weighted_twice(world, mapped):
    for _time in range(2):
        judged(world, "汽车站门口黑车拉客", final=mapped["transport"])
    judged(world, "化工厂偷排废水", final=mapped["pollution"])
    corpus = services.history_corpus()
    assert corpus.labels == ["transport", "pollution"] and corpus.weights == [2.0, 1.0]
    assert services.county_training_set()[3] == 3  # judged events, not texts


def test_a_model_trained_again_in_a_new_database_reuses_the_cached_fit(
    history, monkeypatch, fresh_pipelines
):
    first = services.train_from_history(folds=3).model
    RouterModel.objects.all().delete()  # as a demo built again from scratch

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted again")

    monkeypatch.setattr(services.learning, "fit", no_fit)
    monkeypatch.setattr(services.learning, "cross_validate", no_fit)
    again = services.train_from_history(folds=3).model
    assert again.metrics == first.metrics and again.data_sha256 == first.data_sha256
    assert services.predict_texts(again, ["出租车不打表"])[0].label == "transport"


def test_the_worker_retrains_weekly_and_says_why_when_it_cannot(world):
    assert "router.retrain" in {task.name for task in periodic_tasks}
    result = retrain_router.enqueue().return_value
    assert result["trained"] is False
    assert result["reason"] == _(
        "No judged event has a category yet; the starter model stays in use."
    )
    assert not RouterModel.objects.exists()


def test_the_worker_task_trains_from_judged_events(history):
    result = retrain_router.enqueue().return_value
    assert result["trained"] is True and result["judged_events"] == 24
    assert services.active_model().version == result["version"]
    assert retrain_router.enqueue().return_value["trained"] is False  # nothing new


def test_the_demo_trains_the_county_model_on_its_judged_events(history):
    said = []
    context = DemoContext(
        events=0, seed=0, say=said.append, skip=said.append, warn=said.append, detail=said.append
    )
    demo_steps.starter_model(context)
    model = services.active_model()
    assert model.source == ModelSource.COUNTY_HISTORY
    assert any(model.version in line for line in said)
