import io

import pytest
from django.core.management import CommandError, call_command

from civicloop.supervision.models import Summons

pytestmark = pytest.mark.django_db


def test_the_command_prints_the_ranking_with_reasons_and_makes_the_suggestions(march, sv):
    out = io.StringIO()
    call_command("supervision", "ranking", month="2026-03", suggest=True, stdout=out)
    text = out.getvalue()
    assert sv.wuyuan_squad.name in text and sv.ganpu_squad.name in text
    assert march["returned"].number in text
    assert Summons.objects.get().unit == sv.wuyuan_squad


def test_the_command_refuses_a_month_it_cannot_read(db):
    with pytest.raises(CommandError):
        call_command("supervision", "ranking", month="March")
