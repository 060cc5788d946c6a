"""The dispatcher sees the routing suggestion at judgement, one click fills in the
category, the suggestion is recorded and acceptance is measured against the
category the dispatcher finally chose; the same over the API; a failing model
never stands in the way of judging."""

from __future__ import annotations

import logging
import re

from django.urls import reverse
from rest_framework.test import APIClient

from civicloop.matters.models import Category
from civicloop.router import services, store
from civicloop.router.choices import ModelSource
from civicloop.router.models import RouterModel, RoutingSuggestion
from civicloop.testing.journeys import report

NOISE = "工厂烟囱每天晚上冒黑烟排放废气，空气污染严重，居民不敢开窗"


def judge_url(event):
    return reverse("events:action", args=[event.pk, "judge"])


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_judge_page_shows_the_suggestion_and_the_accepted_category_ends_up_on_the_event(
    world, mapped, small_model, client
):
    event = report(world, description=NOISE, category=None)
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(judge_url(event)).content.decode()
    assert 'id="routing-suggestion"' in page
    assert 'data-label="环境保护"' in page
    assert "嘉兴市生态环境局海盐分局" in page  # the responsible department
    assert 'id="routing-choices"' in page
    accept = re.search(r'id="accept-suggestion" data-fill-category="(\d+)"', page)
    assert accept and int(accept.group(1)) == mapped["pollution"].pk
    # The one click fills the category field; the dispatcher judges.
    response = client.post(
        judge_url(event),
        {"urgency": "general", "span": "single", "reason": "核实", "category": accept.group(1)},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == "judged" and event.category == mapped["pollution"]
    suggestion = RoutingSuggestion.objects.with_outcome().get(event=event)
    assert suggestion.accepted and suggestion.department_matched
    assert services.acceptance() == [
        {
            "model__version": small_model.version,
            "judged": 1,
            "accepted": 1,
            "with_category": 1,
            "department_matched": 1,
            "shown": 1,
        }
    ]


def test_the_suggestion_shown_is_recorded_once_per_model_and_event(
    world, mapped, small_model, client
):
    event = report(world, description=NOISE, category=None)
    dispatcher = world.wuyuan_dispatcher
    client.force_login(dispatcher)
    client.get(judge_url(event))
    client.get(judge_url(event))
    suggestion = RoutingSuggestion.objects.get()
    assert suggestion.event == event and suggestion.model == small_model
    assert suggestion.label == "环境保护" and suggestion.category == mapped["pollution"]
    assert suggestion.department == mapped["sthj"] and suggestion.department_code == "dept-sthj"
    assert 0 < suggestion.confidence <= 1
    assert [a["label"] for a in suggestion.alternatives] and all(
        a["confidence"] <= suggestion.confidence for a in suggestion.alternatives
    )
    assert suggestion.shown_to == dispatcher and suggestion.created_at is not None


def test_a_dispatchers_other_choice_counts_as_not_accepted(world, mapped, small_model, client):
    event = report(world, description=NOISE, category=None)
    client.force_login(world.wuyuan_dispatcher)
    client.get(judge_url(event))
    client.post(
        judge_url(event),
        {
            "urgency": "general",
            "span": "single",
            "reason": "实为占道经营",
            "category": world.street_vending.pk,
        },
    )
    suggestion = RoutingSuggestion.objects.with_outcome().get()
    assert not suggestion.accepted and not suggestion.department_matched
    assert services.acceptance()[0]["accepted"] == 0
    # What the county model learns is the dispatcher's choice, not the suggestion.
    assert services.history_corpus().labels == ["street-vending"]


def test_a_street_vending_report_is_offered_as_street_vending_with_one_click_choices(
    world, county, small_model, client
):
    event = report(world, description="菜场门口有人摆摊卖水果，占了半条人行道", category=None)
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(judge_url(event)).content.decode()
    street_vending = Category.objects.get(code="street-vending")
    assert f'id="accept-suggestion" data-fill-category="{street_vending.pk}"' in page
    assert "县综合行政执法局" in page and "摆摊" in page
    assert "该标签没有对应的事件类别" not in page
    # No codes or hashes to read: the model is named by its source and date, its version
    # only in an attribute.
    assert page.count(small_model.version) == 1
    assert f'data-model-version="{small_model.version}"' in page
    # The classes' own categories follow as one-click choices, each a county category.
    choices = re.findall(r'data-fill-category="(\d+)"', page)
    assert len(choices) >= 2 and len(set(choices)) == len(choices)
    assert set(map(int, choices)) <= set(Category.objects.values_list("pk", flat=True))
    suggestion = RoutingSuggestion.objects.get(event=event)
    assert suggestion.category == street_vending and suggestion.keyword == "摆摊"
    assert all(a["category"] for a in suggestion.alternatives)


def test_where_the_county_lacks_the_category_the_department_is_still_named(
    world, mapped, small_model, client
):
    # The test county has no 物业管理 and no 其他: the table's rows for them are skipped.
    event = report(world, description="小区物业乱收停车费，还经常停水停电", category=None)
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(judge_url(event)).content.decode()
    assert 'data-label="城乡建设"' in page and "县住房和城乡建设局" in page
    assert 'id="routing-no-category"' in page and 'id="accept-suggestion"' not in page


def test_a_failing_model_never_stands_in_the_way_of_judging(
    world, small_model, client, monkeypatch, caplog
):
    def broken(model):
        raise RuntimeError("model file damaged")

    monkeypatch.setattr(store, "pipeline_for", broken)
    event = report(world, description=NOISE)
    client.force_login(world.wuyuan_dispatcher)
    with caplog.at_level(logging.ERROR, logger="civicloop.router"):
        response = client.get(judge_url(event))
    assert response.status_code == 200
    assert 'id="routing-unavailable"' in response.content.decode()
    assert "no routing suggestion" in caplog.text
    response = client.post(
        judge_url(event), {"urgency": "general", "span": "single", "reason": "核实"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == "judged"
    assert not RoutingSuggestion.objects.exists()


def test_other_action_pages_do_not_ask_the_model(world, client, monkeypatch):
    monkeypatch.setattr(services, "suggest", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    event = report(world)
    client.force_login(world.wuyuan_dispatcher)
    assert client.get(reverse("events:action", args=[event.pk, "void"])).status_code == 200


def test_the_api_gives_the_suggestion_and_the_event_detail_shows_it(world, mapped, small_model):
    event = report(world, description=NOISE, category=None)
    client = api(world.wuyuan_dispatcher)
    detail = client.get(f"/api/events/{event.pk}/").json()
    assert detail["routing_suggestion"] is None  # nothing was suggested yet
    response = client.get(f"/api/events/{event.pk}/routing-suggestion/")
    assert response.status_code == 200
    body = response.json()
    assert body["label"] == "环境保护" and body["category"] == "pollution"
    assert (
        body["department"] == "dept-sthj" and body["department_name"] == "嘉兴市生态环境局海盐分局"
    )
    assert body["model_version"] == small_model.version and 0 < body["confidence"] <= 1
    assert {
        "label",
        "name",
        "confidence",
        "category",
        "department",
        "department_name",
        "keyword",
    } == set(body["alternatives"][0])
    assert RoutingSuggestion.objects.count() == 1
    detail = client.get(f"/api/events/{event.pk}/").json()
    assert detail["routing_suggestion"] == body


def test_the_routing_suggestion_endpoint_is_scoped_like_the_detail(world, small_model):
    event = report(world, description=NOISE)
    assert (
        api(world.ganpu_dispatcher).get(f"/api/events/{event.pk}/routing-suggestion/").status_code
        == 404
    )
    assert APIClient().get(f"/api/events/{event.pk}/routing-suggestion/").status_code == 401
    assert not RoutingSuggestion.objects.exists()


def test_the_api_answers_503_when_the_model_fails(world, small_model, monkeypatch):
    monkeypatch.setattr(store, "pipeline_for", lambda model: 1 / 0)
    event = report(world, description=NOISE)
    response = api(world.wuyuan_dispatcher).get(f"/api/events/{event.pk}/routing-suggestion/")
    assert response.status_code == 503 and response.json()["code"] == "unavailable"


def test_without_a_trained_model_the_starter_suggests_from_the_real_messages(
    world, mapped, settings
):
    """The one test that fits the real starter model (once per session, cached in VAR_DIR)."""
    model = services.active_model()
    assert model.source == ModelSource.STARTER and model.n_samples == 347
    assert len(model.labels) == 7 and model.metrics["macro_f1"] > 0.7
    cached = list((settings.VAR_DIR / "router" / "models").glob(f"{model.version}*"))
    assert cached  # the fitted pipeline and its measurements live under VAR_DIR
    prediction = services.predict_texts(model, ["出租车司机拒载，不打表乱收费，请规范出租车管理"])[
        0
    ]
    assert prediction.label == "交通运输"
    event = report(
        world, description="小区旁边的化工厂偷排废水，河水发黑发臭，污染严重", category=None
    )
    suggestion = services.suggest(event)
    assert suggestion.model == model and suggestion.label == "环境保护"
    assert suggestion.category == mapped["pollution"]


def test_a_switched_off_model_gives_way_to_the_starter(small_model):
    assert services.active_model() == small_model
    RouterModel.objects.filter(pk=small_model.pk).update(is_active=False)
    assert services.active_model().source == ModelSource.STARTER


def test_the_combined_judge_and_dispatch_page_offers_the_same_one_click_choices(
    world, county, small_model, client
):
    event = report(world, description="菜场门口有人摆摊卖水果，占了半条人行道", category=None)
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(reverse("events:judge-dispatch", args=[event.pk])).content.decode()
    street_vending = Category.objects.get(code="street-vending")
    assert f'id="accept-suggestion" data-fill-category="{street_vending.pk}"' in page
    assert re.search(r'<select name="category"', page)  # what the click fills
