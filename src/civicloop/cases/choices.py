from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseState(models.TextChoices):
    """The stages of a penalty case (案件阶段); the moves between them are ``workflow.py``."""

    FILED = "filed", _("filed")
    INVESTIGATING = "investigating", _("investigating")
    CASE_REVIEW = "case_review", _("case review")
    LEGAL_REVIEW = "legal_review", _("legal review")
    PRIOR_NOTICE = "prior_notice", _("prior notice")
    STATEMENT = "statement", _("statement and defence")
    HEARING = "hearing", _("hearing")
    DECIDED = "decided", pgettext_lazy("case", "decided")
    SERVED = "served", _("served")
    EXECUTING = "executing", _("executing")
    CLOSED = "closed", pgettext_lazy("case", "closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("case", "withdrawn")


FINISHED_STATES = frozenset({CaseState.CLOSED, CaseState.WITHDRAWN})
OPEN_STATES = frozenset(CaseState.values) - FINISHED_STATES
# Before a decision: the case may still be withdrawn (撤案) or its decision deadline extended.
UNDECIDED_STATES = (
    CaseState.FILED,
    CaseState.INVESTIGATING,
    CaseState.CASE_REVIEW,
    CaseState.LEGAL_REVIEW,
    CaseState.PRIOR_NOTICE,
    CaseState.STATEMENT,
    CaseState.HEARING,
)


class Procedure(models.TextChoices):
    SIMPLE = "simple", _("simple procedure (on the spot)")
    FAST_TRACK = "fast_track", _("fast track")
    ORDINARY = "ordinary", _("ordinary procedure")


class CaseSource(models.TextChoices):
    EVENT = "event", _("event")
    INSPECTION = "inspection", _("inspection finding")
    DIRECT = "direct", _("direct filing")


class PartyRole(models.TextChoices):
    PARTY = "party", _("party")
    THIRD_PARTY = "third_party", _("third party")
    AGENT = "agent", _("authorised agent")


class Outcome(models.TextChoices):
    """What the decision is (Art. 57): a penalty, a reduced penalty (减轻, Art. 32), or none
    (不予处罚, Art. 33 or facts not established)."""

    PENALTY = "penalty", _("penalty")
    REDUCED_PENALTY = "reduced_penalty", _("reduced penalty")
    NO_PENALTY = "no_penalty", _("no penalty")


class PenaltyKind(models.TextChoices):
    """Kinds of administrative penalty (Art. 9) other than the fine and confiscation amounts,
    which are stored as amounts."""

    WARNING = "warning", _("warning")
    CIRCULATED_CRITICISM = "circulated_criticism", _("circulated criticism")
    SUSPEND_LICENCE = "suspend_licence", _("suspension of a licence")
    LOWER_QUALIFICATION = "lower_qualification", _("lowering of a qualification grade")
    REVOKE_LICENCE = "revoke_licence", _("revocation of a licence")
    RESTRICT_BUSINESS = "restrict_business", _("restriction of production or business")
    ORDER_CLOSURE = "order_closure", _("order to stop production or business, or to close")
    RESTRICT_PRACTICE = "restrict_practice", _("restriction on practising")


# Art. 63 (三)(四): these penalties give the party the right to ask for a hearing.
HEARING_PENALTIES = frozenset(
    {
        PenaltyKind.LOWER_QUALIFICATION,
        PenaltyKind.REVOKE_LICENCE,
        PenaltyKind.ORDER_CLOSURE,
        PenaltyKind.RESTRICT_PRACTICE,
    }
)


class NoPenaltyGround(models.TextChoices):
    """Why no penalty is given."""

    MINOR_CORRECTED = "minor_corrected", _("minor, corrected in time, no harm (Art. 33 ¶1)")
    FIRST_MINOR = "first_minor", _("first violation, minor harm, corrected in time (Art. 33 ¶1)")
    NO_FAULT = "no_fault", _("no subjective fault proven (Art. 33 ¶2)")
    NOT_ESTABLISHED = "not_established", _("facts not established (Art. 57 (3))")
    OTHER = "other", _("other ground stated in the reason")


class EvidenceKind(models.TextChoices):
    """The kinds of evidence of Art. 46."""

    DOCUMENTARY = "documentary", _("documentary evidence")
    PHYSICAL = "physical", _("physical evidence")
    AUDIO_VISUAL = "audio_visual", _("audio-visual material")
    ELECTRONIC = "electronic", _("electronic data")
    WITNESS = "witness", _("witness testimony")
    PARTY_STATEMENT = "party_statement", _("statement of the party")
    EXPERT_OPINION = "expert_opinion", _("expert opinion")
    RECORD = "record", _("inspection or on-site record")


class ReviewMode(models.TextChoices):
    SINGLE = "single", _("one reviewer")
    JOINT_ONLINE = "joint_online", _("online joint review")
    JOINT_ON_SITE = "joint_on_site", _("on-site joint review")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("under review")
    APPROVED = "approved", pgettext_lazy("legal review", "approved")
    RETURNED = "returned", pgettext_lazy("legal review", "returned")
    CANCELLED = "cancelled", pgettext_lazy("legal review", "cancelled")


class Opinion(models.TextChoices):
    APPROVE = "approve", _("approve")
    APPROVE_WITH_CHANGES = "approve_with_changes", _("approve with changes")
    RETURN = "return", _("return with reasons")


APPROVING_OPINIONS = frozenset({Opinion.APPROVE, Opinion.APPROVE_WITH_CHANGES})


class ReturnTo(models.TextChoices):
    """Where a returned legal review sends the case."""

    INVESTIGATING = "investigating", _("back to investigation")
    CASE_REVIEW = "case_review", _("back to case review")


class JointReviewRule(models.TextChoices):
    """How the opinions of a joint review make its outcome (settings: CIVICLOOP_JOINT_REVIEW_RULE)."""

    UNANIMOUS = "unanimous", _("every reviewer approves")
    MAJORITY = "majority", _("a majority approves")


class ReviewReason(models.TextChoices):
    """Why a case needs legal review before its decision (Art. 58, and the local rule)."""

    MAJOR_PUBLIC_INTEREST = (
        "major_public_interest",
        _("involves a major public interest (Art. 58 (1))"),
    )
    HEARING_HELD = "hearing_held", _("went through a hearing on major rights (Art. 58 (2))")
    COMPLEX = "complex", _("difficult or complex, several legal relations (Art. 58 (3))")
    OTHER_LAW = "other_law", _("another law or regulation requires it (Art. 58 (4))")
    EMPOWERED_TOWN = "empowered_town", _("decided by a town under delegated powers (local rule)")


class ApprovalKind(models.TextChoices):
    WITHDRAWAL = "withdrawal", _("withdrawal of the case")
    EXTENSION = "extension", _("extension of the decision deadline")


class ApprovalState(models.TextChoices):
    PENDING = "pending", _("awaiting approval")
    APPROVED = "approved", pgettext_lazy("approval", "approved")
    REJECTED = "rejected", pgettext_lazy("approval", "rejected")


class DeadlineKind(models.TextChoices):
    """Time limits of a case; their lengths and rules are ``cases.rules.TIME_LIMITS``."""

    DECISION = "decision", _("decision (Art. 60)")
    FAST_TRACK = "fast_track", _("fast-track target")
    SERVICE = "service", _("service of the decision (Art. 61)")
    STATEMENT_PERIOD = "statement_period", _("statement and defence period")
    HEARING_REQUEST = "hearing_request", _("hearing request period (Art. 64 (1))")
    PAYMENT = "payment", _("payment of the fine (Art. 67)")


class Counting(models.TextChoices):
    NATURAL_DAYS = "natural_days", _("natural days")
    WORKING_DAYS = "working_days", _("working days")


class ServiceMethod(models.TextChoices):
    """How a document reached the party (Art. 61; Civil Procedure Law for the others)."""

    IN_PERSON = "in_person", _("handed over in person")
    ON_THE_SPOT = "on_the_spot", _("handed over on the spot")
    LEFT_AT_RESIDENCE = "left_at_residence", _("left at the residence")
    POST = "post", _("by post")
    ELECTRONIC = "electronic", _("electronically, with the party's written consent")
    PUBLIC_NOTICE = "public_notice", _("by public announcement")


class HearingOutcome(models.TextChoices):
    HELD = "held", _("held")
    PARTY_ABSENT = "party_absent", _("party absent without good reason (deemed waived)")
    REQUEST_WITHDRAWN = "request_withdrawn", _("request withdrawn by the party")
