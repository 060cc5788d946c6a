"""Excel/CSV import of the subjects register (core/spreadsheets.py): every row is checked
first and nothing is stored while any row has an error; each error names row and column."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import DomainError
from civicloop.core.spreadsheets import (
    Column,
    RowCheck,
    RowError,
    SpreadsheetError,
    TableSpec,
    choice_lookup,
    parse_choice,
    parse_number,
    read_table,
)
from civicloop.org.models import Region

from .choices import CreditClass, Industry, RiskGrade, SpecialList
from .services import SubjectData, clean_subject_data, register_subject

SPEC = TableSpec(
    columns=(
        Column("credit_code", "统一社会信用代码", ("信用代码", "uscc"), required=True),
        Column("name", "名称", ("企业名称", "主体名称"), required=True),
        Column("industry", "行业", ("行业类别",), required=True),
        Column("region", "区划代码", ("所在区域", "网格", "村社区", "town_code"), required=True),
        Column("risk_grade", "风险等级", ("风险分级",), required=True),
        Column("credit_class", "信用分类", ("信用等级",)),
        Column("special_lists", "特殊名单", ("名单",)),
        Column("address", "地址", ("经营场所", "住所")),
        Column("legal_representative", "法定代表人", ("负责人",)),
        Column("latitude", "纬度"),
        Column("longitude", "经度"),
    ),
    max_rows=20000,
    no_rows_message=gettext_lazy("%(path)s has a header row but no subjects below it."),
)

INDUSTRIES = choice_lookup(Industry)
GRADES = choice_lookup(
    RiskGrade, {"A": ["低风险"], "B": ["较低风险"], "C": ["较高风险"], "D": ["高风险"]}
)
CREDITS = choice_lookup(CreditClass)
LISTS = choice_lookup(SpecialList, {"abnormal": ["经营异常名录"], "serious": ["严重违法失信名单"]})


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


def _region(text: str, regions: dict[str, Region]) -> Region | None:
    text = text.strip()
    if text in regions:
        return regions[text]
    matches = [r for r in regions.values() if r.name == text]
    return matches[0] if len(matches) == 1 else None


def import_subjects(data: bytes, name: str, *, by) -> ImportResult:
    result = ImportResult()
    try:
        table = read_table(data, name, SPEC)
    except SpreadsheetError as exc:
        result.errors.append(RowError(0, "", "", exc.message))
        return result
    regions = {r.code: r for r in Region.objects.exclude(level="county")}
    rows: list[tuple[int, SubjectData]] = []
    for number, raw in table.rows:
        check = RowCheck(number, table.cells(raw), table.headers)
        region = _region(check.text("region"), regions)
        if region is None:
            check.fail("region", _("Unknown town, village or grid; write its 12-digit code."))
        lists_text = check.text("special_lists")
        lists = []
        for part in filter(None, (p.strip() for p in lists_text.replace("；", ";").split(";"))):
            found = LISTS.get(part.lower().replace(" ", ""))
            if found is None:
                check.fail("special_lists", _("Unknown special list."))
            else:
                lists.append(found)
        subject = SubjectData(
            credit_code=check.text("credit_code"),
            name=check.text("name"),
            industry=check.cell("industry", parse_choice, INDUSTRIES, required=True) or "",
            region=region,
            risk_grade=check.cell("risk_grade", parse_choice, GRADES, required=True) or "",
            credit_class=check.cell("credit_class", parse_choice, CREDITS) or CreditClass.B,
            special_lists=lists,
            address=check.text("address"),
            legal_representative=check.text("legal_representative"),
            latitude=check.cell("latitude", parse_number, low=-90, high=90),
            longitude=check.cell("longitude", parse_number, low=-180, high=180),
        )
        if check.ok:
            try:
                clean_subject_data(subject)
            except DomainError as exc:
                check.fail(exc.field or "credit_code", str(exc.message))
        if check.ok:
            rows.append((number, subject))
        result.errors.extend(check.errors)
    if result.errors:
        return result
    with transaction.atomic():
        for _number, subject in rows:
            _subject, created = register_subject(by=by, data=subject)
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result
