"""The enterprise-penalty analysis on hand-counted cases: which cases count, the band edges
(a fine of exactly 1 000 yuan is in “1千–1万”: bands include their lower edge), towns, matters,
months by local date, the filters, a fixed number of queries, the page and the workbook.

====  =============================  ==========  =========  ===================  ==========
case  party                          unit/place  fine       decided (local)      matters
====  =============================  ==========  =========  ===================  ==========
E1    enterprise                     wuyuan      999.99     2026-03-05           ZD-001
E2    enterprise                     wuyuan      1000       2026-03-20           ZD-001, 002
E3    enterprise                     ganpu sq.   10000      2026-04-02           ZD-002
E4    enterprise                     zhzf@ganpu  200000     2026-04-30 23:59     ZD-002
E5    enterprise                     wuyuan      —          2026-04-10           ZD-001
X1    person                         wuyuan      5000       2026-03-10           not counted
X2    person; enterprise 3rd party   wuyuan      5000       2026-03-10           not counted
X3    enterprise, no penalty         wuyuan      —          2026-03-10           not counted
X4    enterprise, not decided        wuyuan      —          —                    not counted
X5    enterprise                     wuyuan      3000       2026-05-01 00:01     (May)
====  =============================  ==========  =========  ===================  ==========
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from civicloop.cases.choices import Outcome, PartyRole
from civicloop.cases.models import Case
from civicloop.discretion import analysis
from civicloop.discretion.analysis import Filters

from .proceedings_helpers import decided

APRIL = Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))


@pytest.fixture
def world(case_world):
    cw = case_world
    zd1, zd2 = cw.town_matter, cw.county_matter
    decided(cw, "E1", decided=dt.datetime(2026, 3, 5, 10), fine="999.99")
    decided(cw, "E2", decided=dt.datetime(2026, 3, 20, 10), fine=1000, matters=[zd1, zd2])
    decided(cw, "E3", decided=dt.datetime(2026, 4, 2, 10), fine=10000, unit=cw.ganpu_squad,
            matters=[zd2])  # fmt: skip
    decided(cw, "E4", decided=dt.datetime(2026, 4, 30, 23, 59), fine=200000, unit=cw.dept_zhzf,
            region=cw.ganpu_village, matters=[zd2])  # fmt: skip
    decided(cw, "E5", decided=dt.datetime(2026, 4, 10, 10), fine=None)
    decided(cw, "X1", decided=dt.datetime(2026, 3, 10, 10), fine=5000, parties=[cw.person])
    decided(cw, "X2", decided=dt.datetime(2026, 3, 10, 10), fine=5000,
            parties=[cw.person, (cw.enterprise, PartyRole.THIRD_PARTY)])  # fmt: skip
    decided(cw, "X3", decided=dt.datetime(2026, 3, 10, 10), fine=None, outcome=Outcome.NO_PENALTY)
    decided(cw, "X4", decided=None)
    decided(cw, "X5", decided=dt.datetime(2026, 5, 1, 0, 1), fine=3000)
    return cw


def result(filters=APRIL):
    return analysis.analyse(analysis.enterprise_penalties(Case.objects.all(), filters))


def table(rows):
    return [(row.label, row.cases, row.fines) for row in rows]


def test_only_penalty_decisions_against_an_organisation_count(world):
    cases = analysis.enterprise_penalties(Case.objects.all(), APRIL)
    assert sorted(cases.values_list("number", flat=True)) == ["E1", "E2", "E3", "E4", "E5"]
    total = result().total
    assert (total.cases, total.fines) == (5, Decimal("211999.99"))


def test_bands_include_their_lower_edge(world):
    assert table(result().bands) == [
        ("无罚款", 1, Decimal("0")),  # E5
        ("<1千", 1, Decimal("999.99")),  # E1
        ("1千–1万", 1, Decimal("1000")),  # E2: exactly 1 000 yuan
        ("1万–5万", 1, Decimal("10000")),  # E3: exactly 10 000 yuan
        ("5万–20万", 0, Decimal("0")),
        ("≥20万", 1, Decimal("200000")),  # E4: exactly 200 000 yuan
    ]


def test_the_band_edges_are_a_setting(world, settings):
    settings.CIVICLOOP_DISCRETION_AMOUNT_BANDS = [5000]
    assert table(result().bands) == [
        ("无罚款", 1, Decimal("0")),
        ("<5千", 2, Decimal("1999.99")),
        ("≥5千", 2, Decimal("210000")),
    ]
    settings.CIVICLOOP_DISCRETION_AMOUNT_BANDS = [5000, 1000]
    with pytest.raises(ValueError):
        analysis.bands()


def test_by_town_by_the_cases_place(world):
    # E4 is a county department's case placed in a village of 澉浦.
    assert table(result().towns) == [
        ("武原街道", 3, Decimal("1999.99")),
        ("澉浦镇", 2, Decimal("210000")),
    ]


def test_by_matter_a_case_counts_under_each_of_its_matters(world):
    rows = {row.key: (row.cases, row.fines) for row in result().matters}
    assert rows == {
        "ZD-001": (3, Decimal("1999.99")),  # E1, E2, E5
        "ZD-002": (3, Decimal("211000")),  # E2, E3, E4
    }


def test_by_month_of_the_local_decision_date(world):
    assert table(result().months) == [
        ("2026-03", 2, Decimal("1999.99")),
        ("2026-04", 3, Decimal("210000")),  # E4 at 23:59 on 30 April
    ]
    may = result(Filters(start=dt.date(2026, 5, 1)))
    assert table(may.months) == [("2026-05", 1, Decimal("3000"))]  # X5 at 00:01 on 1 May


def test_the_filters(world):
    assert result(Filters(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 29))).total.cases == 2
    assert result(Filters(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))).total.cases == 3
    assert result(Filters(town=world.ganpu)).total.cases == 2
    assert result(Filters(unit=world.dept_zhzf)).total.cases == 1
    assert result(Filters()).total.cases == 6  # with X5


def test_the_numbers_come_from_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    # total, matters, towns (+ their names), bands, months — however many cases there are.
    with django_assert_max_num_queries(6):
        result()


def test_the_page_shows_each_table_with_its_chart(world, client):
    client.force_login(world.leader)
    response = client.get("/discretion/analysis/?start=2026-03-01&end=2026-04-30",
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    for key in ("matter", "town", "band", "month"):
        assert f'id="table-{key}"' in page and f'data-section="{key}"' in page
    assert 'id="analysis-chart-data"' in page and "vendor/echarts/echarts.min.js" in page
    assert "澉浦镇" in page and "1千–1万" in page


def test_the_page_counts_only_the_cases_one_may_see(world, client):
    client.force_login(world.ganpu_officer)  # sees 澉浦's squad cases: E3
    page = client.get("/discretion/analysis/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        '<tr data-key="ZD-002"><td>ZD-002 对擅自挖掘城市道路的行政处罚</td><td class="number">1<'
        in page
    )


def test_the_export_holds_the_tables_and_the_conditions(world, client):
    client.force_login(world.leader)
    response = client.get("/discretion/analysis/export/?start=2026-03-01&end=2026-04-30",
                          HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "By matter", "By town", "By amount of the fine", "By month of the decision", "Conditions"
    ]  # fmt: skip
    bands = [tuple(row) for row in book["By amount of the fine"].iter_rows(values_only=True)]
    assert bands[0] == ("amount of the fine (yuan)", "cases", "fines (yuan)")
    assert bands[3] == ("1千–1万", 1, 1000)
    assert bands[-1] == ("Total", 5, 211999.99)
    months = [tuple(row) for row in book["By month of the decision"].iter_rows(values_only=True)]
    assert months[1:3] == [("2026-03", 2, 1999.99), ("2026-04", 3, 210000)]
    conditions = dict(
        tuple(row)[:2] for row in book["Conditions"].iter_rows(min_row=2, values_only=True)
    )
    assert conditions["decided from"] == "2026-03-01"
    assert conditions["town"] == "all"
