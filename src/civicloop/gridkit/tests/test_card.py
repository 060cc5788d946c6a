"""The card of common enforcement matters: counted from the events located in the grid
(else its village, else its town), most frequent first, each with the unit the routing
rules send it to today — the town squad when the town holds the matter, else the owning
county department — and how to report (masked phones, station, public page)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from civicloop.events import services as events
from civicloop.gridkit.card import MIN_EVENTS, build_card
from civicloop.gridkit.choices import CardBasis, HandlerRule
from civicloop.matters import services as matters
from civicloop.testing.matters import grant, make_matter

from .conftest import TODAY, reports


@pytest.fixture
def busy_grid(world, zd001_held):
    """In the 百可 grid: 5 food-safety reports, 3 of ZD-001, 1 dispute."""
    reports(world, 5, category=world.food_safety)
    reports(world, 3, matter=zd001_held)
    reports(world, 1, category=world.disputes)
    return world.wuyuan_grid


def keys(card) -> list[str]:
    return [item["key"] for item in card["items"]]


def test_the_card_lists_the_grids_most_frequent_matters_first(world, busy_grid):
    card = build_card(busy_grid, on=TODAY)
    assert card["basis"] == {
        "level": CardBasis.GRID,
        "code": busy_grid.code,
        "name": busy_grid.name,
        "events": 9,
    }
    assert keys(card) == ["category:food-safety", "matter:ZD-001", "category:disputes"]
    assert [item["count"] for item in card["items"]] == [5, 3, 1]
    assert [item["rank"] for item in card["items"]] == [1, 2, 3]
    zd = card["items"][1]
    assert zd["name"] == "对擅自占用城市道路（含占道经营）的行政处罚"
    assert zd["legal_basis"] == "《城市道路管理条例》第四十二条"


def test_a_matter_the_town_holds_today_is_handled_by_its_squad(world, busy_grid):
    zd = build_card(busy_grid, on=TODAY)["items"][1]
    assert zd["handler"]["code"] == world.wuyuan_squad.code
    assert zd["rule"] == HandlerRule.TOWN_HOLDS and zd["held_by_town"] is True


def test_a_matter_the_town_does_not_hold_goes_to_the_owning_county_department(world, zd001):
    reports(world, 5, matter=zd001)
    zd = build_card(world.wuyuan_grid, on=TODAY)["items"][0]
    assert zd["handler"]["code"] == world.dept_zhzf.code
    assert zd["rule"] == HandlerRule.COUNTY_DEPARTMENT and zd["held_by_town"] is False


def test_the_handler_follows_the_empowerment_in_force_today(world, zd001):
    reports(world, 5, matter=zd001)
    row = grant(world, zd001, start=TODAY - dt.timedelta(days=30))
    assert (
        build_card(world.wuyuan_grid, on=TODAY)["items"][0]["handler"]["code"]
        == world.wuyuan_squad.code
    )
    matters.end_grant(
        row, by=world.centre, effective_to=TODAY - dt.timedelta(days=1), reason="收回"
    )
    assert (
        build_card(world.wuyuan_grid, on=TODAY)["items"][0]["handler"]["code"]
        == world.dept_zhzf.code
    )


def test_categories_without_a_matter_follow_the_same_routing_rules(world, busy_grid):
    card = build_card(busy_grid, on=TODAY)
    food, disputes = card["items"][0], card["items"][2]
    # 食品安全: the towns may not handle it → 县市场监督管理局.
    assert (
        food["handler"]["code"] == world.dept_scjg.code
        and food["rule"] == HandlerRule.COUNTY_DEPARTMENT
    )
    # 矛盾纠纷 is a village-level category → the village liaison station.
    assert disputes["handler"]["code"] == world.wuyuan_station.code
    assert disputes["rule"] == HandlerRule.VILLAGE_STATION


def test_a_quiet_grid_counts_its_village_then_its_town(world, zd001_held):
    reports(world, 2, matter=zd001_held)
    card = build_card(world.wuyuan_grid, on=TODAY)
    assert card["basis"]["level"] == CardBasis.TOWN and card["basis"]["events"] == 2
    reports(world, MIN_EVENTS - 2, region=world.wuyuan_village, category=world.food_safety)
    card = build_card(world.wuyuan_grid, on=TODAY)
    assert card["basis"] == {
        "level": CardBasis.VILLAGE,
        "code": world.wuyuan_village.code,
        "name": world.wuyuan_village.name,
        "events": MIN_EVENTS,
    }
    # Another village's reports count only at town level.
    reports(world, 4, region=world.wuyuan_grid2, category=world.disputes)
    assert build_card(world.wuyuan_grid, on=TODAY)["basis"]["events"] == MIN_EVENTS


def test_voided_and_merged_reports_and_reports_outside_the_period_are_not_counted(
    world, zd001_held
):
    made = reports(world, 6, matter=zd001_held)
    events.void_event(made[0], by=world.wuyuan_dispatcher, reason="无效")
    events.merge_event(made[1], into=made[2], by=world.wuyuan_dispatcher, reason="重复")
    old = reports(world, 1, matter=zd001_held)[0]
    type(old).objects.filter(pk=old.pk).update(reported_at=old.reported_at - dt.timedelta(days=400))
    card = build_card(world.wuyuan_grid, on=TODAY)
    assert card["items"][0]["count"] == 4


def test_how_to_report_names_the_grid_team_with_masked_phones_the_station_and_the_public_page(
    world,
):
    report = build_card(world.wuyuan_grid, on=TODAY)["report"]
    assert report["red_butler"] == {
        "name": "red_butler",
        "role": "red_butler",
        "phone": "138****0000",
    }
    assert report["grid_worker"]["name"] == "grid_worker"
    assert report["others"] == 1  # the part-time grid worker
    assert report["village_station"]["code"] == world.wuyuan_station.code
    assert report["public_report_path"] == reverse("public:report")


def test_the_card_page_shows_the_items_handlers_and_contacts(world, busy_grid, client, settings):
    settings.CIVICLOOP_PUBLIC_URL = "https://civicloop.haiyan.example"
    client.force_login(world.grid_worker)
    page = client.get(reverse("gridkit:card", args=[busy_grid.code])).content.decode()
    items = page[page.index('id="gk-card-items"') : page.index('id="gk-report"')]
    assert items.index('data-item="category:food-safety"') < items.index(
        'data-item="matter:ZD-001"'
    )
    assert 'data-handler="330424001-squad"' in items and "武原街道综合行政执法队" in items
    assert "《城市道路管理条例》第四十二条" in items
    assert "138****0000" in page and "13800000000" not in page
    assert "https://civicloop.haiyan.example/report/" in page
    assert "百可社区行政执法联络站" in page


def test_the_card_says_when_it_is_empty(world, client):
    client.force_login(world.grid_worker)
    page = client.get(reverse("gridkit:card", args=[world.wuyuan_grid.code])).content.decode()
    assert 'id="gk-card-empty"' in page


def test_a_new_wording_of_a_matter_appears_on_the_card(world, zd001_held):
    reports(world, 5, matter=zd001_held)
    from civicloop.testing.matters import content

    matters.add_matter_version(
        zd001_held,
        by=None,
        system=True,
        effective_from=TODAY,
        content=content(name="对擅自占用城市道路的行政处罚（新）"),
    )
    assert (
        build_card(world.wuyuan_grid, on=TODAY)["items"][0]["name"]
        == "对擅自占用城市道路的行政处罚（新）"
    )


def test_matters_of_another_county_department_keep_their_department(world):
    market = make_matter(
        world,
        "SC-001",
        category=world.food_safety,
        department=world.dept_scjg,
        delegable=False,
        name="对食品摊贩的行政处罚",
    )
    reports(world, 5, matter=market)
    item = build_card(world.wuyuan_grid, on=TODAY)["items"][0]
    assert item["handler"]["code"] == world.dept_scjg.code
