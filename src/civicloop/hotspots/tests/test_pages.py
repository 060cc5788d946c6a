"""The hotspot pages: the analysis with its chart and export, warnings with their
evidence and actions, and duplicate suggestions on the event pages — each scoped."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civicloop.events.choices import EventState
from civicloop.hotspots import services
from civicloop.hotspots.choices import WarningState
from civicloop.hotspots.models import DuplicateSuggestion
from civicloop.testing.events import local, report_at, report_on_days

from .test_duplicates import BBQ, BBQ_AGAIN

AT = dt.date(2026, 6, 15)


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- analysis -----------------------------------------------------------------------------------


def test_the_town_dispatcher_opens_on_their_town_with_table_and_chart(world, client):
    report_on_days(world, {AT: 3})
    response = page(
        client,
        world.wuyuan_dispatcher,
        reverse("hotspots:top"),
        start="2026-06-15",
        end="2026-06-15",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-subject="category:street-vending"' in html and 'data-count="3"' in html
    assert "vendor/echarts/echarts.min.js" in html and 'data-echarts="top-chart-data"' in html
    chart = response.context["chart"]
    assert chart["lines"][0]["data"][-1] == 3 and chart["bars"]["now"] == [3]
    choices = dict(response.context["form"].fields["place"].choices)
    assert (
        world.wuyuan.code in choices
        and world.ganpu.code not in choices
        and world.county.code not in choices
    )


def test_a_place_outside_the_area_is_refused(world, client):
    response = page(
        client, world.wuyuan_dispatcher, reverse("hotspots:top"), place=world.ganpu.code
    )

    assert response.status_code == 400 and response.context["report"] is None


def test_the_county_centre_opens_on_the_county(world, client):
    response = page(client, world.centre, reverse("hotspots:top"))

    assert response.status_code == 200 and response.context["report"].place == world.county


def test_staff_without_an_area_do_not_get_the_analysis(world, client):
    assert page(client, world.wuyuan_officer, reverse("hotspots:top")).status_code == 403


def test_the_analysis_exports_to_excel(world, client):
    report_on_days(world, {AT: 2})
    response = page(
        client,
        world.wuyuan_dispatcher,
        reverse("hotspots:top-export"),
        place=world.wuyuan.code,
        start="2026-06-15",
        end="2026-06-15",
    )

    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    book = load_workbook(io.BytesIO(response.content))
    rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert any(row[:4] == [1, "street-vending", "占道经营", 2] for row in rows)
    assert [s.title for s in book.worksheets][1:] and len(book.worksheets) == 3


# --- warnings -------------------------------------------------------------------------------------


@pytest.fixture
def warning(world):
    report_on_days(world, {AT: 4})
    return services.scan_spikes(at=AT).raised[0]


def test_the_warning_list_and_detail_show_the_evidence(world, client, warning):
    listing = page(client, world.wuyuan_dispatcher, reverse("hotspots:warnings"))
    detail = page(client, world.wuyuan_dispatcher, reverse("hotspots:warning", args=[warning.pk]))

    assert f'data-warning="{warning.pk}"' in listing.content.decode()
    html = detail.content.decode()
    for event in warning.evidence.all():
        assert f'data-event="{event.pk}"' in html
    assert 'data-action="acknowledge"' in html and 'data-action="close"' in html
    chart = detail.context["chart"]
    assert (
        chart["counts"][chart["days"].index("2026-06-15")] == 4
        and chart["days"][-1] == "2026-06-22"
    )


def test_a_dispatcher_of_another_town_sees_no_warning_of_this_town(world, client, warning):
    listing = page(client, world.ganpu_dispatcher, reverse("hotspots:warnings"))
    detail = page(client, world.ganpu_dispatcher, reverse("hotspots:warning", args=[warning.pk]))

    assert f'data-warning="{warning.pk}"' not in listing.content.decode()
    assert detail.status_code == 404


def test_the_village_liaison_station_sees_the_warning_of_its_village_but_may_not_act(
    world, client, warning
):
    detail = page(client, world.station_staff, reverse("hotspots:warning", args=[warning.pk]))
    action = client.post(
        reverse("hotspots:warning-action", args=[warning.pk, "close"]), {"reason": "x"}
    )

    assert detail.status_code == 200 and 'data-action="close"' not in detail.content.decode()
    assert action.status_code == 403


def test_acknowledging_and_closing_on_the_pages(world, client, warning):
    client.force_login(world.wuyuan_dispatcher)
    url = reverse("hotspots:warning-action", args=[warning.pk, "acknowledge"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"note": "已派人"}).status_code == 302
    close = reverse("hotspots:warning-action", args=[warning.pk, "close"])
    assert client.post(close, {"reason": ""}).status_code == 400
    assert client.post(close, {"reason": "已整治"}).status_code == 302
    assert client.post(url, {"note": "again"}).status_code == 409

    warning.refresh_from_db()
    assert warning.state == WarningState.CLOSED
    assert [h.action for h in warning.history.all()] == ["raise", "acknowledge", "close"]
    html = client.get(
        reverse("hotspots:warning", args=[warning.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Raised by the scan" in html and "Close the warning" in html and "已整治" in html


# --- duplicate suggestions on the event pages ---------------------------------------------------------


@pytest.fixture
def pair(world):
    now = timezone.now()
    original = report_at(world, now - dt.timedelta(hours=3), title=BBQ[0], description=BBQ[1])
    repeat = report_at(
        world, now - dt.timedelta(minutes=10), title=BBQ_AGAIN[0], description=BBQ_AGAIN[1]
    )
    return original, repeat


def test_the_judge_form_suggests_the_original_with_one_click_merging(world, client, pair):
    original, repeat = pair
    response = page(
        client, world.wuyuan_dispatcher, reverse("events:action", args=[repeat.pk, "judge"])
    )

    html = response.content.decode()
    suggestion = DuplicateSuggestion.objects.get(event=repeat)
    assert 'id="duplicate-suggestions"' in html and f'data-candidate="{original.number}"' in html
    assert (
        reverse("hotspots:merge", args=[suggestion.pk]) in html
        and 'data-action="merge-suggested"' in html
    )
    assert suggestion.first_shown_to == world.wuyuan_dispatcher


def test_one_click_merges_the_report_into_the_suggested_original(world, client, pair):
    original, repeat = pair
    page(client, world.wuyuan_dispatcher, reverse("events:detail", args=[repeat.pk]))
    suggestion = DuplicateSuggestion.objects.get(event=repeat)

    response = client.post(
        reverse("hotspots:merge", args=[suggestion.pk]), {"reason": "同一烧烤店"}
    )

    assert response.status_code == 302 and response["Location"] == reverse(
        "events:detail", args=[repeat.pk]
    )
    repeat.refresh_from_db()
    assert repeat.state == EventState.MERGED and repeat.merged_into == original
    assert repeat.history.get(action="merge").reason == "同一烧烤店"
    assert DuplicateSuggestion.objects.with_outcome().get(pk=suggestion.pk).merged


def test_the_detail_page_shows_suggestions_without_a_merge_button_to_a_grid_worker(
    world, client, pair
):
    _original, repeat = pair
    html = page(
        client, world.grid_worker, reverse("events:detail", args=[repeat.pk])
    ).content.decode()

    assert 'id="duplicate-suggestions"' in html and 'data-action="merge-suggested"' not in html


def test_another_town_sees_neither_the_event_nor_suggestions(world, client, pair):
    _original, repeat = pair
    response = page(client, world.ganpu_dispatcher, reverse("events:detail", args=[repeat.pk]))
    suggestion_count = DuplicateSuggestion.objects.count()

    assert response.status_code == 404 and suggestion_count == 0
    client.force_login(world.wuyuan_dispatcher)
    client.get(reverse("events:detail", args=[repeat.pk]))
    suggestion = DuplicateSuggestion.objects.get()
    client.force_login(world.ganpu_dispatcher)
    assert (
        client.post(reverse("hotspots:merge", args=[suggestion.pk]), {"reason": "x"}).status_code
        == 404
    )


def test_a_finished_event_shows_no_suggestions(world, client, pair):
    original, repeat = pair
    from civicloop.events import services as event_services

    event_services.void_event(repeat, by=world.wuyuan_dispatcher, reason="无效")
    html = page(
        client, world.wuyuan_dispatcher, reverse("events:detail", args=[repeat.pk])
    ).content.decode()

    assert 'id="duplicate-suggestions"' not in html


def test_chart_data_is_json_in_the_page_not_an_inline_script(world, client):
    report_on_days(world, {AT: 1})
    html = page(
        client, world.centre, reverse("hotspots:top"), start="2026-06-15", end="2026-06-15"
    ).content.decode()

    start = html.index('<script id="top-chart-data" type="application/json">') + len(
        '<script id="top-chart-data" type="application/json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["kind"] == "top" and data["buckets"][-1] == "2026-06-15"
    assert local(AT).date() == AT


def test_the_navigation_links_the_hotspots_with_the_open_warnings_for_staff_with_an_area(
    world, client, warning
):
    html = page(client, world.wuyuan_dispatcher, reverse("events:queue")).content.decode()
    other = page(client, world.ganpu_dispatcher, reverse("events:queue")).content.decode()
    officer = page(client, world.wuyuan_officer, reverse("events:queue")).content.decode()

    assert 'id="nav-hotspots"' in html and 'id="open-warnings"' in html
    assert 'id="nav-hotspots"' in other and 'id="open-warnings"' not in other
    assert 'id="nav-hotspots"' not in officer
