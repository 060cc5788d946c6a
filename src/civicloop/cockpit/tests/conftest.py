import pytest

from civicloop.cockpit import rollups


@pytest.fixture(autouse=True)
def _fresh_rollup_coverage():
    """Each test starts with no remembered coverage (its database was rolled back)."""
    rollups.forget_coverage()
    yield
    rollups.forget_coverage()
