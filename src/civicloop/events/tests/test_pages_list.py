"""The work queue, the event list with filters, and its Excel export."""

import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civicloop.events.choices import EventState
from civicloop.events.exporting import COLUMNS
from civicloop.events.models import Event
from civicloop.testing.journeys import report, walk


def numbers_on(response) -> set[str]:
    return {e.number for e in response.context["events"]}


def test_queue_lists_what_waits_for_me_by_deadline_with_overdue_marked(world, client):
    later = report(world)
    sooner = report(world)
    not_mine = walk(world, report(world), EventState.DISPATCHED)
    now = timezone.now()
    Event.objects.filter(pk=later.pk).update(deadline_at=now + dt.timedelta(hours=5))
    Event.objects.filter(pk=sooner.pk).update(deadline_at=now - dt.timedelta(hours=1))
    client.force_login(world.users["wuyuan_dispatcher"])
    response = client.get(reverse("events:queue"))
    assert response.status_code == 200
    waiting = [e.number for e in response.context["waiting"]]
    assert waiting == [sooner.number, later.number]
    assert not_mine.number not in waiting
    page = response.content.decode()
    assert f'class="event-card overdue" data-event="{sooner.number}"' in page
    assert f'class="event-card" data-event="{later.number}"' in page


def test_queue_shows_my_recent_reports_and_unread_notifications(world, client):
    mine = report(world)
    walk(world, mine, EventState.CHECKED)  # notifies the grid worker to collect the rating
    client.force_login(world.users["grid_worker"])
    response = client.get(reverse("events:queue"))
    assert mine.number in {e.number for e in response.context["my_reports"]}
    assert mine.number in {e.number for e in response.context["waiting"]}  # rating to collect
    assert response.context["notifications"]
    assert 'id="queue-notifications"' in response.content.decode()


def test_list_shows_only_events_in_my_scope(world, client):
    wuyuan = report(world)
    ganpu = report(world, by=world.users["ganpu_grid_worker"], region=world.ganpu_grid)
    client.force_login(world.users["wuyuan_dispatcher"])
    assert numbers_on(client.get(reverse("events:list"))) == {wuyuan.number}
    client.force_login(world.users["centre"])
    assert numbers_on(client.get(reverse("events:list"))) == {wuyuan.number, ganpu.number}


def test_list_filters_by_state_town_and_text(world, client):
    collected = report(world)
    judged = walk(world, report(world, description="夜间施工噪声扰民"), EventState.JUDGED)
    ganpu = report(world, by=world.users["ganpu_grid_worker"], region=world.ganpu_grid)
    client.force_login(world.users["centre"])
    url = reverse("events:list")
    assert numbers_on(client.get(url, {"state": "judged"})) == {judged.number}
    assert numbers_on(
        client.get(url, {"state": ["judged", "collected"], "town": world.wuyuan.code})
    ) == {collected.number, judged.number}
    assert numbers_on(client.get(url, {"town": world.ganpu.code})) == {ganpu.number}
    assert numbers_on(client.get(url, {"q": "噪声"})) == {judged.number}


def test_list_marks_overdue_events(world, client):
    event = report(world)
    Event.objects.filter(pk=event.pk).update(deadline_at=timezone.now() - dt.timedelta(minutes=5))
    client.force_login(world.users["wuyuan_dispatcher"])
    page = client.get(reverse("events:list")).content.decode()
    assert f'<tr class="overdue" data-event="{event.number}">' in page
    assert numbers_on(client.get(reverse("events:list"), {"overdue": "true"})) == {event.number}


def test_town_dispatcher_is_offered_only_places_of_the_town_in_the_filter(world, client):
    client.force_login(world.users["wuyuan_dispatcher"])
    form = client.get(reverse("events:list")).context["filter"].form
    assert list(form.fields["town"].queryset) == [world.wuyuan]
    assert world.ganpu_village not in form.fields["village"].queryset
    response = client.get(reverse("events:list"), {"town": world.ganpu.code})
    assert response.context["filter"].errors
    assert not response.context["events"]


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("events:list")).status_code == 200
    return len(queries)


def test_list_page_needs_a_bounded_number_of_queries(world, client, django_assert_max_num_queries):
    for _i in range(3):
        report(world)
    client.force_login(world.users["centre"])
    few = _list_queries(client)
    for _i in range(22):
        walk(world, report(world), EventState.JUDGED)
    many = _list_queries(client)
    assert many == few
    with django_assert_max_num_queries(15):
        client.get(reverse("events:list"), {"state": "judged", "town": world.wuyuan.code})


def _workbook_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_excel_export_contains_exactly_the_filtered_masked_rows(world, client):
    wanted = [
        report(world, reporter_name="王小明", reporter_phone="13700001111") for _i in range(2)
    ]
    walk(world, report(world), EventState.JUDGED)  # filtered out by state
    report(world, by=world.users["ganpu_grid_worker"], region=world.ganpu_grid)  # other town
    client.force_login(world.users["centre"])
    query = {"state": "collected", "town": world.wuyuan.code}
    listed = numbers_on(client.get(reverse("events:list"), query))
    rows = _workbook_rows(client.get(reverse("events:export"), query))
    header, body = rows[0], rows[1:]
    assert header == [str(column.header) for column in COLUMNS]
    number_col = header.index(str(COLUMNS[0].header))
    assert {row[number_col] for row in body} == listed == {e.number for e in wanted}
    flat = [str(cell) for row in body for cell in row if cell is not None]
    assert "王**" in flat and "137****1111" in flat
    assert not any("王小明" in cell or "13700001111" in cell for cell in flat)


def test_excel_export_keeps_to_my_scope(world, client):
    mine = report(world)
    report(world, by=world.users["ganpu_grid_worker"], region=world.ganpu_grid)
    client.force_login(world.users["wuyuan_dispatcher"])
    rows = _workbook_rows(client.get(reverse("events:export")))
    assert [row[0] for row in rows[1:]] == [mine.number]


def test_excel_export_link_carries_the_filters(world, client):
    client.force_login(world.users["centre"])
    page = client.get(reverse("events:list"), {"state": "judged", "page": "1"}).content.decode()
    assert f'href="{reverse("events:export")}?state=judged"' in page
