"""``civicloop simulate``: a bulk-loaded year for capacity planning."""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections import Counter
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from civicloop.cases.models import Case, CaseHandler, LegalReview
from civicloop.events.choices import EventState, Source
from civicloop.events.models import Assignment, Check, Event, EventRating, Feedback
from civicloop.leniency.choices import ItemKind, LegalBasis
from civicloop.leniency.models import AppliedItem, LeniencyItem, LeniencyItemVersion
from civicloop.org.divisions import county_rows
from civicloop.org.models import Region
from civicloop.site.simulate.calendar import spread_over_year
from civicloop.site.simulate.loader import simulate
from civicloop.site.simulate.regions import JIAXING, county_world, plan_counties
from civicloop.testing.journeys import report
from civicloop.testing.matters import make_matter

HAIYAN = "330424"


def run(**options):
    options = {"county": HAIYAN, "year": 2025, "scale": 0.01, "seed": 7, **options}
    call_command("simulate", language="en", stdout=open("/dev/null", "w"), **options)


def first_rows(n: int = 5):
    return list(
        Event.objects.order_by("number").values_list(
            "number", "source", "reported_at", "region__code", "state", "closed_at"
        )[:n]
    )


@pytest.mark.django_db
def test_scale_one_hundredth_loads_a_hundredth_of_haiyans_year():
    run()
    events = Event.objects.count()
    assert events == 450
    assert Case.objects.count() == 45
    # Every dispatched event has its lead assignment and feedback, nearly all a passed check.
    assert 440 <= Assignment.objects.count() <= events
    assert 440 <= Feedback.objects.count() <= events + 20
    assert 440 <= Check.objects.filter(passed=True).count() <= events
    assert 0.2 * events <= EventRating.objects.count() <= 0.6 * events
    assert CaseHandler.objects.count() == 2 * 45
    assert Event.objects.filter(number__startswith="SIM33042425").count() == events


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows():
    run()
    counts = (Event.objects.count(), Case.objects.count(), EventRating.objects.count())
    rows = first_rows()
    run(replace=True)
    assert (Event.objects.count(), Case.objects.count(), EventRating.objects.count()) == counts
    assert first_rows() == rows
    run(replace=True, seed=8)
    assert first_rows() != rows


@pytest.mark.django_db
def test_every_event_falls_in_the_year_and_the_county():
    run()
    zone = ZoneInfo(settings.TIME_ZONE)
    years = {e.astimezone(zone).year for e in Event.objects.values_list("reported_at", flat=True)}
    assert years == {2025}
    assert not Event.objects.exclude(region__code__startswith=HAIYAN).exists()
    assert not Case.objects.exclude(region__code__startswith=HAIYAN).exists()
    assert not Event.objects.filter(closed_at__lt=F("reported_at")).exists()


def test_summer_months_see_more_events_than_february():
    moments = spread_over_year(np.random.default_rng(1), 2025, 20_000)
    months = Counter(
        dt.datetime.fromtimestamp(m, ZoneInfo("Asia/Shanghai")).month for m in moments.tolist()
    )
    summer = (months[6] + months[7] + months[8]) / 3
    assert summer > 1.3 * months[2]


@pytest.mark.django_db
def test_channels_and_closing_are_near_the_targets():
    run(scale=0.05)
    events = Event.objects.count()
    sources = Counter(Event.objects.values_list("source", flat=True))
    assert 0.72 <= sources[Source.GRID_PATROL] / events <= 0.83
    assert 0.003 <= sources[Source.LIAISON_STATION] / events <= 0.02
    closed = Event.objects.filter(state=EventState.CLOSED).count()
    assert 0.97 <= closed / events <= 0.999
    ratings = Counter(EventRating.objects.values_list("rating", flat=True))
    assert (ratings["satisfied"] + ratings["basically_satisfied"]) / sum(ratings.values()) > 0.96
    assert Check.objects.filter(passed=False).exists()
    procedures = Counter(Case.objects.values_list("procedure", flat=True))
    assert procedures["simple"] > procedures["ordinary"] > 0
    # Empowered towns' decisions outside the simple procedure rest on a legal review.
    reviewed = Case.objects.filter(is_empowered=True, decided_at__isnull=False).exclude(
        procedure="simple"
    )
    assert reviewed.count() == LegalReview.objects.count() > 0


