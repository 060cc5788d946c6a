"""The leaders' cockpit page, its Excel export and the definitions page (numbers hand-counted
in test_views_support.py)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from civicloop.cockpit import services
from civicloop.cockpit.report import REPORT_FIGURES
from civicloop.core.figures import Period, figures
from civicloop.testing.cases import at

from .test_views_support import MARCH, build_march, registered_test_figures, town_leader

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_figures():
    with registered_test_figures() as registered:
        yield registered


@pytest.fixture
def march(world, test_figures):
    return build_march(world)


BOARD = "/cockpit/"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def get(client, user, url=BOARD, **params):
    client.force_login(user)
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="zh-hans")


def card(html: str, key: str) -> str:
    """The HTML of one figure's card."""
    match = re.search(rf'<article[^>]*data-figure="{re.escape(key)}".*?</article>', html, re.S)
    assert match, f"no card for {key}"
    return match.group(0)


def value_link(card_html: str) -> tuple[str, str]:
    match = re.search(r'<a href="([^"]+)" class="cockpit-value-link"[^>]*>([^<]+)</a>', card_html)
    assert match, "the number is not a link"
    return match.group(1).replace("&amp;", "&"), match.group(2)


# --- who lands where ----------------------------------------------------------------------


def test_a_leader_lands_on_the_cockpit_from_the_home_page(client, world):
    client.force_login(world.leader)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("cockpit:board")
    assert client.get(response["Location"]).status_code == 200


def test_the_county_leader_opens_on_the_county(client, march):
    html = get(client, march.leader, **MARCH).content.decode()
    assert 'id="cockpit-place">海盐县<' in html
    # The towns are links into their own cockpit.
    assert 'data-region="330424001000"' in html and 'data-region="330424105000"' in html


def test_a_town_leaders_default_region_is_his_town(client, march):
    leader = town_leader(march)
    response = get(client, leader, **MARCH)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="cockpit-place">武原街道<' in html
    _url, number = value_link(card(html, "cockpit_test.reported"))
    assert number == "2"  # 武原's two March events, not the county's three


def test_a_town_dispatcher_reads_his_town_but_not_another(client, march):
    # Leaders' scope is everything (org.scope); a town command room's is its town.
    dispatcher = march.wuyuan_dispatcher
    html = get(client, dispatcher, **MARCH).content.decode()
    assert 'id="cockpit-place">武原街道<' in html
    assert get(client, dispatcher, region="330424105000", **MARCH).status_code == 403
    assert get(client, dispatcher, region="all", **MARCH).status_code == 403


def test_a_grid_worker_is_refused(client, world):
    assert get(client, world.grid_worker).status_code == 403
    assert get(client, world.grid_worker, url="/cockpit/export.xlsx").status_code == 403


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"region": "999999999999"},
            _("There is no county, town or village with the code %(code)s.")
            % {"code": "999999999999"},
        ),
        (  # a grid is not a cockpit place
            {"region": "330424001001001"},
            _("There is no county, town or village with the code %(code)s.")
            % {"code": "330424001001001"},
        ),
        (
            {"period": "custom", "from": "2025-02-30", "to": "2025-03-31"},
            _("The start date is not a date (write it as 2026-03-01)."),
        ),
        (
            {"period": "custom", "from": "2025-03-31", "to": "2025-03-01"},
            _("The last day comes before the first day."),
        ),
        ({"period": "month", "month": "13"}, _("The month must lie between 1 and 12.")),
        ({"period": "decade"}, _("Choose a year, a quarter, a month or custom dates.")),
    ],
)
def test_a_bad_region_or_date_is_a_400_with_a_message(client, world, params, message):
    response = get(client, world.leader, **params)
    assert response.status_code == 400
    errors = re.search(r'id="cockpit-errors".*?</div>', response.content.decode(), re.S).group(0)
    assert str(message) in errors
    assert get(client, world.leader, url="/cockpit/export.xlsx", **params).status_code == 400


def test_the_cockpits_messages_have_chinese_translations():
    """The catalogue holds the page's messages (merged from NEW_MESSAGES_cockpit_ui.po)."""
    assert _("The last day comes before the first day.") == "结束日期早于开始日期。"
    assert _("Not counted yet: %(work)s") == "尚未统计：%(work)s"
    assert _("%(period)s (to date)") == "%(period)s（至今）"


# --- the cards ----------------------------------------------------------------------------


def test_each_cards_number_links_to_the_records_behind_it(client, march):
    html = get(client, march.leader, **MARCH).content.decode()
    url, number = value_link(card(html, "cockpit_test.reported"))
    assert number == "3"
    assert url.startswith(reverse("events:list"))
    assert "reported_after=2025-03-01" in url and "reported_before=2025-03-31" in url
    # The list behind the number holds the three events counted.
    listed = client.get(url).content.decode()
    assert listed.count("<tr class=") == 3 and "data-event=" in listed


