"""轻微违法告知承诺: the notice, the party's written commitment (signed scan), the follow-up check
scheduled on a working day that the worker makes due (and tells the handling unit, once), and
its outcome — kept closes, broken reopens the matter as a new event linked both ways — or the
party declining. Each step asserts the state and the history row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.events.models import Event
from civicloop.leniency import services, tasks
from civicloop.leniency.choices import CommitmentState as C
from civicloop.leniency.models import Commitment
from civicloop.notifications.models import Notification
from civicloop.site.tasks import sweep_deadlines
from civicloop.testing.cases import MONDAY, at, file

from .helpers import record, scan

NOTICE = "你于健康路人行道摆摊经营，违反《城市道路管理条例》，请于三日内改正；违反承诺将依法处罚。"
SATURDAY = dt.date(2026, 6, 6)
NEXT_MONDAY = dt.date(2026, 6, 8)


def history(commitment):
    return list(
        commitment.history.order_by("at", "id").values_list(
            "action", "from_state", "to_state", "actor__username"
        )
    )


@pytest.fixture
def signed(lw, settings):
    """A notice served and the commitment signed on MONDAY; the follow-up falls on a Saturday."""
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
    return commitment


def test_the_commitment_schedules_the_follow_up_on_the_next_working_day(lw, signed):
    commitment = Commitment.objects.get(pk=signed.pk)
    assert commitment.state == C.COMMITTED and commitment.follow_up_due_on == NEXT_MONDAY
    assert commitment.scan_content_type == "image/png" and len(commitment.scan_sha256) == 64
    assert commitment.scan.storage.exists(commitment.scan.name)
    assert history(commitment) == [
        ("serve_notice", "", C.NOTIFIED, "wuyuan_officer"),
        ("record_commitment", C.NOTIFIED, C.COMMITTED, "wuyuan_officer2"),
    ]
    assert commitment.history.last().details["follow_up_due_on"] == NEXT_MONDAY.isoformat()


def test_the_follow_up_waits_for_the_correction_deadline(lw, settings):
    cw = lw
    settings.CIVICLOOP_COMMITMENT_FOLLOW_UP_DAYS = 5
    with at(MONDAY):
        case = file(cw)
        record(cw, case, due=MONDAY.date() + dt.timedelta(days=14), corrected=None)
        commitment = services.serve_commitment_notice(
            case, by=cw.wuyuan_officer, notice_text=NOTICE
        )
        commitment = services.record_commitment(
            commitment, by=cw.wuyuan_officer, text="承诺改正", signed_on=MONDAY.date(), scan=scan()
        )
    # Correction due 06-15 → the check on 06-16 (Tuesday), not 06-08.
    assert commitment.follow_up_due_on == dt.date(2026, 6, 16)


def test_the_sweep_makes_the_check_due_on_its_day_and_tells_the_handling_unit_once(lw, signed):
    with at(dt.datetime(2026, 6, 5, 18, 0)):
        assert tasks.sweep() == 0
    assert Commitment.objects.get(pk=signed.pk).state == C.COMMITTED
    with at(dt.datetime(2026, 6, 8, 7, 0)):
        assert sweep_deadlines.call() >= 1  # the worker's task (site.tasks) runs the leniency sweep
    commitment = Commitment.objects.get(pk=signed.pk)
    assert commitment.state == C.DUE and commitment.due_notified_at is not None
    assert history(commitment)[-1] == ("follow_up_due", C.COMMITTED, C.DUE, None)
    notified = set(
        Notification.objects.filter(verb="commitment_due").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"wuyuan_officer", "wuyuan_officer2"} <= notified
    assert "ganpu_officer" not in notified and "centre" not in notified
    assert Notification.objects.filter(
        verb="commitment_due", link=f"/leniency/commitments/{signed.pk}/"
    ).exists()
    count = Notification.objects.filter(verb="commitment_due").count()
    with at(dt.datetime(2026, 6, 9, 7, 0)):
        assert tasks.sweep() == 0
    assert Notification.objects.filter(verb="commitment_due").count() == count
    assert commitment.history.filter(action="follow_up_due").count() == 1


def test_a_kept_commitment_is_closed_with_who_checked_and_when(lw, signed):
    cw = lw
    with at(dt.datetime(2026, 6, 8, 10, 0)):
        services.sweep_commitments()
        services.record_check(signed, by=cw.wuyuan_officer, kept=True, note="已改正，未再摆摊。")
    commitment = Commitment.objects.get(pk=signed.pk)
    assert commitment.state == C.KEPT and commitment.checked_by == cw.wuyuan_officer
    assert commitment.reopened_event is None and not Event.objects.exists()
    assert history(commitment)[-1] == ("record_check", C.DUE, C.KEPT, "wuyuan_officer")
    with at(dt.datetime(2026, 6, 9, 10, 0)), pytest.raises(InvalidTransition):
        services.record_check(commitment, by=cw.wuyuan_officer, kept=False, note="又摆摊")


def test_a_broken_commitment_reopens_the_matter_as_a_new_event_linked_both_ways(lw, signed):
    cw = lw
    with at(dt.datetime(2026, 6, 8, 10, 0)):
        with pytest.raises(InvalidInput) as no_note:
            services.record_check(signed, by=cw.wuyuan_officer, kept=False)
        assert no_note.value.field == "note"
        assert (
            Commitment.objects.get(pk=signed.pk).state == C.COMMITTED and not Event.objects.exists()
        )
        services.record_check(
            signed,
            by=cw.wuyuan_officer,
            kept=False,
            note="回访发现当事人仍在原处摆摊。",
            region=cw.wuyuan_village,
        )
    commitment = Commitment.objects.get(pk=signed.pk)
    event = commitment.reopened_event
    assert commitment.state == C.BROKEN and event is not None
    assert list(event.leniency_commitments.all()) == [commitment]
    assert event.region == cw.wuyuan_village and event.category == cw.street_vending
    assert commitment.case.number in event.description and "仍在原处摆摊" in event.description
    assert event.reported_by == cw.wuyuan_officer
    last = commitment.history.last()
    assert (last.action, last.to_state, last.details["event"]) == (
        "record_check",
        C.BROKEN,
        event.number,
    )


def test_the_event_page_links_back_to_the_broken_commitment(lw, signed, client):
    cw = lw
    with at(dt.datetime(2026, 6, 8, 10, 0)):
        services.record_check(signed, by=cw.wuyuan_officer, kept=False, note="仍在摆摊")
    event = Commitment.objects.get(pk=signed.pk).reopened_event
    client.force_login(cw.wuyuan_officer)
    page = client.get(f"/events/{event.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/leniency/commitments/{signed.pk}/" in page
    detail = client.get(
        f"/leniency/commitments/{signed.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert event.number in detail


def test_a_party_that_declines_is_recorded_with_the_reason(lw):
    cw = lw
    with at(MONDAY):
        case = file(cw)
        commitment = services.serve_commitment_notice(
            case, by=cw.wuyuan_officer, notice_text=NOTICE
        )
        with pytest.raises(InvalidInput) as no_reason:
            services.record_refusal(commitment, by=cw.wuyuan_officer, reason="  ")
        assert no_reason.value.field == "reason"
        services.record_refusal(commitment, by=cw.wuyuan_officer, reason="当事人拒绝签署承诺书")
    commitment.refresh_from_db()
    assert commitment.state == C.DECLINED
    assert history(commitment)[-1] == ("record_refusal", C.NOTIFIED, C.DECLINED, "wuyuan_officer")
    assert commitment.history.last().reason == "当事人拒绝签署承诺书"
    # Declined is final: a new notice may be served to the party on the same case.
    with at(MONDAY):
        again = services.serve_commitment_notice(case, by=cw.wuyuan_officer, notice_text=NOTICE)
    assert again.state == C.NOTIFIED


def test_only_the_handlers_serve_a_notice_and_one_open_notice_per_party(lw):
    cw = lw
    with at(MONDAY):
        case = file(cw)
        with pytest.raises(NotPermitted):
            services.serve_commitment_notice(case, by=cw.ganpu_officer, notice_text=NOTICE)
        with pytest.raises(InvalidInput) as empty:
            services.serve_commitment_notice(case, by=cw.wuyuan_officer, notice_text=" ")
        assert empty.value.field == "notice_text"
        services.serve_commitment_notice(case, by=cw.wuyuan_officer, notice_text=NOTICE)
        with pytest.raises(InvalidInput) as twice:
            services.serve_commitment_notice(case, by=cw.wuyuan_officer, notice_text=NOTICE)
        assert twice.value.field == "party"
    assert Commitment.objects.count() == 1


def test_a_commitment_needs_a_photo_or_pdf_and_a_date_and_a_bad_one_stores_nothing(lw, settings):
    cw = lw
    with at(MONDAY):
        case = file(cw)
        commitment = services.serve_commitment_notice(
            case, by=cw.wuyuan_officer, notice_text=NOTICE
        )
        with pytest.raises(InvalidInput) as no_scan:
            services.record_commitment(
                commitment, by=cw.wuyuan_officer, text="承诺", signed_on=MONDAY.date(), scan=None
            )
        assert no_scan.value.field == "scan"
        text_file = SimpleUploadedFile("承诺.txt", b"I promise", content_type="text/plain")
        with pytest.raises(InvalidInput) as wrong:
            services.record_commitment(
                commitment,
                by=cw.wuyuan_officer,
                text="承诺",
                signed_on=MONDAY.date(),
                scan=text_file,
            )
        assert wrong.value.field == "scan"
        with pytest.raises(InvalidInput) as future:
            services.record_commitment(
                commitment,
                by=cw.wuyuan_officer,
                text="承诺",
                signed_on=MONDAY.date() + dt.timedelta(days=1),
                scan=scan(),
            )
        assert future.value.field == "signed_on"
        with pytest.raises(NotPermitted):
            services.record_commitment(
                commitment, by=cw.ganpu_officer, text="承诺", signed_on=MONDAY.date(), scan=scan()
            )
    commitment.refresh_from_db()
    assert (
        commitment.state == C.NOTIFIED and not commitment.scan and commitment.history.count() == 1
    )
    media = settings.MEDIA_ROOT / "leniency"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_nobody_but_the_worker_makes_a_check_due(lw, signed):
    cw = lw
    with at(MONDAY), pytest.raises(NotPermitted):
        services.COMMITMENT_FLOW.check(signed, "follow_up_due", cw.wuyuan_officer)


def test_the_commitment_pages_walk_the_same_path(lw, client, settings):
    cw = lw
    settings.CIVICLOOP_COMMITMENT_FOLLOW_UP_DAYS = 5
    client.force_login(cw.wuyuan_officer)
    with at(MONDAY):
        case = file(cw)
        choices = {"party": cw.person.pk, "matter": cw.town_matter.pk}
        empty = client.post(
            f"/leniency/cases/{case.pk}/commitments/new/",
            {**choices, "notice_text": ""},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert empty.status_code == 400 and "此项为必填项。" in empty.content.decode()
        assert not Commitment.objects.exists()
        response = client.post(
            f"/leniency/cases/{case.pk}/commitments/new/", {**choices, "notice_text": NOTICE}
        )
        commitment = Commitment.objects.get(case=case)
        assert response.status_code == 302
        bad = client.post(
            f"/leniency/commitments/{commitment.pk}/act/record_commitment/",
            {"commitment_text": "承诺", "signed_on": "2026-06-01"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert bad.status_code == 400 and "Upload the signed commitment" in bad.content.decode()
        assert Commitment.objects.get(pk=commitment.pk).state == C.NOTIFIED
        good = client.post(
            f"/leniency/commitments/{commitment.pk}/act/record_commitment/",
            {"commitment_text": "承诺", "signed_on": "2026-06-01", "scan": scan()},
        )
        assert good.status_code == 302
    commitment.refresh_from_db()
    assert commitment.state == C.COMMITTED and commitment.follow_up_due_on == NEXT_MONDAY
    other = client.get(f"/leniency/commitments/{commitment.pk}/scan/")
    assert other.status_code == 200 and other["Content-Type"] == "image/png"
    client.force_login(cw.ganpu_officer)
    assert client.get(f"/leniency/commitments/{commitment.pk}/").status_code == 404
    assert client.get(f"/leniency/commitments/{commitment.pk}/scan/").status_code == 404
