"""The columns of Civicloop's own benchmark workbook (裁量基准 .xlsx), in the order written.

Plain Python (no Django), so the one-off extraction scripts write the same rows the importer
reads: a sheet “基准” (one field per row: 字段 | 值), a sheet “事项与档次” (one row per tier; the
item's own columns repeat on each of its rows, and a weighted-factor item has one row with the
tier columns empty) and a sheet “裁量因素” (one row per factor level).
"""

from __future__ import annotations

HEADER_SHEET = "基准"
ITEMS_SHEET = "事项与档次"
FACTORS_SHEET = "裁量因素"

# (field, header) — the header is what the sheet shows; either is accepted when reading.
HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("code", "代码"),
    ("version", "版本"),
    ("title", "名称"),
    ("issuer", "制定机关"),
    ("issuer_level", "层级"),
    ("document_number", "文号"),
    ("region", "适用区域"),
    ("superior", "上级基准"),
    ("status", "状态"),
    ("effective_from", "施行日期"),
    ("effective_until", "失效日期"),
    ("source", "来源"),
)

ITEM_FIELDS: tuple[tuple[str, str], ...] = (
    ("code", "事项编码"),
    ("party_type", "当事人类型"),
    ("group", "分组"),
    ("violation", "违法行为"),
    ("legal_basis", "法律依据"),
    ("method", "裁量方式"),
    ("stat_min", "法定罚款下限"),
    ("stat_max", "法定罚款上限"),
    ("base_kind", "罚款基数"),
    ("base_multiple_min", "基数倍数下限"),
    ("base_multiple_max", "基数倍数上限"),
    ("start_percent", "裁量起点"),
    ("cap_percent", "裁量上限"),
    ("formula_note", "计算方法"),
    ("note", "备注"),
    ("tier_rank", "档次序号"),
    ("tier_label", "档次"),
    ("conditions", "裁量情节"),
    ("band_kind", "幅度类型"),
    ("band_min", "幅度下限"),
    ("band_max", "幅度上限"),
    ("first_offence", "首次违法"),
    ("corrected", "及时改正"),
    ("min_prior_offences", "两年内前次违法至少"),
    ("max_prior_offences", "两年内前次违法至多"),
    ("standard", "处罚标准"),
)

# The columns that belong to the item (repeated on each tier row); the rest belong to the tier.
ITEM_LEVEL = (
    "group",
    "violation",
    "legal_basis",
    "method",
    "stat_min",
    "stat_max",
    "base_kind",
    "base_multiple_min",
    "base_multiple_max",
    "start_percent",
    "cap_percent",
    "formula_note",
    "note",
)
TIER_LEVEL = (
    "tier_rank",
    "tier_label",
    "conditions",
    "band_kind",
    "band_min",
    "band_max",
    "first_offence",
    "corrected",
    "min_prior_offences",
    "max_prior_offences",
    "standard",
)

FACTOR_FIELDS: tuple[tuple[str, str], ...] = (
    ("code", "事项编码"),
    ("party_type", "当事人类型"),
    ("factor", "裁量要素"),
    ("level", "违法程度"),
    ("weight_percent", "裁量权重"),
)
