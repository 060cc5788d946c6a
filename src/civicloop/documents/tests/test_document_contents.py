"""Each of the twelve documents, generated from a case played through the services and
opened with python-docx: title, number, the party in full, the legal basis with its
article text, amounts in capitals, the party's rights and deadlines with their articles."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from civicloop.documents import services
from civicloop.documents.choices import DocumentKind
from civicloop.documents.tests.helpers import (
    PREFIX,
    docx_text,
    no_penalty_case,
    ordinary_case,
    slot_of,
    spot_case,
)
from civicloop.testing.matters import ARTICLE_TEXT
from civicloop.testing.world import PERSON_ID

K = DocumentKind
LAW = "《中华人民共和国行政处罚法》"


def generate(cw, case, kind, *, by=None, subject=None):
    slot = slot_of(case, kind) if subject is None else None
    result = services.download(
        case,
        by=by or cw.wuyuan_officer,
        file_format="docx",
        channel="web",
        kind=kind,
        subject=slot.subject if slot else subject,
    )
    return docx_text(result.data), result


def number_pattern(word: str) -> re.Pattern:
    return re.compile(re.escape(PREFIX) + re.escape(word) + r"字〔2026〕第\d{4}号")


def assert_heading(text: str, title: str, word: str, result) -> None:
    lines = text.splitlines()
    assert lines[0] == "武原街道综合行政执法队"
    assert lines[1] == title
    assert number_pattern(word).fullmatch(lines[2]) and lines[2] == result.version.document.number


def assert_party_in_full(text: str) -> None:
    assert "张三" in text and PERSON_ID in text and "海盐县武原街道百可社区健康路12号" in text
    assert "张*" not in text  # official documents carry the full data


def test_the_filing_approval_bears_the_case_number_matters_basis_and_handlers(case_world):
    cw = case_world
    case = ordinary_case(cw)
    text, result = generate(cw, case, K.FILING_APPROVAL)
    assert_heading(text, "立案审批表", "立", result)
    assert result.version.document.number == case.number == "盐综执（武原）立字〔2026〕第0001号"
    assert_party_in_full(text)
    assert "ZD-001 对擅自占用城市道路（含占道经营）的行政处罚" in text
    assert "《城市道路管理条例》第四十二条" in text and f"{LAW}第五十四条第二款" in text
    assert "wuyuan_officer2（执法证号：ZJ33042400002）" in text
    assert "2026年6月1日" in text and "负责人审批意见" in text


def test_the_inspection_record_prints_the_record_the_inspectors_and_the_party(case_world):
    cw = case_world
    case = ordinary_case(cw)
    text, result = generate(cw, case, K.INSPECTION_RECORD)
    assert_heading(text, "现场检查笔录", "检", result)
    assert_party_in_full(text)
    assert "现场检查：当事人在健康路人行道摆设水果摊位，占道约6平方米。" in text
    assert "健康路12号门前" in text and "2026年6月1日" in text
    assert "第五十五条第一款" in text and "第四十三条第二款" in text  # certificate shown; recusal
    assert "被检查人（签名）" in text


def test_the_inquiry_record_prints_the_questions_and_answers_of_the_party(case_world):
    cw = case_world
    case = ordinary_case(cw)
    text, result = generate(cw, case, K.INQUIRY_RECORD)
    assert_heading(text, "询问笔录", "询", result)
    assert_party_in_full(text)
    assert "问：你在此摆摊多久了？答：一个星期左右。" in text
    assert "如实回答询问" in text and "第五十五条第二款" in text
    assert "记录人" in text and "wuyuan_officer2" in text


def test_the_order_to_correct_names_the_requirement_the_day_and_article_28(case_world):
    cw = case_world
    case = ordinary_case(cw)
    text, result = generate(cw, case, K.CORRECTION_ORDER)
    assert_heading(text, "责令改正通知书", "责改", result)
    assert_party_in_full(text)
    assert "立即清理占道摊位，恢复人行道通行。" in text
    assert "于2026年6月4日前改正" in text and f"{LAW}第二十八条第一款" in text
    assert "六十日内向海盐县人民政府申请行政复议" in text and "六个月内" in text


def test_the_prior_notice_states_penalty_facts_basis_and_the_rights_with_their_periods(case_world):
    cw = case_world
    case = ordinary_case(cw)
    text, result = generate(cw, case, K.PRIOR_NOTICE)
    assert_heading(text, "行政处罚事先告知书", "告", result)
    assert_party_in_full(text)
    assert "罚款人民币壹万贰仟伍佰元整（¥12,500.00）" in text
    assert (
        f"《城市道路管理条例》第四十二条：{ARTICLE_TEXT}" in text
    )  # the article text of the version in force
    assert "1. 勘验笔录、现场笔录：" in text and "2. 当事人的陈述：" in text  # the evidence list
    # Art. 44, 45: statement and defence within 3 working days; Art. 63, 64 (1): hearing within 5.
    assert f"{LAW}第四十四条、第四十五条" in text
    assert "三个工作日内（2026年6月4日前）" in text
    assert "第六十三条、第六十四条第（一）项" in text and "五个工作日内（2026年6月8日前）" in text
    assert "第八十五条" in text and "不因你陈述、申辩而给予更重的处罚" in text


def test_the_hearing_notice_gives_the_five_working_days_and_the_hearing_rules_of_article_64(
    case_world,
):
    cw = case_world
    case = ordinary_case(cw)
    text, result = generate(cw, case, K.HEARING_NOTICE)
    assert_heading(text, "听证告知书", "听告", result)
    assert_party_in_full(text)
    assert "罚款人民币壹万贰仟伍佰元整" in text
    assert "五个工作日内（2026年6月8日前）" in text and "第六十四条第（一）项、第八十五条" in text
    assert "七个工作日前" in text and "第六十四条第（二）项" in text
    assert "委托一至二人代理（第六十四条第（五）项）" in text
    assert "不承担本机关组织听证的费用（第六十三条第二款）" in text
    assert "已于2026年6月1日书面明确放弃听证权利" in text


def test_the_legal_review_opinion_lists_each_reviewer_with_qualification_and_the_conclusion(
    case_world,
):
    cw = case_world
    case = ordinary_case(cw)
    text, result = generate(cw, case, K.REVIEW_OPINION)
    assert_heading(text, "法制审核意见书", "审", result)
    assert "legal_reviewer" in text and "A2021000001" in text and "同意" in text
    assert "乡镇（街道）依赋权作出的行政处罚（本县规定）" in text
    assert f"{LAW}第五十八条" in text and "审核通过" in text
    assert "罚款人民币壹万贰仟伍佰元整" in text  # the proposal reviewed


def test_the_penalty_decision_states_what_article_59_requires(case_world):
    cw = case_world
    case = ordinary_case(cw)
    text, result = generate(cw, case, K.PENALTY_DECISION)
    assert_heading(text, "行政处罚决定书", "罚决", result)
    assert_party_in_full(text)  # (1) name and address
    assert "经查明：" in text and "1. 勘验笔录、现场笔录：" in text  # (2) facts and evidence
    assert f"《城市道路管理条例》第四十二条：{ARTICLE_TEXT}" in text  # (3) kind and basis
    assert "罚款人民币壹万贰仟伍佰元整（¥12,500.00）" in text
    # (4) how and by when: 15 days at the bank (Art. 67), 3 % a day after (Art. 72).
    assert (
        "十五日内，到指定的银行或者通过电子支付系统缴纳罚款" in text and "第六十七条第三款" in text
    )
    assert "百分之三加处罚款" in text and "第七十二条第一款第（一）项" in text
    # (5) reconsideration within 60 days, litigation within 6 months.
    assert (
        "六十日内向海盐县人民政府申请行政复议（《中华人民共和国行政复议法》第二十条第一款）" in text
    )
    assert (
        "六个月内依法向人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条第一款）" in text
    )
    assert "第七十三条第一款" in text
    # (6) the authority and the date; the procedure that led here.
    assert text.rstrip().endswith("武原街道综合行政执法队（印章）\n2026年6月8日")
    notice_number = services.issue_document(
        case,
        kind=K.PRIOR_NOTICE,
        subject=slot_of(case, K.PRIOR_NOTICE).subject,
        by=cw.wuyuan_officer,
    ).document.number
    assert f"《行政处罚事先告知书》（{notice_number}）" in text
    assert "经法制审核通过（第五十八条）" in text and "书面明确放弃听证权利" in text
    assert "责令你于2026年6月4日前改正违法行为（第二十八条第一款）" in text


def test_the_on_the_spot_decision_states_what_article_52_requires(case_world):
    cw = case_world
    case = spot_case(cw)
    text, result = generate(cw, case, K.SPOT_DECISION)
    assert_heading(text, "当场行政处罚决定书", "当罚", result)
    assert_party_in_full(text)
    assert "罚款人民币贰佰元整（¥200.00）" in text
    assert f"{LAW}第五十一条" in text and "第五十二条第一款" in text
    assert "处罚时间：2026年6月1日09时00分" in text and "海滨路3号" in text
    assert (
        "第六十八条第（二）项：流动摊贩，事后难以执行" in text
        and "浙财罚00000001（第七十条）" in text
    )
    assert "ZJ33042400002" in text  # the officers' certificates
    assert "六十日内" in text and "六个月内" in text
    assert not services.GeneratedDocument.objects.filter(kind=K.PENALTY_DECISION).exists()


def test_the_no_penalty_decision_names_its_ground_and_article_33(case_world):
    cw = case_world
    case = no_penalty_case(cw)
    text, result = generate(cw, case, K.NO_PENALTY_DECISION)
    assert_heading(text, "不予行政处罚决定书", "不罚", result)
    assert_party_in_full(text)
    assert "初次违法且危害后果轻微并及时改正" in text and f"{LAW}第三十三条第一款" in text
    assert "决定对你不予行政处罚" in text and "第三十三条第三款" in text
    assert ARTICLE_TEXT in text
    assert "六十日内" in text and "罚款人民币" not in text


def test_the_proof_of_service_names_the_document_served_with_its_number(case_world):
    cw = case_world
    case = ordinary_case(cw)
    text, result = generate(cw, case, K.SERVICE_RECEIPT, subject="decision")
    assert_heading(text, "送达回证", "送", result)
    decision = services.GeneratedDocument.objects.get(case=case, kind=K.PENALTY_DECISION)
    assert f"《行政处罚决定书》{decision.number}" in text  # issued with it
    assert "张三" in text and "直接送达" in text and "2026年6月8日09时00分" in text
    assert "wuyuan_officer2" in text and "第六十一条" in text
    notice_text, _r = generate(
        cw, case, K.SERVICE_RECEIPT, subject=slot_of(case, K.PRIOR_NOTICE).subject
    )
    assert "《行政处罚事先告知书》" in notice_text and "《听证告知书》" in notice_text


def test_the_closing_approval_shows_decision_payment_and_the_responsible_persons_approval(
    case_world,
):
    cw = case_world
    case = ordinary_case(cw)
    text, result = generate(cw, case, K.CLOSING_APPROVAL, by=cw.wuyuan_leader)
    assert_heading(text, "结案审批表", "结", result)
    decision = services.GeneratedDocument.objects.get(case=case, kind=K.PENALTY_DECISION)
    assert f"《行政处罚决定书》{decision.number}" in text
    assert (
        "2026年6月11日缴纳人民币壹万贰仟伍佰元整（¥12,500.00）" in text and "浙财罚00012345" in text
    )
    assert "已于2026年6月11日全部履行" in text
    assert "同意结案。罚款已缴清" in text and "wuyuan_leader" in text


def test_documents_are_a4_with_chinese_fonts_a_centred_title_and_the_number_line(case_world):
    cw = case_world
    case = ordinary_case(cw)
    result = services.download(
        case, by=cw.wuyuan_officer, file_format="docx", channel="web", kind=K.PENALTY_DECISION
    )
    doc = Document(io.BytesIO(result.data))
    section = doc.sections[0]

    def mm(length) -> int:
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)  # A4
    assert [
        mm(x)
        for x in (
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ] == [37, 35, 28, 26]
    normal_fonts = doc.styles["Normal"].element.rPr.rFonts
    assert normal_fonts.get(qn("w:eastAsia")) == "仿宋"
    title = doc.paragraphs[1]
    assert title.text == "行政处罚决定书" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = title.runs[0]
    assert run.bold and run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    number = doc.paragraphs[2]
    assert number.alignment == WD_ALIGN_PARAGRAPH.RIGHT and number.text.startswith(PREFIX)
    body = next(p for p in doc.paragraphs if p.text.startswith("经查明"))
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    assert doc.core_properties.title == f"行政处罚决定书 {result.version.document.number}"


@pytest.mark.parametrize("kind", [K.PENALTY_DECISION, K.FILING_APPROVAL])
def test_data_cannot_add_layout_lines_or_table_cells(case_world, kind):
    """A line break or a | in the facts stays text: it does not start a directive or a cell."""
    from civicloop.cases.models import Case

    cw = case_world
    case = ordinary_case(cw)
    Case.objects.filter(pk=case.pk).update(facts="甲乙\n@title 伪造标题 | 多余单元格")
    case.refresh_from_db()
    text, _result = generate(cw, case, kind)
    assert "伪造标题" in text
    assert "@title" in text and "｜ 多余单元格" in text
