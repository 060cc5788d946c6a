"""The menu leads each person to their part of issue 12: leaders to supervision, grid staff to
their points (a tab on the phone), supervisors to the points ranking."""

import pytest
from django.urls import reverse


def menu(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("work-queue")).content.decode()


@pytest.mark.django_db
def test_a_leader_finds_supervision_in_the_menu_and_a_dispatcher_does_not(world, client):
    assert 'id="nav-supervision"' in menu(client, world.leader)
    assert 'id="nav-supervision"' not in menu(client, world.wuyuan_dispatcher)


@pytest.mark.django_db
def test_a_grid_worker_has_his_points_as_a_phone_tab_but_no_ranking(world, client):
    page = menu(client, world.grid_worker)
    assert 'id="nav-scoring"' in page and 'id="tab-scoring"' in page
    assert 'id="nav-scoring-ranking"' not in page
    assert 'id="nav-supervision"' not in page


@pytest.mark.django_db
def test_the_town_dispatcher_does_not_get_the_grid_workers_points_tab(world, client):
    assert 'id="nav-scoring"' not in menu(client, world.wuyuan_dispatcher)
