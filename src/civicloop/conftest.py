import pytest

from civicloop.testing.world import build_world


def pytest_runtest_setup(item):
    """Tests marked ``postgres`` (row locks, concurrency) run in the PostgreSQL pass of .ci/run."""
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip(
                "exercised on PostgreSQL (the .ci/run PostgreSQL pass; DATABASE_URL=postgres://…)"
            )


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, settings):
    """Each test: its own media folder, no sign-in throttling (one test turns it on), no idle
    sign-out (test_session_idle.py turns it on), tasks run at once, an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    # No idle sign-out: tests travel in time between requests (test_session_idle.py turns it on).
    settings.CIVICLOOP_SESSION_IDLE_MINUTES = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Each test starts with an empty cache (throttle counters live there).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def case_world(world):
    """The world with what penalty cases need: certified officers, reviewers, the town's
    responsible person, parties and matters (testing/world.py: equip_for_cases)."""
    from civicloop.testing.world import equip_for_cases

    return equip_for_cases(world)
