import datetime as dt

import pytest

from civicloop.scoring import services
from civicloop.testing.events import local

BASE = {"professional_grid_worker": 100, "red_butler": 100, "enforcement_officer": 100}
POINTS = {
    "patrol_visit": 1,
    "activity": 2,
    "clue_confirmed": 3,
    "task_on_time": 2,
    "task_overdue": -2,
    "rework": -3,
    "rating_satisfied": 1,
    "rating_basically": 0.5,
    "rating_dissatisfied": -2,
}


@pytest.fixture
def rules(world):
    return services.add_rule_version(
        by=world.centre,
        effective_from=dt.date(2026, 1, 1),
        base_scores=BASE,
        points=POINTS,
        activity_points={"dispute_mediation": 4},
        grade_cutoffs={"good": 110, "fairly_good": 104, "average": 100},
    )


@pytest.fixture
def visit(world):
    def make(when: dt.datetime, *, by=None, region=None, **kwargs):
        return services.log_visit(
            by=by or world.grid_worker,
            region=region or world.wuyuan_grid,
            visited_at=when,
            note="巡查沿街商铺",
            **kwargs,
        )

    return make


__all__ = ["local"]
