"""管家式服务: compliance check-ups and tailored law sessions recorded against an enterprise by an
officer of the unit that held them, with a history row; the list follows the unit's scope."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.leniency import services
from civicloop.leniency.choices import ServiceKind
from civicloop.leniency.models import ButlerService
from civicloop.parties.choices import PartyKind
from civicloop.parties.models import Party
from civicloop.parties.services import PartyData
from civicloop.testing.cases import MONDAY, at
from civicloop.testing.world import ENTERPRISE2_CODE


def checkup(cw, **changes):
    values = dict(
        kind=ServiceKind.CHECKUP,
        held_on=MONDAY.date(),
        unit=cw.wuyuan_squad,
        staff=[cw.wuyuan_officer, cw.wuyuan_officer2],
        topics="门前三包、油烟排放",
        findings="油烟净化器未定期清洗",
        follow_up="一个月内复查",
        follow_up_due_on=dt.date(2026, 7, 1),
    )
    values.update(changes)
    return services.ButlerServiceData(**values)


def test_a_check_up_is_recorded_against_the_enterprise_with_who_and_when(lw):
    cw = lw
    with at(MONDAY):
        service = services.record_butler_service(
            by=cw.wuyuan_officer, party=cw.enterprise, data=checkup(cw)
        )
    assert service.party == cw.enterprise and service.unit == cw.wuyuan_squad
    assert set(service.staff.values_list("username", flat=True)) == {
        "wuyuan_officer",
        "wuyuan_officer2",
    }
    row = service.history.get()
    assert (row.action, row.actor) == ("record", cw.wuyuan_officer)
    assert (
        row.details["kind"] == ServiceKind.CHECKUP and row.details["unit"] == cw.wuyuan_squad.code
    )
    assert list(cw.enterprise.butler_services.all()) == [service]


def test_a_law_session_for_a_new_enterprise_records_the_enterprise_by_its_credit_code(lw):
    cw = lw
    with at(MONDAY):
        service = services.record_butler_service(
            by=cw.wuyuan_officer,
            party=PartyData(
                kind=PartyKind.ORGANISATION,
                name="海盐县新华超市有限公司",
                credit_code=ENTERPRISE2_CODE,
            ),
            data=checkup(
                cw, kind=ServiceKind.LAW_SESSION, findings="", topics="食品安全法定制式普法"
            ),
        )
    assert Party.objects.get(credit_code=ENTERPRISE2_CODE) == service.party


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"findings": ""}, "findings"),  # a check-up says what it found
        ({"held_on": dt.date(2026, 6, 2)}, "held_on"),  # not in the future
        ({"staff": []}, "staff"),
        ({"topics": " "}, "topics"),
        ({"kind": "party"}, "kind"),
        ({"follow_up_due_on": dt.date(2026, 5, 1)}, "follow_up_due_on"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(lw, changes, field):
    cw = lw
    with at(MONDAY), pytest.raises(InvalidInput) as refused:
        services.record_butler_service(
            by=cw.wuyuan_officer, party=cw.enterprise, data=checkup(cw, **changes)
        )
    assert refused.value.field == field
    assert not ButlerService.objects.exists()


def test_only_an_officer_records_and_only_for_their_own_unit_and_only_for_an_enterprise(lw):
    cw = lw
    with at(MONDAY):
        with pytest.raises(NotPermitted):
            services.record_butler_service(by=cw.grid_worker, party=cw.enterprise, data=checkup(cw))
        with pytest.raises(InvalidInput) as other_unit:
            services.record_butler_service(
                by=cw.ganpu_officer, party=cw.enterprise, data=checkup(cw)
            )
        assert other_unit.value.field == "unit"
        with pytest.raises(InvalidInput) as person:
            services.record_butler_service(by=cw.wuyuan_officer, party=cw.person, data=checkup(cw))
        assert person.value.field == "party" and "unified social credit code" in str(person.value)
    assert not ButlerService.objects.exists()


def test_the_list_follows_the_units_scope(lw):
    cw = lw
    with at(MONDAY):
        service = services.record_butler_service(
            by=cw.wuyuan_officer, party=cw.enterprise, data=checkup(cw)
        )
    assert list(ButlerService.objects.visible_to(cw.wuyuan_dispatcher)) == [service]
    assert list(ButlerService.objects.visible_to(cw.centre)) == [service]
    assert not ButlerService.objects.visible_to(cw.ganpu_officer).exists()
    assert not ButlerService.objects.visible_to(cw.ganpu_dispatcher).exists()


def test_the_page_records_a_service_and_shows_it_on_the_enterprise_page(lw, client):
    cw = lw
    client.force_login(cw.wuyuan_officer)
    form = {
        "credit_code": cw.enterprise.credit_code,
        "enterprise_name": cw.enterprise.name,
        "kind": ServiceKind.LAW_SESSION,
        "held_on": "2026-06-01",
        "unit": str(cw.wuyuan_squad.pk),
        "staff": [cw.wuyuan_officer.pk],
        "topics": "定制式普法：城市道路管理条例",
    }
    with at(MONDAY):
        bad = client.post(
            "/leniency/butler/new/", {**form, "held_on": "2026-06-09"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert bad.status_code == 400 and "cannot be in the future" in bad.content.decode()
        assert not ButlerService.objects.exists()
        response = client.post("/leniency/butler/new/", form)
    assert (
        response.status_code == 302
        and response["Location"] == f"/leniency/enterprises/{cw.enterprise.credit_code}/"
    )
    page = client.get(response["Location"]).content.decode()
    assert "定制式普法：城市道路管理条例" in page
    assert client.get("/leniency/butler/new/").status_code == 200
    client.force_login(cw.grid_worker)
    assert client.get("/leniency/butler/new/").status_code == 403
