"""Versions: a grid's toolkit is kept as numbered versions with a content hash; regenerating
without a change in the data keeps the latest, a change makes a new one; every page says
which version it shows, and older versions stay readable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from civicloop.gridkit import services, tasks
from civicloop.gridkit.content import build_content, content_hash
from civicloop.gridkit.models import ToolkitVersion
from civicloop.testing.matters import grant

from .conftest import TODAY, reports

PAGES = ["gridkit:toolkit", "gridkit:card", "gridkit:map", "gridkit:flowchart", "gridkit:forms"]


def test_the_same_data_gives_the_same_content_and_hash(world, zd001_held):
    reports(world, 2, matter=zd001_held)
    first, second = (
        build_content(world.wuyuan_grid, on=TODAY),
        build_content(world.wuyuan_grid, on=TODAY),
    )
    assert first == second and content_hash(first) == content_hash(second)
    # The next day's counting window does not change the content when no event moved in or out.
    assert content_hash(
        build_content(world.wuyuan_grid, on=TODAY + dt.timedelta(days=1))
    ) == content_hash(first)


def test_regenerating_without_a_change_keeps_the_latest_version(world, zd001_held):
    reports(world, 2, matter=zd001_held)
    first = services.refresh_toolkit(world.wuyuan_grid, by=world.grid_worker)
    again = services.refresh_toolkit(world.wuyuan_grid)
    assert first.created and not again.created
    assert again.version == first.version and first.version.number == 1
    assert ToolkitVersion.objects.for_grid(world.wuyuan_grid).count() == 1
    assert first.version.generated_by == world.grid_worker and first.version.changed_parts == [
        "card",
        "map",
        "flowchart",
        "forms",
    ]


def test_a_new_report_makes_a_new_version_of_the_card(world, zd001_held):
    reports(world, 2, matter=zd001_held)
    services.refresh_toolkit(world.wuyuan_grid)
    reports(world, 1, matter=zd001_held)
    result = services.refresh_toolkit(world.wuyuan_grid)
    assert result.created and result.version.number == 2
    assert result.version.changed_parts == ["card"]
    assert result.version.generated_by_system and result.version.generated_by is None


def test_a_change_of_empowerment_makes_a_new_version_of_card_and_flowchart(world, zd001):
    reports(world, 5, matter=zd001)
    v1 = services.refresh_toolkit(world.wuyuan_grid).version
    grant(world, zd001, start=TODAY)
    v2 = services.refresh_toolkit(world.wuyuan_grid).version
    assert v2.number == 2 and set(v2.changed_parts) == {"card", "flowchart"}
    assert v1.content["card"]["items"][0]["handler"]["code"] == world.dept_zhzf.code
    assert v2.content["card"]["items"][0]["handler"]["code"] == world.wuyuan_squad.code


def test_a_new_phone_number_on_the_grid_team_changes_the_card_and_the_map(world):
    services.refresh_toolkit(world.wuyuan_grid)
    world.red_butler.phone = "13700001111"
    world.red_butler.save()
    result = services.refresh_toolkit(world.wuyuan_grid)
    assert result.created and set(result.version.changed_parts) == {"card", "map"}


def test_an_older_version_stays_readable_and_says_so(world, zd001):
    reports(world, 5, matter=zd001)
    services.refresh_toolkit(world.wuyuan_grid)
    grant(world, zd001, start=TODAY)
    services.refresh_toolkit(world.wuyuan_grid)
    from django.test import Client

    client = Client()
    client.force_login(world.wuyuan_dispatcher)
    url = reverse("gridkit:card", args=[world.wuyuan_grid.code])
    latest = client.get(url).content.decode()
    older = client.get(url, {"version": 1}).content.decode()
    assert 'data-version="2"' in latest and 'id="gk-older"' not in latest
    assert 'data-version="1"' in older and 'id="gk-older"' in older
    assert 'data-handler="dept-zhzf"' in older and 'data-handler="330424001-squad"' in latest
    assert client.get(url, {"version": 9}).status_code == 404
    assert client.get(url, {"version": "x"}).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_every_page_shows_the_version_number_and_date_on_screen_and_in_print(world, client, name):
    client.force_login(world.grid_worker)
    page = client.get(reverse(name, args=[world.wuyuan_grid.code])).content.decode()
    version = ToolkitVersion.objects.get(grid=world.wuyuan_grid)
    assert 'id="gk-version" data-version="1"' in page
    assert 'id="gk-note"' in page or 'class="gk-note"' in page  # the line printed at the foot
    assert version.verification_code in page and world.wuyuan_grid.code in page


def test_the_first_view_generates_the_first_version_as_the_system(world, client):
    client.force_login(world.grid_worker)
    client.get(reverse("gridkit:card", args=[world.wuyuan_grid.code]))
    version = ToolkitVersion.objects.get(grid=world.wuyuan_grid)
    assert version.number == 1 and version.generated_by is None


def test_the_refresh_button_makes_a_version_only_when_something_changed(world, client, zd001_held):
    client.force_login(world.grid_worker)
    url = reverse("gridkit:refresh", args=[world.wuyuan_grid.code])
    client.post(url)
    client.post(url)
    assert ToolkitVersion.objects.for_grid(world.wuyuan_grid).count() == 1
    reports(world, 1, matter=zd001_held)
    response = client.post(url, follow=True)
    assert ToolkitVersion.objects.for_grid(world.wuyuan_grid).count() == 2
    assert (
        ToolkitVersion.objects.for_grid(world.wuyuan_grid).latest_first().first().generated_by
        == world.grid_worker
    )
    assert 'data-version="2"' in response.content.decode()
    assert client.get(url).status_code == 405


def test_versions_are_never_edited(world):
    version = services.refresh_toolkit(world.wuyuan_grid).version
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        ToolkitVersion.objects.update(number=5)
    with pytest.raises(TypeError):
        version.delete()


def test_the_command_refreshes_every_grid_or_one(world, capsys):
    call_command("gridkit", "refresh")
    assert ToolkitVersion.objects.count() == 3
    call_command("gridkit", "refresh", "--grid", world.wuyuan_grid.code)
    assert ToolkitVersion.objects.count() == 3
    out = capsys.readouterr().out
    assert "0" in out.splitlines()[-1]
    call_command("gridkit", "versions", "--grid", world.wuyuan_grid.code)
    assert "1" in capsys.readouterr().out


def test_the_periodic_task_refreshes_the_toolkits(world):
    assert tasks.refresh_toolkits.enqueue().return_value == 3
    assert tasks.refresh_toolkits.enqueue().return_value == 0
    # The immediate backend of the tests cannot queue the next night's run.
    assert tasks.schedule_nightly() is None


def test_the_nightly_refresh_queues_itself_for_two_oclock(world, settings):
    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.make_aware(dt.datetime(2026, 11, 28, 15, 0))
    when = tasks.schedule_nightly(now)
    assert timezone.localtime(when).replace(tzinfo=None) == dt.datetime(2026, 11, 29, 2, 0)
    assert tasks.nightly_pending()
    assert tasks.schedule_nightly(now) == when  # one waiting run is enough
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path=tasks.nightly_refresh.module_path).count() == 1
