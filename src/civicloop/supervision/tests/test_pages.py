import datetime as dt

import pytest

from civicloop.supervision import services
from civicloop.supervision.choices import SummonsState
from civicloop.supervision.models import Summons
from civicloop.testing.cases import at

MARCH = dt.date(2026, 3, 1)
pytestmark = pytest.mark.django_db


def test_the_ranking_page_shows_the_lists_with_their_reasons_in_scope(client, march, sv):
    client.force_login(sv.wuyuan_leader)
    page = client.get("/supervision/ranking/?month=2026-03").content.decode()
    assert sv.wuyuan_squad.name in page and march["returned"].number in page
    assert sv.ganpu_squad.name not in page
    client.force_login(sv.leader)
    page = client.get("/supervision/ranking/?month=2026-03").content.decode()
    assert sv.ganpu_squad.name in page and 'id="suggest-summonses"' in page


def test_people_other_than_leaders_and_the_centre_are_refused(client, sv):
    client.force_login(sv.grid_worker)
    assert client.get("/supervision/").status_code == 403
    assert client.get("/supervision/ranking/").status_code == 403


def test_a_leader_records_a_summons_held_on_its_page(client, sv):
    summons = services.record_summons(
        by=sv.wuyuan_leader, unit=sv.wuyuan_squad, month=MARCH, reason="群众反映推诿"
    )
    client.force_login(sv.wuyuan_leader)
    response = client.post(
        f"/supervision/summons/{summons.pk}/schedule/",
        {"schedule-scheduled_for": "2026-04-08T09:00", "schedule-place": "三楼会议室"},
    )
    assert response.status_code == 302
    refused = client.post(
        f"/supervision/summons/{summons.pk}/hold/",
        {"hold-held_at": "2026-04-08T09:00", "hold-attendees": "王某", "hold-commitments": ""},
    )
    assert refused.status_code == 400
    assert Summons.objects.get().state == SummonsState.SCHEDULED
    with at(dt.datetime(2026, 4, 8, 11)):
        client.post(
            f"/supervision/summons/{summons.pk}/hold/",
            {
                "hold-held_at": "2026-04-08T09:00",
                "hold-attendees": "中队长 王某",
                "hold-commitments": "建立首接负责制",
            },
        )
    summons.refresh_from_db()
    assert summons.state == SummonsState.HELD
    assert summons.history.last().actor == sv.wuyuan_leader
    page = client.get(f"/supervision/summons/{summons.pk}/").content.decode()
    assert "建立首接负责制" in page and 'id="action-follow_up"' in page


def test_the_duties_page_shows_the_field_visit_due(client, sv):
    client.force_login(sv.leader)
    page = client.get("/supervision/").content.decode()
    assert 'id="duty-field-visit"' in page and "/cockpit/" in page


def test_a_leader_finds_their_duties_on_the_cockpit_they_land_on(client, sv):
    services.record_summons(
        by=sv.wuyuan_leader, unit=sv.wuyuan_squad, month=MARCH, reason="群众反映推诿"
    )
    client.force_login(sv.wuyuan_leader)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/cockpit/")
    page = response.content.decode()
    assert 'id="leader-duties"' in page and sv.wuyuan_squad.name in page
    client.force_login(sv.wuyuan_dispatcher)
    assert 'id="leader-duties"' not in client.get("/cockpit/").content.decode()
