"""One work queue per person (core/workqueue.py): every app's items, ranked by deadline,
counted per kind, each person seeing only their own work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from civicloop.core.workqueue import WorkItem, register_work_provider, work_providers, work_queue
from civicloop.events import services as event_services
from civicloop.events.choices import Span, Urgency
from civicloop.matters import services as matter_services
from civicloop.testing.events import report_at
from civicloop.testing.matters import make_matter

NOW = timezone.now()


@pytest.fixture
def fake_provider(world):
    items = [
        WorkItem(kind="fake", title="三天后", url="/c/", deadline=NOW + dt.timedelta(days=3)),
        WorkItem(kind="fake", title="没有期限", url="/d/"),
        WorkItem(kind="fake", title="昨天", url="/a/", deadline=NOW - dt.timedelta(days=1)),
        WorkItem(
            kind="fake",
            title="明天",
            url="/b/",
            deadline=timezone.localdate() + dt.timedelta(days=1),
        ),
    ]
    register_work_provider(
        "fake", label="测试", items_for=lambda user: items if user == world.leader else []
    )
    yield items
    work_providers.unregister("fake")


def test_the_queue_ranks_every_item_by_deadline_with_undated_ones_last(world, fake_provider):
    queue = work_queue(world.leader, at=NOW)
    fake = queue.of_kind("fake")
    assert [item.title for item in fake] == ["昨天", "明天", "三天后", "没有期限"]
    count = next(c for c in queue.counts if c.name == "fake")
    assert (count.count, count.overdue) == (4, 1)


def test_a_person_without_work_gets_an_empty_queue_and_the_page_says_so(world, client):
    client.force_login(world.dept_officer)
    page = client.get(reverse("work-queue"))
    assert page.status_code == 200
    assert 'id="work-empty"' in page.content.decode()


def test_the_leaders_queue_shows_the_empowerment_request_awaiting_his_decision(world, client):
    matter = make_matter(world)
    request = matter_services.submit_request(
        town=world.wuyuan,
        matter=matter,
        by=world.wuyuan_dispatcher,
        reason="辖区占道经营问题多发，执法队已配备人员。",
        wanted_from=timezone.localdate() + dt.timedelta(days=10),
    )
    items = work_queue(world.leader).of_kind("empowerment")
    assert [item.url for item in items] == [reverse("matters:request", args=[request.pk])]
    # The town asked; it does not decide, so the request is not its work.
    assert work_queue(world.wuyuan_dispatcher).of_kind("empowerment") == []
    client.force_login(world.leader)
    html = client.get(reverse("work-queue")).content.decode()
    assert reverse("matters:request", args=[request.pk]) in html
    assert 'id="work-kind-empowerment"' in html and "等待您决定" in html


def test_a_town_dispatcher_sees_only_his_towns_events_in_the_queue(world):
    wuyuan = report_at(world, NOW, region=world.wuyuan_grid, title="武原占道")
    ganpu = report_at(world, NOW, region=world.ganpu_grid, by=world.ganpu_grid_worker)
    mine = {item.url for item in work_queue(world.wuyuan_dispatcher).of_kind("events")}
    theirs = {item.url for item in work_queue(world.ganpu_dispatcher).of_kind("events")}
    assert reverse("events:detail", args=[wuyuan.pk]) in mine
    assert reverse("events:detail", args=[ganpu.pk]) not in mine
    assert theirs == {reverse("events:detail", args=[ganpu.pk])}


def test_events_waiting_for_dispatch_rank_by_their_deadline_and_urgency_is_shown(world):
    first = report_at(world, NOW - dt.timedelta(hours=5), title="早报")
    second = report_at(world, NOW - dt.timedelta(hours=1), title="晚报")
    event_services.judge_event(
        second,
        by=world.wuyuan_dispatcher,
        urgency=Urgency.URGENT,
        span=Span.SINGLE,
        reason="危及通行",
    )
    items = work_queue(world.wuyuan_dispatcher).of_kind("events")
    assert {item.url for item in items} == {
        reverse("events:detail", args=[e.pk]) for e in (first, second)
    }
    deadlines = [item.due_at for item in items]
    assert None not in deadlines and deadlines == sorted(deadlines)
    urgent = next(i for i in items if i.url == reverse("events:detail", args=[second.pk]))
    assert urgent.urgency == "紧急"
    assert "待派遣" in str(urgent.state) or "派遣" in str(urgent.state)


def test_the_event_queue_points_to_the_rest_of_the_leaders_work(world, client):
    matter_services.submit_request(
        town=world.wuyuan,
        matter=make_matter(world),
        by=world.wuyuan_dispatcher,
        reason="辖区占道经营问题多发，执法队已配备人员。",
        wanted_from=timezone.localdate() + dt.timedelta(days=10),
    )
    client.force_login(world.leader)
    html = client.get(reverse("events:queue")).content.decode()
    assert 'id="queue-other-work"' in html and "点单赋权申请 1" in html
    client.force_login(world.ganpu_dispatcher)
    assert 'id="queue-other-work"' not in client.get(reverse("events:queue")).content.decode()


@pytest.fixture
def many_items(world):
    items = [
        WorkItem(
            kind="many",
            title=f"第{n:02d}件",
            url=f"/m/{n}/",
            deadline=NOW + dt.timedelta(hours=n),
        )
        for n in range(1, 13)
    ]
    register_work_provider(
        "many", label="多件", items_for=lambda user: items if user == world.leader else []
    )
    yield items
    work_providers.unregister("many")


def test_staff_land_on_the_one_queue_which_shows_ten_cards_a_page(world, client, many_items):
    client.force_login(world.wuyuan_dispatcher)
    assert client.get("/")["Location"] == reverse("work-queue")
    client.force_login(world.leader)
    first = client.get(reverse("work-queue") + "?kind=many").content.decode()
    assert first.count('data-kind="many"') == 10 and "第01件" in first and "第11件" not in first
    assert 'id="page-next"' in first and "kind=many&amp;page=2" in first
    second = client.get(reverse("work-queue") + "?kind=many&page=2").content.decode()
    assert second.count('data-kind="many"') == 2 and "第12件" in second
