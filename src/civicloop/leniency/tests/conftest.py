import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are read in English here, so the assertions do not depend on the
    state of the zh-hans catalogue; pages and the API are asked for a language explicitly."""
    with translation.override("en"):
        yield


@pytest.fixture
def lw(case_world, settings):
    """The case world with complete records (no look-back limit) and a 30-day follow-up."""
    settings.CIVICLOOP_LENIENCY_RECORDS_SINCE = ""
    settings.CIVICLOOP_COMMITMENT_FOLLOW_UP_DAYS = 30
    return case_world
