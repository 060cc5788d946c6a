from django.db import models
from django.utils.translation import gettext_lazy as _

from civicloop.core.downloads import DOCX, PDF


class DocumentKind(models.TextChoices):
    """The standard documents (执法文书) of a penalty case. The official Chinese title of
    each is :data:`TITLES`; its number word (文书字号) is :data:`WORDS`."""

    FILING_APPROVAL = "filing_approval", _("case filing approval form")
    INSPECTION_RECORD = "inspection_record", _("on-site inspection record")
    INQUIRY_RECORD = "inquiry_record", _("inquiry record")
    CORRECTION_ORDER = "correction_order", _("order to correct")
    PRIOR_NOTICE = "prior_notice", _("prior notice of an administrative penalty")
    HEARING_NOTICE = "hearing_notice", _("notice of the right to a hearing")
    REVIEW_OPINION = "review_opinion", _("legal review opinion")
    PENALTY_DECISION = "penalty_decision", _("administrative penalty decision")
    SPOT_DECISION = "spot_decision", _("on-the-spot administrative penalty decision")
    NO_PENALTY_DECISION = "no_penalty_decision", _("decision not to impose a penalty")
    SERVICE_RECEIPT = "service_receipt", _("proof of service")
    CLOSING_APPROVAL = "closing_approval", _("case closing approval form")


K = DocumentKind

# The official titles, printed on the documents (fixed Chinese wording, not translated).
TITLES = {
    K.FILING_APPROVAL: "立案审批表",
    K.INSPECTION_RECORD: "现场检查笔录",
    K.INQUIRY_RECORD: "询问笔录",
    K.CORRECTION_ORDER: "责令改正通知书",
    K.PRIOR_NOTICE: "行政处罚事先告知书",
    K.HEARING_NOTICE: "听证告知书",
    K.REVIEW_OPINION: "法制审核意见书",
    K.PENALTY_DECISION: "行政处罚决定书",
    K.SPOT_DECISION: "当场行政处罚决定书",
    K.NO_PENALTY_DECISION: "不予行政处罚决定书",
    K.SERVICE_RECEIPT: "送达回证",
    K.CLOSING_APPROVAL: "结案审批表",
}

# The word of each kind's number: 盐综执（武原）罚决字〔2026〕第0001号. The filing approval
# carries the case number itself (立字, taken when the case was filed).
WORDS = {
    K.FILING_APPROVAL: "立",
    K.INSPECTION_RECORD: "检",
    K.INQUIRY_RECORD: "询",
    K.CORRECTION_ORDER: "责改",
    K.PRIOR_NOTICE: "告",
    K.HEARING_NOTICE: "听告",
    K.REVIEW_OPINION: "审",
    K.PENALTY_DECISION: "罚决",
    K.SPOT_DECISION: "当罚",
    K.NO_PENALTY_DECISION: "不罚",
    K.SERVICE_RECEIPT: "送",
    K.CLOSING_APPROVAL: "结",
}

DECISION_KINDS = (K.PENALTY_DECISION, K.SPOT_DECISION, K.NO_PENALTY_DECISION)


class FileFormat(models.TextChoices):
    DOCX = "docx", "DOCX"
    PDF = "pdf", "PDF"


CONTENT_TYPES = {
    FileFormat.DOCX: DOCX,
    FileFormat.PDF: PDF,
}


# History rows the documents app writes on a case (``cases.CaseHistory``), with their
# timeline labels (registered with ``cases.timeline`` when the app is ready).
HISTORY_ACTIONS = {
    "issue_document": _("document issued"),
    "revise_document": _("document revised"),
    "issue_correction_order": _("order to correct issued"),
}
