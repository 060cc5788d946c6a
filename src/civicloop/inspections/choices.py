"""Choices of the inspections app (双随机一公开, 综合查一次)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskGrade(models.TextChoices):
    """Risk grade of a market subject (食品生产经营监督检查管理办法 Arts. 21–22: A lowest, D highest)."""

    A = "A", _("A (low risk)")
    B = "B", _("B (fairly low risk)")
    C = "C", _("C (fairly high risk)")
    D = "D", _("D (high risk)")


class CreditClass(models.TextChoices):
    """Credit class of a market subject (信用分类)."""

    A = "A", _("A (trustworthy)")
    B = "B", _("B (basically trustworthy)")
    C = "C", _("C (untrustworthy)")
    D = "D", _("D (seriously untrustworthy)")


class Industry(models.TextChoices):
    CATERING = "catering", _("catering")
    FOOD_PRODUCTION = "food_production", _("food production")
    FOOD_SALES = "food_sales", _("food sales")
    PHARMACY = "pharmacy", _("pharmacy")
    MANUFACTURING = "manufacturing", _("manufacturing")
    CHEMICALS = "chemicals", _("hazardous chemicals")
    CONSTRUCTION = "construction", _("construction")
    RETAIL = "retail", _("retail and services")
    OTHER = "other", _("other")


class SpecialList(models.TextChoices):
    """Special lists a subject may be on; they raise its sampling weight in practice."""

    ABNORMAL = "abnormal", _("list of abnormal operations")
    SERIOUS = "serious", _("list of serious violations")
    KEY = "key", _("key supervision")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in legal review")
    PUBLISHED = "published", _("published")


class TaskState(models.TextChoices):
    OPEN = "open", _("not yet scheduled")
    SCHEDULED = "scheduled", _("scheduled in a visit")
    DONE = "done", _("done")


class VisitState(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("inspected")


class ResultCode(models.TextChoices):
    """The eight national result codes of random inspections (市场监管总局 抽查检查结果)."""

    NO_PROBLEM = "01", "未发现问题"
    NOT_PUBLISHED = "02", "未按规定公示应当公示的信息"
    FALSE_PUBLICATION = "03", "公示信息隐瞒真实情况弄虚作假"
    UNREACHABLE = "04", "通过登记的住所（经营场所）无法联系"
    NO_ACTIVITY = "05", "未发现开展本次抽查涉及的经营活动"
    CORRECTED = "06", "发现问题已责令改正"
    OBSTRUCTED = "07", "不配合检查情节严重"
    CLOSED = "08", "已关闭停业或正在组织清算"


# Results that are findings (a problem found): they may open an event or a case.
PROBLEM_RESULTS = frozenset(
    {
        ResultCode.NOT_PUBLISHED,
        ResultCode.FALSE_PUBLICATION,
        ResultCode.UNREACHABLE,
        ResultCode.CORRECTED,
        ResultCode.OBSTRUCTED,
    }
)


class ItemOutcome(models.TextChoices):
    PASS = "pass", _("compliant")
    FAIL = "fail", _("problem found")
    NA = "na", _("not applicable")
