"""An enterprise's history on one page: cases, exemptions applied, no-penalty decisions,
commitments, credit repairs and butler services — each part only as far as the viewer's scope
reaches; outside it the enterprise is a 404."""

from __future__ import annotations

import re

from civicloop.leniency.enterprise import enterprise_history, find_enterprise

from .helpers import enterprise_story


def counts(page: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)"><strong>(\d+)</strong>', page)}


def test_the_town_officer_sees_the_enterprises_history_in_the_town_only(lw, client):
    cw = lw
    story = enterprise_story(cw)
    client.force_login(cw.wuyuan_officer)
    response = client.get(
        f"/leniency/enterprises/{cw.enterprise.credit_code}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("exempted", "penalty", "noticed"):
        assert f'data-case="{story[name].number}"' in page
    assert f'data-case="{story["ganpu_case"].number}"' not in page
    assert 'data-applied-item="MF-ZD-001"' in page
    assert f'data-no-penalty="{story["exempted"].number}"' in page
    assert f'data-commitment="{story["commitment"].pk}"' in page
    assert f'data-repair="{story["repair"].pk}"' in page
    assert "门前三包" in page
    assert counts(page) == {
        "cases": 3,
        "applied_items": 1,
        "no_penalty_decisions": 1,
        "commitments": 1,
        "credit_repairs": 1,
        "butler_services": 1,
    }


def test_the_county_sees_every_case_of_the_enterprise(lw, client):
    cw = lw
    story = enterprise_story(cw)
    history = enterprise_history(cw.enterprise, cw.centre)
    assert history.complete and len(history.cases) == 4
    assert story["ganpu_case"] in history.cases


def test_the_other_towns_officer_sees_only_their_own_case_of_the_enterprise(lw, client):
    cw = lw
    story = enterprise_story(cw)
    history = enterprise_history(cw.enterprise, cw.ganpu_officer)
    assert not history.complete and history.cases == [story["ganpu_case"]]
    assert (
        history.applied == []
        and history.commitments == []
        and history.repairs == []
        and history.services == []
    )


def test_someone_outside_every_scope_gets_a_404_and_a_person_has_no_enterprise_page(lw, client):
    cw = lw
    enterprise_story(cw)
    assert find_enterprise(cw.outsider, cw.enterprise.credit_code) is None
    client.force_login(cw.grid_worker)
    assert client.get(f"/leniency/enterprises/{cw.enterprise.credit_code}/").status_code == 404
    client.force_login(cw.wuyuan_officer)
    assert (
        client.get("/leniency/enterprises/91330424MA2CXL8P2X/").status_code == 404
    )  # no such code
    assert find_enterprise(cw.centre, cw.person.id_number) is None


def test_the_search_finds_the_enterprise_by_its_code_or_name_in_scope(lw, client):
    cw = lw
    enterprise_story(cw)
    client.force_login(cw.wuyuan_officer)
    found = client.get("/leniency/enterprises/", {"q": cw.enterprise.credit_code.lower()})
    assert found.status_code == 302 and found["Location"].endswith(f"/{cw.enterprise.credit_code}/")
    listed = client.get("/leniency/enterprises/", {"q": "百味"}).content.decode()
    assert cw.enterprise.credit_code in listed
    client.force_login(cw.grid_worker)
    assert (
        cw.enterprise.credit_code
        not in client.get("/leniency/enterprises/", {"q": "百味"}).content.decode()
    )


def test_the_page_does_not_grow_queries_with_the_history(lw, client, django_assert_max_num_queries):
    cw = lw
    enterprise_story(cw)
    client.force_login(cw.centre)
    with django_assert_max_num_queries(40):
        assert client.get(f"/leniency/enterprises/{cw.enterprise.credit_code}/").status_code == 200
