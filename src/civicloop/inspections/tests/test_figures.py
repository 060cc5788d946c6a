import datetime as dt

import pytest
from django.utils import timezone

from civicloop.assessment.choices import Dimension
from civicloop.assessment.indicators import compute_indicators
from civicloop.core.figures import Period, figures
from civicloop.core.registry import DemoContext
from civicloop.inspections import kpis
from civicloop.inspections.choices import VisitState
from civicloop.inspections.demo_steps import inspections as demo_inspections
from civicloop.inspections.models import InspectionRecord, Visit

pytestmark = pytest.mark.django_db


def _visit(w, subject, day, units, state=VisitState.PLANNED):
    v = Visit.objects.create(
        subject=subject, date=day, lead_unit=units[0], department_count=len(units), state=state
    )
    v.units.set(units)
    return v


def test_visits_per_enterprise_and_their_change_year_on_year(insp_world):
    w = insp_world
    s1, s2 = w.subjects[0], w.subjects[1]
    for month in (1, 2, 3, 4):  # last year: four single-department visits to each
        _visit(w, s1, dt.date(2025, month, 5), [w.dept_scjg])
        _visit(w, s2, dt.date(2025, month, 5), [w.dept_zhzf])
    _visit(w, s1, dt.date(2026, 3, 5), [w.dept_scjg, w.dept_zhzf])
    _visit(w, s2, dt.date(2026, 3, 6), [w.dept_scjg, w.dept_zhzf])
    _visit(w, s2, dt.date(2026, 9, 6), [w.dept_scjg])
    year = Period.year(2026)
    assert figures.get("inspections.visits").value(year) == 3
    assert figures.get("inspections.visits_per_enterprise").value(year) == 1.5
    assert figures.get("inspections.visits_change").value(year) == round((3 - 8) * 100 / 8, 1)
    assert figures.get("inspections.joint_share").value(year) == round(2 / 3, 4)
    assert figures.get("inspections.visits").value(year, w.wuyuan) == 3  # both in 武原
    assert figures.get("inspections.visits").value(year, w.ganpu) == 0


def test_repeated_inspections_are_counted(insp_world):
    w = insp_world
    _visit(w, w.subjects[0], dt.date(2026, 3, 1), [w.dept_scjg])
    _visit(w, w.subjects[0], dt.date(2026, 3, 20), [w.dept_zhzf])
    _visit(w, w.subjects[1], dt.date(2026, 3, 1), [w.dept_scjg])
    assert kpis.repeated(Period.year(2026)) == 1
    assert kpis.repeated(Period.month(2026, 3), w.ganpu) == 0


def test_the_assessment_scores_supervision_from_visits_done(insp_world):
    w = insp_world
    _visit(w, w.subjects[0], dt.date(2026, 3, 1), [w.dept_scjg], VisitState.DONE)
    _visit(w, w.subjects[1], dt.date(2026, 3, 2), [w.dept_scjg])
    indicator = compute_indicators(w.wuyuan, dt.date(2026, 1, 1), dt.date(2026, 6, 30))[
        Dimension.SUPERVISION
    ]
    assert (indicator.numerator, indicator.denominator) == (1, 2)
    assert indicator.score == 50


def test_the_demo_step_loads_a_year_with_fewer_visits_than_the_last(insp_world):
    said = []
    context = DemoContext(
        events=0, seed=3, say=said.append, skip=said.append, warn=said.append, detail=said.append
    )
    demo_inspections(context)
    year = timezone.localdate().year
    this = Visit.objects.filter(date__year=year).count()
    last = Visit.objects.filter(date__year=year - 1).count()
    assert 0 < this < last
    assert InspectionRecord.objects.exists()
    assert Visit.objects.filter(date__year=year, department_count=2).exists()
    assert len(said) == 1, said