def test_changes_are_coloured_by_whether_they_are_good_news(client, march):
    html = get(client, march.leader, **MARCH).content.decode()
    reported = card(html, "cockpit_test.reported")
    # Three events against one, where fewer is better: +200%, red.
    assert re.search(r'class="delta bad"[^>]*>[^<]*↑ \+200\.0%', reported)
    share = card(html, "cockpit_test.patrol_share")
    # 2 of 3 by patrol, as a percentage with two decimals, not a link (no drill-down).
    assert "66.67%" in share and "cockpit-value-link" not in share
    # Last March every event came from a patrol (100%): −33.3 points, where higher is better.
    assert re.search(r'class="delta bad"[^>]*>[^<]*↓ −33\.3', share)


def test_the_report_section_lists_every_report_figure(client, march):
    html = get(client, march.leader, **MARCH).content.decode()
    section = re.search(r'id="cockpit-report".*?</section>', html, re.S).group(0)
    assert section.count("<tr data-figure=") == len(REPORT_FIGURES)
    rows = re.findall(r"<tr data-figure=.*?</tr>", section, re.S)
    for item, row in zip(REPORT_FIGURES, rows, strict=True):
        assert f'data-figure="{item.key}"' in row
        assert f"<td>{item.text}</td>" in row
        if item.figure is None and item.filled_by:
            assert _("Not counted yet: %(work)s") % {"work": item.filled_by} in row


def test_the_ranking_lists_the_towns_best_first_with_links(client, march):
    html = get(client, march.leader, figure="cockpit_test.reported", **MARCH).content.decode()
    table = re.search(r'id="cockpit-ranking".*?</table>', html, re.S).group(0)
    rows = re.findall(
        r'data-region="(\d+)">([^<]+)</a></td>\s*<td class="cockpit-number">([^<]+)<', table
    )
    # Fewer events is better: 澉浦 (1) ranks above 武原 (2).
    assert rows == [("330424105000", "澉浦镇", "1"), ("330424001000", "武原街道", "2")]
    assert 'id="cockpit-trend"' in html and 'id="cockpit-trend-data"' in html


def test_the_trend_has_24_months_ending_with_the_period(client, march):
    response = get(client, march.leader, figure="cockpit_test.reported", **MARCH)
    chart = response.context["chart"]
    assert len(chart["months"]) == 24 and chart["months"][-1] == "2025-03"
    by_month = dict(zip(chart["months"], chart["series"][0]["data"], strict=True))
    assert by_month["2025-03"] == 3 and by_month["2025-02"] == 1 and by_month["2024-03"] == 1


def test_the_default_period_is_this_calendar_year_to_date(client, world):
    with at(dt.datetime(2025, 6, 1, 10, 0)):
        response = get(client, world.leader)
    assert response.status_code == 200
    # This year so far, so it compares with the same days of last year, not all of it.
    board = response.context["board"]
    assert board.period == Period(dt.date(2025, 1, 1), dt.date(2025, 6, 1))
    assert board.period.last_year() == Period(dt.date(2024, 1, 1), dt.date(2024, 6, 1))
    expected = _("%(period)s (to date)") % {"period": _("year %(year)s") % {"year": 2025}}
    assert f'id="cockpit-period">{expected}<' in response.content.decode()
    # A past year is not "to date".
    response = get(client, world.leader, period="year", year="2024")
    assert response.context["period_label"] == _("year %(year)s") % {"year": 2024}


# --- the export and the definitions --------------------------------------------------------


def test_the_export_has_the_shown_figures_values(client, march):
    response = get(
        client, march.leader, url="/cockpit/export.xlsx", figure="cockpit_test.reported", **MARCH
    )
    assert response.status_code == 200
    assert "海盐县" in response["Content-Disposition"].encode().decode("latin-1") or (
        "%E6%B5%B7%E7%9B%90%E5%8E%BF" in response["Content-Disposition"]
    )
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:5] == [_("subject"), _("key"), _("name"), _("unit"), _("value")]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["cockpit_test.reported"][4:7] == (3, 1, 1)
    assert rows["cockpit_test.patrol_share"][4] == pytest.approx(0.6667)
    ranking = [row for row in book.worksheets[1].iter_rows(min_row=2, values_only=True) if row]
    assert ranking[0][:4] == (1, "澉浦镇", "330424105000", 1)
    assert ranking[1][:4] == (2, "武原街道", "330424001000", 2)


