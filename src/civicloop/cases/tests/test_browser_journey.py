"""A complaint taken into a penalty case and through 简案快办 in a real browser.

The town squad's officer opens a case from the event it is handling, investigates, concludes
on the fast track → a qualified legal reviewer approves → the officer serves the prior notice
(the party waives statement and hearing) → the town's responsible leader decides and the
decision is served on the spot → the officer downloads the numbered penalty decision (DOCX)
and records the payment → the leader closes the case. The refusals the law requires are
checked on the way: the handler may not approve the review, and the decision form is not
offered before the review.
"""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from docx import Document

from civicloop.events.choices import EventState
from civicloop.events.tests.test_browser_journey import browser  # noqa: F401
from civicloop.testing.cases import png_bytes
from civicloop.testing.factories import TEST_PASSWORD
from civicloop.testing.journeys import report, walk
from civicloop.testing.world import ENTERPRISE2_CODE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, base_url, username):  # noqa: F811
    page = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state()
    return page


def act(page, name, fill=None):
    # Each click navigates: wait for the new page before looking for the form or state.
    with page.expect_navigation():
        page.click(f"#action-{name}")
    if page.locator("#action-form").count():
        if fill:
            fill(page)
        with page.expect_navigation():
            page.click("#action-submit")
    page.wait_for_selector("#case-state")
    errors = page.locator(".errorlist, .form-errors")
    assert not errors.count(), errors.first.inner_text()


def choose(page, name, value):
    """Pick a choice, whether the form shows it as radio buttons or a list."""
    radio = page.locator(f"input[name={name}][value={value}]")
    if radio.count():
        radio.check()
    else:
        page.select_option(f"#id_{name}", value)


def state(page) -> str:
    return page.get_attribute("#case-state", "data-state")


def test_officer_takes_a_complaint_through_the_fast_track_to_closed(browser, live_server, tmp_path):  # noqa: F811
    from civicloop.cases.models import Case
    from civicloop.testing.world import build_world, equip_for_cases

    cw = equip_for_cases(build_world())
    event = walk(
        cw,
        report(cw, description="健康路商户在人行道上堆放货物经营，多次劝导未改"),
        EventState.HANDLING,
    )
    base = live_server.url
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes())
    today = timezone.localdate().isoformat()

    # 1. The squad's officer files a fast-track case from the event (立案).
    officer = signed_in(browser, base, "wuyuan_officer")
    officer.goto(f"{base}/events/{event.pk}/")
    officer.click("#open-case")
    officer.check("input[name=procedure][value=fast_track]")
    officer.fill("#id_title", "商户占道堆物经营案")
    officer.fill("#id_facts", "当事人在健康路人行道上堆放货物经营，占用人行道约10平方米。")
    officer.fill("#id_violation_date", today)
    officer.select_option("#id_matters", value=str(cw.town_matter.pk))
    for handler in (cw.wuyuan_officer, cw.wuyuan_officer2):
        officer.check(f"input[name=handlers][value='{handler.pk}']")
    officer.check("input[name=party_kind][value=organisation]")
    officer.fill("#id_party_name", "海盐县健康路商贸有限公司")
    officer.fill("#id_party_credit_code", ENTERPRISE2_CODE)
    officer.fill("#id_party_legal_representative", "王五")
    officer.check("#id_party_admits")
    officer.check("#id_fast_track_consent")
    officer.click("#case-submit")
    officer.wait_for_selector("#case-state")
    case = Case.objects.get(event=event)
    assert state(officer) == "filed" and case.number in officer.content()

    # 2. Investigation with a photo as evidence, concluded on the fast track.
    act(officer, "start_investigation")
    act(
        officer,
        "add_evidence",
        lambda p: (
            p.fill("#id_description", "现场检查笔录及照片"),
            p.set_input_files("#id_file", str(photo)),
        ),
    )
    assert officer.locator("#case-actions [data-action=decide]").count() == 0

    def findings(p):
        p.fill("#id_facts", "经调查，当事人占用人行道堆物经营，事实清楚，当事人承认。")
        choose(p, "outcome", "penalty")
        p.fill("#id_fine", "800")
        p.fill("#id_reason", "初次违法，情节一般，按裁量基准处罚。")
        for box in ("#id_facts_clear", "#id_evidence_complete", "#id_party_admits"):
            p.check(box)

    act(officer, "conclude_fast_track", findings)
    assert state(officer) == "legal_review"
    # A case handler is never offered the review opinion.
    assert officer.locator("#case-actions [data-action=record_opinion]").count() == 0
    act(
        officer,
        "assign_reviewers",
        lambda p: p.check(f"input[name=reviewers][value='{cw.legal_reviewer.pk}']"),
    )

    # 3. The qualified reviewer approves (法制审核).
    reviewer = signed_in(browser, base, "legal_reviewer")
    reviewer.goto(f"{base}/cases/{case.pk}/")
    act(reviewer, "record_opinion", lambda p: p.check("input[name=opinion][value=approve]"))
    assert state(reviewer) == "prior_notice"

    # 4. Prior notice, the party waives statement and hearing in writing.
    officer.goto(f"{base}/cases/{case.pk}/")
    act(
        officer,
        "serve_notice",
        lambda p: (
            choose(p, "method", "in_person"),
            p.check("#id_waive_statement"),
            p.fill("#id_waiver_note", "当事人书面放弃陈述、申辩权利"),
        ),
    )
    assert state(officer) == "prior_notice"
    assert case.notices.get().statement_waived_at is not None

    # 5. The responsible leader decides; the decision is served on the spot.
    leader = signed_in(browser, base, "wuyuan_leader")
    leader.goto(f"{base}/cases/{case.pk}/")

    def decision(p):
        choose(p, "outcome", "penalty")
        p.fill("#id_fine", "800")
        p.fill("#id_reason", "依据裁量基准，处罚款800元。")
        p.check("#id_serve_on_the_spot")

    act(leader, "decide", decision)
    assert state(leader) == "served"

    # 6. The officer downloads the numbered penalty decision and records the payment.
    officer.goto(f"{base}/cases/{case.pk}/")
    row = officer.locator("[data-document=penalty_decision]")
    with officer.expect_download() as download:
        row.locator("[data-download=docx]").click()
    text = "\n".join(
        p.text for p in Document(io.BytesIO(download.value.path().read_bytes())).paragraphs
    )
    case.refresh_from_db()
    number = case.documents.get(kind="penalty_decision").number
    assert number in text and "海盐县健康路商贸有限公司" in text and "捌佰元" in text
    act(officer, "record_payment", lambda p: p.fill("#id_amount", "800"))
    assert state(officer) == "executing"

    # 7. The leader closes; the event page lists the closed case.
    leader.goto(f"{base}/cases/{case.pk}/")
    act(leader, "close")
    assert state(leader) == "closed"
    leader.goto(f"{base}/events/{event.pk}/")
    assert leader.locator(f"#event-cases [data-case='{case.number}']").count() == 1
    actions = list(case.history.order_by("at", "pk").values_list("action", flat=True))
    assert actions[0] == "file" and actions[-1] == "close" and "record_opinion" in actions
