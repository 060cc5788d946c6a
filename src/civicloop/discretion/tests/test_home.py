"""/discretion/: the starting page of the discretion work."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicloop.discretion.risks import sweep
from civicloop.discretion.tests import factory as f

from .risk_world import decided, dq005

pytestmark = pytest.mark.django_db


def test_the_home_page_counts_open_flags_for_those_who_review_and_separates_reference_tables(
    case_world, client
):
    f.benchmark(case_world.county, code="haiyan-zhzf", title="海盐县行政处罚裁量基准")
    f.benchmark(None, code="jiangmen-ref", title="江门市裁量标准参照表")
    decided(case_world, dq005(case_world), 3001)  # above the statutory 3 000: one open flag
    sweep()

    client.force_login(case_world.leader)
    page = client.get(reverse("discretion:home")).content.decode()
    assert "1 条待核查" in page
    current, reference = page.split('id="reference-benchmarks"')
    assert "海盐县行政处罚裁量基准" in current and "江门市裁量标准参照表" not in current
    assert "江门市裁量标准参照表" in reference
    assert 'id="open-risks">1<' in page  # the navigation badge

    # An officer reaches the page, without the flags' count.
    client.force_login(case_world.wuyuan_officer)
    page = client.get(reverse("discretion:home")).content.decode()
    assert "待核查" not in page and "法制审核人员和领导可查看风险提示" in page
