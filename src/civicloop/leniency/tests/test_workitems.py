"""A commitment whose follow-up check is due is in the work queue of the case's handlers and
the follow-up unit's officers, and of nobody in another town."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from civicloop.core.workqueue import work_queue
from civicloop.leniency import services
from civicloop.leniency.choices import CommitmentState as C
from civicloop.testing.cases import MONDAY, at, file

from .helpers import scan

NOTICE = "你于健康路人行道摆摊经营，违反《城市道路管理条例》，请于三日内改正；违反承诺将依法处罚。"


def test_a_due_follow_up_check_is_in_the_handlers_queue_only(lw, settings):
    settings.CIVICLOOP_COMMITMENT_FOLLOW_UP_DAYS = 5
    cw = lw
    with at(MONDAY):
        case = file(cw)
        commitment = services.serve_commitment_notice(
            case, by=cw.wuyuan_officer, notice_text=NOTICE
        )
        commitment = services.record_commitment(
            commitment,
            by=cw.wuyuan_officer2,
            text="本人承诺三日内改正。",
            signed_on=MONDAY.date(),
            scan=scan(),
        )
    assert work_queue(cw.wuyuan_officer).of_kind("leniency_follow_ups") == []
    with at(MONDAY + dt.timedelta(days=8)):
        services.mark_follow_up_due(commitment)
    commitment.refresh_from_db()
    assert commitment.state == C.DUE
    assert commitment.history.order_by("at", "id").last().action == "follow_up_due"
    items = work_queue(cw.wuyuan_officer).of_kind("leniency_follow_ups")
    assert [i.url for i in items] == [reverse("leniency:commitment", args=[commitment.pk])]
    assert items[0].deadline == commitment.follow_up_due_on
    for outsider in (cw.ganpu_officer, cw.ganpu_dispatcher, cw.grid_worker):
        assert work_queue(outsider).of_kind("leniency_follow_ups") == []