@pytest.mark.django_db
def test_a_second_run_is_refused_unless_it_replaces_the_first():
    run()
    events = Event.objects.count()
    with pytest.raises(CommandError, match="--replace"):
        run()
    assert Event.objects.count() == events
    run(replace=True)
    assert Event.objects.count() == events
    run(year=2024)  # another year is another run
    assert Event.objects.count() == 2 * events


@pytest.mark.django_db
def test_a_database_with_real_events_is_refused_without_yes(world):
    report(world)
    with pytest.raises(CommandError, match="not simulated"):
        run()
    run(yes=True)
    assert Event.objects.exclude(number__startswith="SIM").count() == 1


@pytest.mark.django_db
def test_no_penalty_decisions_apply_an_exemption_item_in_force_on_the_day(world):
    matter = make_matter(world)
    item = LeniencyItem.objects.create(code="MF-ZD-001", matter=matter, kind=ItemKind.EXEMPTION)
    old = LeniencyItemVersion.objects.create(
        item=item,
        number=1,
        effective_from=dt.date(2024, 7, 1),
        effective_to=dt.date(2026, 2, 28),
        title="首次占道经营，经劝导立即改正",
        legal_basis=LegalBasis.ART33_MINOR,
    )
    LeniencyItemVersion.objects.create(
        item=item,
        number=2,
        effective_from=dt.date(2026, 3, 1),
        title="首次占道经营，经劝导立即改正",
        legal_basis=LegalBasis.ART33_MINOR,
    )
    run(scale=0.05)
    exempted = Case.objects.filter(outcome="no_penalty", decided_at__isnull=False)
    assert exempted.exists()
    applied = AppliedItem.objects.all()
    assert sorted(a.case_id for a in applied) == sorted(exempted.values_list("pk", flat=True))
    assert {a.version_id for a in applied} == {old.pk}


def test_larger_scales_add_the_real_jiaxing_counties_then_synthetic_ones():
    plans = plan_counties(HAIYAN, 10)
    assert [p.code for p in plans[:7]] == [HAIYAN] + [c for c in JIAXING if c != HAIYAN]
    synthetic = plans[7:]
    assert [p.code for p in synthetic] == ["339901", "339902", "339903"]
    assert all(p.synthetic and p.name.startswith("模拟县") for p in synthetic)
    assert len(plan_counties(HAIYAN, 0.01)) == 1
    assert len(plan_counties(HAIYAN, 90)) == 90


@pytest.mark.django_db
def test_a_synthetic_county_copies_the_shape_of_a_jiaxing_county():
    plan = plan_counties(HAIYAN, 8)[7]
    world = county_world(plan)
    _county, towns, villages = county_rows(plan.shape)
    assert len(world.towns) == len(towns)
    assert len(world.grids) == len(villages)
    assert Region.objects.filter(code__startswith=plan.code).count() == 1 + len(towns) + 2 * len(
        villages
    )


@pytest.mark.django_db
def test_the_cockpit_rollups_are_refreshed_for_the_year_when_they_exist(monkeypatch):
    calls = []
    module = types.ModuleType("civicloop.cockpit.rollups")
    module.refresh = lambda start, end: calls.append((start, end))
    monkeypatch.setitem(sys.modules, "civicloop.cockpit.rollups", module)
    simulate(county=HAIYAN, year=2025, scale=0.01, seed=1)
    assert calls == [(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]


@pytest.mark.postgres
@pytest.mark.django_db
def test_copy_loads_postgresql_and_moves_the_sequences_past_the_rows():
    report_ = simulate(county=HAIYAN, year=2025, scale=0.01, seed=7)
    assert report_.tables["events.Event"].rows == Event.objects.count() == 450
    event = Event.objects.order_by("-id").first()
    # A row written the ordinary way afterwards takes the next key, not a simulated one.
    check = Check.objects.create(event=event, passed=True, checked_by=event.reported_by
                                 or Check.objects.first().checked_by)  # fmt: skip
    assert check.pk > Check.objects.exclude(pk=check.pk).order_by("-pk").first().pk
