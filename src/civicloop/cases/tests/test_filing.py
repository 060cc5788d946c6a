"""Filing a case (立案): who files, its handlers (Art. 42), its matters (empowerment, Art. 37),
limitation (Art. 36), numbering, and opening a case from an event."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.cases import services
from civicloop.cases.choices import CaseSource, CaseState, Procedure
from civicloop.cases.models import Case, CaseHistory, DocumentNumberScheme
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.events.choices import EventState
from civicloop.parties.models import Party
from civicloop.testing.cases import MONDAY, at, file, local
from civicloop.testing.journeys import report, walk
from civicloop.testing.matters import grant, make_matter


def nothing_stored(before: int):
    assert Case.objects.count() == before and not CaseHistory.objects.exists()


def test_a_town_squads_case_on_a_matter_the_town_holds_is_an_empowered_case(case_world):
    with at(MONDAY):
        case = file(case_world)
    assert case.state == CaseState.FILED and case.is_empowered
    assert case.matter_links.get().version == case_world.town_matter.current_version(
        case.violation_date
    )
    handlers = {(h.user.username, h.is_lead, h.certificate_number) for h in case.handlers.all()}
    assert handlers == {
        ("wuyuan_officer", True, "ZJ-wuyuan_officer"),
        ("wuyuan_officer2", False, "ZJ33042400002"),
    }
    deadline = case.active_deadline("decision")
    assert deadline.counting == "natural_days" and deadline.due_at.date() == dt.date(2026, 8, 31)


def test_a_case_needs_two_officers_holding_a_valid_enforcement_certificate(case_world):
    cw = case_world
    for handlers in (
        [cw.wuyuan_officer],
        [cw.wuyuan_officer, cw.wuyuan_trainee],
        [cw.wuyuan_officer, cw.wuyuan_expired],
        [cw.wuyuan_officer, cw.ganpu_officer],
    ):
        with at(MONDAY), pytest.raises(InvalidInput) as refused:
            file(cw, handlers=handlers)
        assert refused.value.field == "handlers"
        assert "第四十二条" in str(refused.value)
    nothing_stored(0)


def test_the_message_names_the_officer_without_a_certificate(case_world):
    with at(MONDAY), pytest.raises(InvalidInput) as refused:
        file(case_world, handlers=[case_world.wuyuan_officer, case_world.wuyuan_trainee])
    assert "wuyuan_trainee" in str(refused.value)


def test_only_an_officer_of_the_handling_unit_files_its_cases(case_world):
    cw = case_world
    for user in (
        cw.ganpu_officer,
        cw.wuyuan_dispatcher,
        cw.leader,
        cw.legal_reviewer,
        cw.grid_worker,
    ):
        with at(MONDAY), pytest.raises(NotPermitted):
            file(cw, by=user)
    with at(MONDAY), pytest.raises(InvalidInput) as wrong_unit:
        file(cw, unit=cw.wuyuan_command, by=cw.wuyuan_dispatcher)
    assert wrong_unit.value.field == "handling_unit"
    nothing_stored(0)


def test_a_town_squad_cannot_file_on_a_matter_the_town_does_not_hold_that_day(case_world):
    cw = case_world
    with at(MONDAY), pytest.raises(InvalidInput) as refused:
        file(cw, matters=[cw.county_matter])
    assert refused.value.field == "matters" and "ZD-002" in str(refused.value)
    late = make_matter(cw, "ZD-009", name="对某事项的行政处罚")
    grant(cw, late, start=dt.date(2026, 7, 1))
    with at(MONDAY), pytest.raises(InvalidInput):
        file(cw, matters=[late])  # granted only from July
    with at(local(dt.datetime(2026, 7, 2, 9))):
        case = file(cw, matters=[late])
    assert case.is_empowered


def test_a_county_department_files_on_its_own_matters_and_its_case_is_not_empowered(case_world):
    cw = case_world
    with at(MONDAY):
        case = file(
            cw,
            unit=cw.dept_zhzf,
            by=cw.zhzf_handler1,
            handlers=[cw.zhzf_handler1, cw.zhzf_handler2],
            matters=[cw.county_matter],
        )
    assert not case.is_empowered
    other = make_matter(
        cw, "SP-001", department=cw.dept_scjg, category=cw.food_safety, name="食品某事项"
    )
    with at(MONDAY), pytest.raises(InvalidInput) as foreign:
        file(
            cw,
            unit=cw.dept_zhzf,
            by=cw.zhzf_handler1,
            handlers=[cw.zhzf_handler1, cw.zhzf_handler2],
            matters=[other],
        )
    assert foreign.value.field == "matters"


def test_a_violation_older_than_two_years_is_out_of_limitation(case_world):
    cw = case_world
    with at(MONDAY), pytest.raises(InvalidInput) as old:
        file(cw, violation_date=dt.date(2024, 5, 31))
    assert old.value.field == "violation_date" and "第三十六条" in str(old.value)
    with at(MONDAY):
        continuing = file(
            cw, violation_date=dt.date(2024, 5, 1), violation_ended_on=dt.date(2025, 1, 1)
        )
        serious = file(cw, violation_date=dt.date(2023, 1, 1), limitation_five_years=True)
    assert continuing.limitation_end == dt.date(2027, 1, 1) and serious.limitation_end == dt.date(
        2028, 1, 1
    )
    with at(MONDAY), pytest.raises(InvalidInput) as future:
        file(cw, violation_date=dt.date(2026, 6, 2))
    assert future.value.field == "violation_date"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"title": ""}, "title"),
        ({"facts": " "}, "facts"),
        ({"procedure": "summary"}, "procedure"),
        ({"source": "hotline"}, "source"),
        ({"source": CaseSource.INSPECTION}, "inspection_reference"),
        ({"source": CaseSource.EVENT}, "event"),
        ({"parties": []}, "parties"),
        ({"matters": []}, "matters"),
    ],
)
def test_bad_input_gives_a_field_error_and_stores_nothing(case_world, kwargs, field):
    with at(MONDAY), pytest.raises(InvalidInput) as refused:
        if "matters" in kwargs:
            services.file_case(
                by=case_world.wuyuan_officer,
                handling_unit=case_world.wuyuan_squad,
                procedure=Procedure.ORDINARY,
                source=CaseSource.DIRECT,
                title="t",
                facts="f",
                violation_date=dt.date(2026, 6, 1),
                parties=[services.PartyLink(case_world.person)],
                matters=[],
                handlers=[case_world.wuyuan_officer, case_world.wuyuan_officer2],
            )
        else:
            file(case_world, **kwargs)
    assert refused.value.field == field
    nothing_stored(0)


def test_a_new_partys_bad_identifier_lands_on_the_party_field_and_stores_nothing(case_world):
    from civicloop.parties.services import PartyData

    parties = Party.objects.count()
    with at(MONDAY), pytest.raises(InvalidInput) as refused:
        file(
            case_world,
            parties=[
                services.PartyLink(
                    PartyData(kind="organisation", name="某公司", credit_code="91330424MA2D1Y2K5F")
                )
            ],
        )
    assert refused.value.field == "party_credit_code"
    assert Party.objects.count() == parties
    nothing_stored(0)


def test_numbers_follow_the_units_scheme_per_year(case_world):
    DocumentNumberScheme.objects.create(unit=case_world.wuyuan_squad, prefix="盐综执（武原）")
    with at(MONDAY):
        first, second = file(case_world), file(case_world)
        other = file(
            case_world,
            unit=case_world.ganpu_squad,
            by=case_world.ganpu_officer,
            handlers=[case_world.ganpu_officer, case_world.ganpu_officer2],
            matters=[_ganpu_matter(case_world)],
        )
    with at(local(dt.datetime(2027, 1, 4, 9))):
        next_year = file(case_world)
    assert first.number == "盐综执（武原）立字〔2026〕第0001号"
    assert second.number == "盐综执（武原）立字〔2026〕第0002号"
    assert other.number == "澉浦镇综合行政执法队立字〔2026〕第0001号"
    assert next_year.number == "盐综执（武原）立字〔2027〕第0001号"


def test_two_units_cannot_share_a_document_number_prefix(case_world):
    from django.core.exceptions import ValidationError

    DocumentNumberScheme.objects.create(unit=case_world.wuyuan_squad, prefix="盐综执（武原）")
    clash = DocumentNumberScheme(unit=case_world.ganpu_squad, prefix="盐综执（武原）")
    with pytest.raises(ValidationError) as refused:
        clash.full_clean()
    assert "文书编号会重复" in str(refused.value.message_dict["prefix"])
    assert DocumentNumberScheme.objects.get().unit == case_world.wuyuan_squad


def _ganpu_matter(cw):
    grant(cw, cw.town_matter, town=cw.ganpu)
    return cw.town_matter


def test_opening_a_case_from_an_event_links_both_ways(case_world, client):
    cw = case_world
    event = walk(cw, report(cw), EventState.ACCEPTED)
    client.force_login(cw.wuyuan_officer)
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert 'id="open-case"' in page and f"/cases/new/?event={event.pk}" in page
    form = client.get(f"/cases/new/?event={event.pk}").content.decode()
    assert event.number in form and event.title in form
    response = client.post(
        f"/cases/new/?event={event.pk}",
        {
            "handling_unit": cw.wuyuan_squad.pk,
            "procedure": Procedure.ORDINARY,
            "source": CaseSource.EVENT,
            "event": event.pk,
            "title": "占道经营案",
            "facts": event.description,
            "violation_date": event.reported_at.astimezone().date().isoformat(),
            "matters": [cw.town_matter.pk],
            "handlers": [cw.wuyuan_officer.pk, cw.wuyuan_officer2.pk],
            "party_kind": "person",
            "party_name": "张三",
            "party_id_number": "330424198503152010",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.event == event and case.source == CaseSource.EVENT and case.region == event.region
    assert list(event.cases.all()) == [case]
    assert case.party_links.get().party == cw.person  # found by its ID number, not recorded twice
    event_page = client.get(f"/events/{event.pk}/").content.decode()
    assert case.number in event_page
    case_page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/events/{event.pk}/" in case_page


def test_only_a_unit_the_event_was_given_to_opens_a_case_from_it(case_world, client):
    cw = case_world
    event = walk(cw, report(cw), EventState.ACCEPTED)
    not_dispatched = report(cw)
    with pytest.raises(NotPermitted):  # the squad cannot see an event not given to it
        file(cw, source=CaseSource.EVENT, event=not_dispatched)
    client.force_login(cw.ganpu_officer)
    assert client.get(f"/cases/new/?event={event.pk}").status_code == 404  # not visible to 澉浦
    client.force_login(cw.wuyuan_dispatcher)
    assert 'id="open-case"' not in client.get(f"/events/{event.pk}/").content.decode()


def test_the_filing_page_shows_a_refusal_on_its_field(case_world, client):
    cw = case_world
    client.force_login(cw.wuyuan_officer)
    response = client.post(
        "/cases/new/",
        {
            "handling_unit": cw.wuyuan_squad.pk,
            "procedure": Procedure.ORDINARY,
            "source": CaseSource.DIRECT,
            "title": "占道经营案",
            "facts": "摆摊",
            "violation_date": "2026-06-01",
            "matters": [cw.town_matter.pk],
            "handlers": [cw.wuyuan_officer.pk],
            "party_kind": "person",
            "party_name": "张三",
            "party_id_number": "330424198503152010",
        },
    )
    assert response.status_code == 400
    assert 'data-field-error="handlers"' in response.content.decode()
    assert not Case.objects.exists()
    client.force_login(cw.wuyuan_dispatcher)
    assert client.get("/cases/new/").status_code == 403