def test_the_definitions_page_lists_every_registered_figure(client, world, test_figures):
    response = get(client, world.leader, url="/cockpit/definitions/")
    html = response.content.decode()
    assert response.status_code == 200
    for figure in figures:
        assert f'id="{figure.key}"' in html
        assert str(figure.definition) in html.replace("&#x27;", "'").replace("&quot;", '"')


def test_a_card_links_its_definition_by_key(client, march):
    html = get(client, march.leader, **MARCH).content.decode()
    assert "/cockpit/definitions/#cockpit_test.reported" in card(html, "cockpit_test.reported")


def test_a_value_from_a_baseline_is_marked_and_compared(client, march):
    from django.utils import timezone

    from civicloop.cockpit.models import Baseline

    for start, end, value in (
        (dt.date(2025, 3, 1), dt.date(2025, 3, 31), 40),
        (dt.date(2024, 3, 1), dt.date(2024, 3, 31), 10),
    ):
        Baseline.objects.create(
            figure="cockpit_test.reported",
            region_code="330424000000",
            start=start,
            end=end,
            value=value,
            imported_at=timezone.now(),
        )
    html = get(client, march.leader, **MARCH).content.decode()
    reported = card(html, "cockpit_test.reported")
    assert value_link(reported)[1] == "40"
    assert _("historical baseline") in reported
    # 40 against last March's baseline of 10: +300.0%, red (fewer is better).
    assert re.search(r'class="delta bad"[^>]*>[^<]*↑ \+300\.0%', reported)
    # The share has no baseline: no mark.
    assert (
        _("historical baseline") not in card(html, "cockpit_test.patrol_share").split("<details")[0]
    )


def test_numbers_are_formatted_by_their_unit():
    from civicloop.cockpit.services import DAYS_KIND, NUMBER_KIND, SHARE_KIND
    from civicloop.cockpit.views import format_value

    assert format_value(SHARE_KIND, 0.98114) == "98.11%"
    assert format_value(DAYS_KIND, 10.04) == "10.0"
    assert format_value(NUMBER_KIND, 45321) == "45,321"
    assert format_value(NUMBER_KIND, None) == "—"


def test_a_breakdown_figure_shows_a_table_of_its_parts(client, march):
    from civicloop.core.figures import COUNT, Figure, Measure

    from .test_views_support import _events

    by_source = Figure(
        "cockpit_test",
        "by_source",
        label="By source (test)",
        definition="Events reported in the period, by source.",
        unit="events, by source",
        measure=Measure(rows=_events, date="reported_at", kind=COUNT, part="source"),
    )
    figures.add(by_source)
    try:
        html = get(client, march.leader, **MARCH).content.decode()
    finally:
        figures.unregister(by_source.key)
    parts = re.findall(
        r'<th scope="row">([^<]+)</th>\s*<td class="cockpit-number">([^<]+)</td>',
        card(html, "cockpit_test.by_source"),
    )
    # Parts are named by the labels of the field's choices.
    from civicloop.events.choices import Source

    assert parts == [(str(Source.GRID_PATROL.label), "2"), (str(Source.HOTLINE.label), "1")]


def test_the_map_colours_the_towns_by_the_charted_figure(client, march):
    response = get(client, march.leader, figure="cockpit_test.reported", **MARCH)
    config = response.context["region_map"]["config"]
    assert config["values"] == {"330424001000": 2, "330424105000": 1}
    assert "within=330424000000" in config["areasUrl"] and "level=town" in config["areasUrl"]
    assert "region={code}" in config["clickUrl"]
    assert 'id="cockpit-map"' in response.content.decode()
    # A village has no areas below it: no map.
    response = get(client, march.leader, region="330424001001", **MARCH)
    assert response.status_code == 200 and response.context["region_map"] is None


def test_a_leader_signing_in_lands_on_the_cockpit_and_finds_it_in_the_menu(client, world):
    world.leader.set_password("Pass-word-2026")
    world.leader.save()
    response = client.post(
        "/login/", {"username": "leader", "password": "Pass-word-2026"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/cockpit/"
    assert 'id="nav-cockpit"' in response.content.decode()
    client.force_login(world.grid_worker)
    queue = client.get(reverse("events:queue"))
    assert queue.status_code == 200 and 'id="nav-queue"' in queue.content.decode()
    assert 'id="nav-cockpit"' not in queue.content.decode()


def test_the_parts_of_computed_figures_are_named_too(db):
    with translation.override("zh-hans"):
        assert str(services.part_names(figures.get("grid.sent_down"))["red_butler"]) == "红管家"
        stations = services.part_names(figures.get("stations.stations"))
        assert str(stations["enterprise_station"]) == "企业执法联络站"
