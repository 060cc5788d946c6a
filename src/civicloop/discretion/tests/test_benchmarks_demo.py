"""`civicloop demo` makes the starter benchmark for the shipped catalogue: one item per matter
and party type with a fine, every band inside its statutory range, marked starter."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from civicloop.discretion import services
from civicloop.discretion.models import Benchmark
from civicloop.discretion.starter import CODE
from civicloop.events.demo import ESSENTIAL
from civicloop.matters.models import Matter
from civicloop.matters.ranges import ranges_of


@pytest.fixture
def demo_output(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", events=len(ESSENTIAL) + 4, seed=7, language="en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_demo_makes_the_starter_benchmark(demo_output):
    out, err = demo_output
    assert "Demo step skipped" not in err
    benchmark = Benchmark.objects.get(code=CODE)
    assert benchmark.is_starter and benchmark.region is not None
    with_fines = [
        (m.code, r.party_type)
        for m in Matter.objects.active()
        for r in ranges_of(m.current_version(benchmark.effective_from))
    ]
    assert with_fines
    items = set(benchmark.items.values_list("code", "party_type"))
    assert items == set(with_fines)
    assert not benchmark.items.filter(matter__isnull=True).exists()
    # What was stored passes the same checks again (every band inside the statute).
    assert services.validate(services.spec_of(benchmark)) == []
    assert f"Made the starter discretion benchmark: {len(items)} items" in out
