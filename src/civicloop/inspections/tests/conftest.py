import datetime as dt

import pytest

from civicloop.core.identifiers import CREDIT_CODE_ALPHABET, credit_code_check_char
from civicloop.inspections import services
from civicloop.inspections.choices import Industry, RiskGrade
from civicloop.org.choices import QualificationKind, Role
from civicloop.org.models import Qualification
from civicloop.testing.factories import PostFactory, UserFactory


def credit_code(n: int) -> str:
    body = "91330424MA2" + "".join(CREDIT_CODE_ALPHABET[(n * 7 + i) % 31] for i in range(6))
    return body + credit_code_check_char(body)


def certify(user, number):
    Qualification.objects.create(
        user=user,
        kind=QualificationKind.ENFORCEMENT_CERTIFICATE,
        number=number,
        issued_on=dt.date(2020, 1, 1),
    )


@pytest.fixture
def insp_world(case_world):
    """The case world with two certified inspectors in 县市场监督管理局 (plus the two of
    县综合行政执法局 it has), and six market subjects in the two towns."""
    w = case_world
    for i in (1, 2):
        user = UserFactory(username=f"scjg_inspector{i}", full_name=f"scjg_inspector{i}")
        PostFactory(user=user, unit=w.dept_scjg, role=Role.ENFORCEMENT_OFFICER)
        certify(user, f"ZJ-SCJG-{i}")
        w.users[user.username] = user
    certify(w.users["dept_officer"], "ZJ-SCJG-0")
    regions = [w.wuyuan_village, w.wuyuan_grid, w.wuyuan_village2, w.ganpu_village, w.ganpu_grid]
    grades = [RiskGrade.A, RiskGrade.B, RiskGrade.C, RiskGrade.D, RiskGrade.C, RiskGrade.D]
    w.subjects = []
    for n in range(6):
        subject, _ = services.register_subject(
            by=w.dept_officer,
            data=services.SubjectData(
                credit_code=credit_code(n + 1),
                name=f"海盐县测试企业{n + 1}有限公司",
                industry=Industry.CATERING if n % 2 == 0 else Industry.FOOD_SALES,
                region=regions[n % len(regions)],
                risk_grade=grades[n],
                address=f"海盐县测试路{n + 1}号",
            ),
        )
        w.subjects.append(subject)
    return w


def make_plan(
    w, *, unit=None, officer=None, inspectors=(), joint=(), ratio=1, title="年度抽查计划"
):
    unit = unit or w.dept_scjg
    officer = officer or w.dept_officer
    plan = services.create_plan(by=officer, unit=unit, year=2026, title=title, joint_units=joint)
    services.add_plan_item(by=officer, plan=plan, code="SP-01", title="食品经营许可证公示")
    services.add_plan_item(by=officer, plan=plan, code="SP-02", title="从业人员健康证明")
    services.set_stratum(by=officer, plan=plan, ratio=ratio)
    for user in inspectors:
        services.add_to_pool(by=officer, plan=plan, inspector=user, unit=unit)
    return plan


@pytest.fixture
def scjg_plan(insp_world):
    w = insp_world
    plan = make_plan(w, inspectors=[w.scjg_inspector1, w.scjg_inspector2])
    return services.publish_plan(plan, by=w.dept_officer)


@pytest.fixture
def zhzf_plan(insp_world):
    w = insp_world
    plan = make_plan(
        w,
        unit=w.dept_zhzf,
        officer=w.zhzf_handler1,
        inspectors=[w.zhzf_handler1, w.zhzf_handler2],
        title="综合执法年度抽查",
    )
    return services.publish_plan(plan, by=w.zhzf_handler1)
