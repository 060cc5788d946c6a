"""The fixed Chinese terms official documents print for the codes a snapshot holds.

Documents are Chinese whatever the reader's language: these are legal terms of the
Administrative Penalty Law and of enforcement practice, not interface text, so they are
not translatable messages. Templates reach them through the ``zh`` filter
(``{{ item.kind|zh:"evidence" }}``).
"""

from __future__ import annotations

LAW = "《中华人民共和国行政处罚法》"

TERMS: dict[str, dict[str, str]] = {
    # Art. 46
    "evidence": {
        "documentary": "书证",
        "physical": "物证",
        "audio_visual": "视听资料",
        "electronic": "电子数据",
        "witness": "证人证言",
        "party_statement": "当事人的陈述",
        "expert_opinion": "鉴定意见",
        "record": "勘验笔录、现场笔录",
    },
    "service_method": {
        "in_person": "直接送达",
        "on_the_spot": "当场交付",
        "left_at_residence": "留置送达",
        "post": "邮寄送达",
        "electronic": "电子送达（经当事人书面同意）",
        "public_notice": "公告送达",
    },
    # Art. 9
    "penalty": {
        "warning": "警告",
        "circulated_criticism": "通报批评",
        "suspend_licence": "暂扣许可证件",
        "lower_qualification": "降低资质等级",
        "revoke_licence": "吊销许可证件",
        "restrict_business": "限制开展生产经营活动",
        "order_closure": "责令停产停业、责令关闭",
        "restrict_practice": "限制从业",
    },
    "outcome": {
        "penalty": "给予行政处罚",
        "reduced_penalty": "减轻行政处罚",
        "no_penalty": "不予行政处罚",
    },
    "procedure": {
        "simple": "简易程序",
        "fast_track": "普通程序（简案快办）",
        "ordinary": "普通程序",
    },
    "source": {"event": "基层治理事件移送", "inspection": "监督检查发现", "direct": "直接立案"},
    "role": {"party": "当事人", "third_party": "第三人", "agent": "委托代理人"},
    "party_kind": {"person": "公民", "organisation": "法人或者其他组织"},
    "opinion": {"approve": "同意", "approve_with_changes": "修改后同意", "return": "退回"},
    "review_state": {
        "approved": "审核通过",
        "returned": "审核未通过，退回",
        "pending": "审核中",
        "cancelled": "已取消",
    },
    "review_mode": {"single": "个人审核", "joint_online": "云上联审", "joint_on_site": "现场联审"},
    "return_to": {"investigating": "退回补充调查", "case_review": "退回案件审核"},
    "reviewer_role": {"legal_reviewer": "法制审核员", "lawyer": "驻队律师"},
    # Art. 58 and the local rule (docs/cases.md)
    "review_reason": {
        "major_public_interest": "涉及重大公共利益（第五十八条第一款第（一）项）",
        "hearing_held": "直接关系当事人或者第三人重大权益，经过听证程序（第五十八条第一款第（二）项）",
        "complex": "案件情况疑难复杂、涉及多个法律关系（第五十八条第一款第（三）项）",
        "other_law": "法律、法规规定应当进行法制审核（第五十八条第一款第（四）项）",
        "empowered_town": "乡镇（街道）依赋权作出的行政处罚（本县规定）",
        "outside_discretion_band": "拟作出的罚款超出行政处罚裁量基准的建议区间",
    },
    "hearing_outcome": {
        "held": "已举行",
        "party_absent": "当事人无正当理由未出席，视为放弃听证",
        "request_withdrawn": "当事人撤回听证申请",
    },
}

# Art. 33 and Art. 57: the ground of a no-penalty decision, with the provision it rests on.
NO_PENALTY_GROUNDS = {
    "minor_corrected": ("违法行为轻微并及时改正，没有造成危害后果", f"{LAW}第三十三条第一款"),
    "first_minor": ("初次违法且危害后果轻微并及时改正", f"{LAW}第三十三条第一款"),
    "no_fault": ("当事人有证据足以证明没有主观过错", f"{LAW}第三十三条第二款"),
    "not_established": ("违法事实不能成立", f"{LAW}第五十七条第一款第（三）项"),
    "other": ("", ""),
}


def term(value: str, group: str) -> str:
    """The Chinese term of ``value`` in ``group``; the value itself when there is none."""
    return TERMS.get(group, {}).get(value or "", value or "")
