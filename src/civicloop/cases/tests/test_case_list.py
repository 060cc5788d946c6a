"""The case list is a ``core.listing.FilteredListView``: sign-in required, a stale page
number shows the last page, and the export link keeps the filters (without the page)."""

from __future__ import annotations

from civicloop.cases.choices import Procedure
from civicloop.cases.views import CaseListView
from civicloop.testing.cases import MONDAY, at, file


def test_the_list_asks_to_sign_in(client):
    response = client.get("/cases/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_stale_page_number_shows_the_last_page_and_the_export_keeps_the_filters(
    case_world, client, monkeypatch
):
    cw = case_world
    monkeypatch.setattr(CaseListView, "paginate_by", 2)
    with at(MONDAY):
        made = [file(cw, procedure=Procedure.FAST_TRACK, title=f"占道经营{n}") for n in range(3)]
    client.force_login(cw.wuyuan_officer)
    response = client.get("/cases/", {"procedure": Procedure.FAST_TRACK, "page": 9})
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.number == 2 and page.paginator.num_pages == 2
    shown = [case.number for case in response.context["cases"]]
    assert len(shown) == 1 and shown[0] in {case.number for case in made}
    assert response.context["query"] == "procedure=fast_track" and response.context["filtered"]
    assert 'href="/cases/export.xlsx?procedure=fast_track"' in response.content.decode()
    unfiltered = client.get("/cases/")
    assert unfiltered.context["query"] == "" and not unfiltered.context["filtered"]
