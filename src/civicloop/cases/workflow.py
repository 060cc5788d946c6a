"""The stages of a penalty case and the approval requests, each in one table.

Actors are *capacities* a person has towards a particular case (``permissions.py``):
an officer is ``handler`` only on the cases they handle, a leader is ``responsible``
only for cases of units in their area. Legal preconditions that the table cannot
express (periods, reviews, limits) are checked by the one service function of each
transition (``services.py``) and stated in docs/cases.md.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from civicloop.core.workflow import StateMachine, Transition

from . import rules
from .choices import UNDECIDED_STATES as UNDECIDED
from .choices import ApprovalState as AP
from .choices import CaseState as S

ACTOR_LABELS = {
    "handler": _("the case's handlers"),
    "responsible": _("the responsible person"),
    "reviewer": _("the assigned legal reviewers"),
    "system": _("the system"),
}

HANDLER = frozenset({"handler"})
RESPONSIBLE = frozenset({"responsible"})
HANDLER_OR_RESPONSIBLE = frozenset({"handler", "responsible"})
SYSTEM = frozenset({"system"})
_OPEN = (*UNDECIDED, S.DECIDED, S.SERVED, S.EXECUTING)
_NOTIFIED = (S.PRIOR_NOTICE, S.STATEMENT, S.HEARING)

CASE_WORKFLOW = StateMachine(
    states=S,
    initial=S.FILED,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "start_investigation",
            _("start the investigation"),
            (S.FILED,),
            (S.INVESTIGATING,),
            HANDLER,
            description=_("调查取证: ordinary and fast-track cases."),
        ),
        Transition(
            "add_evidence",
            _("add evidence"),
            (S.FILED, S.INVESTIGATING, S.CASE_REVIEW, *_NOTIFIED),
            (),
            HANDLER,
            description=_("An item of evidence (Art. 46), with a file if there is one."),
        ),
        Transition(
            "conclude_investigation",
            _("conclude the investigation"),
            (S.INVESTIGATING,),
            (S.CASE_REVIEW,),
            HANDLER,
            description=_(
                "调查终结: the facts, the proposed outcome and what the review must "
                "know; goes to the responsible person (Art. 57)."
            ),
        ),
        Transition(
            "conclude_fast_track",
            _("conclude and review (fast track)"),
            (S.INVESTIGATING,),
            (S.LEGAL_REVIEW, S.PRIOR_NOTICE),
            HANDLER,
            description=_(
                "简案快办: investigation and case review in one step when every "
                "eligibility rule passes; on to legal review when required."
            ),
        ),
        Transition(
            "approve_case_review",
            _("approve the case review"),
            (S.CASE_REVIEW,),
            (S.LEGAL_REVIEW, S.PRIOR_NOTICE),
            RESPONSIBLE,
            description=_(
                "案件审核: on to legal review when required (Art. 58), else to the prior notice."
            ),
        ),
        Transition(
            "return_case_review",
            _("return to investigation"),
            (S.CASE_REVIEW,),
            (S.INVESTIGATING,),
            RESPONSIBLE,
            reason_required=True,
        ),
        Transition(
            "assign_reviewers",
            _("assign reviewers"),
            (S.LEGAL_REVIEW,),
            (),
            HANDLER_OR_RESPONSIBLE,
            description=_(
                "One qualified reviewer, or several for an online or on-site joint "
                "review; never a handler of the case."
            ),
        ),
        Transition(
            "record_opinion",
            _("record a review opinion"),
            (S.LEGAL_REVIEW,),
            (),
            frozenset({"reviewer"}),
            description=_(
                "Approve, approve with changes, or return with reasons. Only a "
                "qualified reviewer approves (Art. 58 ¶2)."
            ),
        ),
        Transition(
            "review_approved",
            _("legal review approved"),
            (S.LEGAL_REVIEW,),
            (S.PRIOR_NOTICE, S.STATEMENT, S.HEARING),
            SYSTEM,
            manual=False,
        ),
        Transition(
            "review_returned",
            _("legal review returned"),
            (S.LEGAL_REVIEW,),
            (S.INVESTIGATING, S.CASE_REVIEW),
            SYSTEM,
            manual=False,
        ),
        Transition(
            "refer_to_legal_review",
            _("refer to legal review"),
            _NOTIFIED,
            (S.LEGAL_REVIEW,),
            HANDLER_OR_RESPONSIBLE,
            reason_required=True,
            description=_(
                "E.g. after a hearing (Art. 58 (2)), or when the case turns out complex."
            ),
        ),
        Transition(
            "serve_notice",
            _("serve the prior notice"),
            (S.PRIOR_NOTICE,),
            (),
            HANDLER,
            description=_(
                "事先告知 (Art. 44): the proposed penalty and the party's rights; "
                "a written waiver may be recorded with it."
            ),
        ),
        Transition(
            "record_waiver",
            _("record a written waiver"),
            (S.PRIOR_NOTICE, S.STATEMENT),
            (),
            HANDLER,
            description=_(
                "The party gives up statement and defence, or the hearing, in writing (Art. 62)."
            ),
        ),
        Transition(
            "record_statement",
            _("record the statement and defence"),
            (S.PRIOR_NOTICE, S.STATEMENT),
            (S.STATEMENT,),
            HANDLER,
            description=_("陈述申辩 with its re-examination (Art. 45)."),
        ),
        Transition(
            "request_hearing",
            _("record a hearing request"),
            (S.PRIOR_NOTICE, S.STATEMENT),
            (S.HEARING,),
            HANDLER,
            description=format_lazy(
                _("Within {n} working days of the notice (Art. 64 (1), Art. 85)."),
                n=rules.HEARING_REQUEST_WORKING_DAYS,
            ),
        ),
        Transition(
            "schedule_hearing",
            _("schedule the hearing"),
            (S.HEARING,),
            (),
            HANDLER,
            description=format_lazy(
                _(
                    "Notified at least {n} working days before; hosted by someone who did "
                    "not investigate the case (Art. 64)."
                ),
                n=rules.HEARING_NOTICE_WORKING_DAYS,
            ),
        ),
        Transition("hold_hearing", _("record the hearing"), (S.HEARING,), (), HANDLER),
        Transition(
            "decide",
            _("decide"),
            _NOTIFIED,
            (S.DECIDED, S.SERVED),
            RESPONSIBLE,
            description=_(
                "决定 (Art. 57): penalty, reduced penalty or no penalty; served at "
                "once when the party is present (Art. 61)."
            ),
        ),
        Transition(
            "decide_on_the_spot",
            _("decide on the spot"),
            (S.FILED,),
            (S.SERVED,),
            HANDLER,
            description=_(
                "Simple procedure: a warning, or a fine up to 200 yuan for a citizen "
                "or 3 000 yuan for an organisation (Art. 51), handed over at once (Art. 52)."
            ),
        ),
        Transition(
            "serve_decision",
            _("serve the decision"),
            (S.DECIDED,),
            (S.SERVED,),
            HANDLER,
            description=format_lazy(
                _("送达 within {n} working days of the decision (Art. 61, Art. 85)."),
                n=rules.SERVICE_WORKING_DAYS,
            ),
        ),
        Transition(
            "record_payment",
            _("record a payment"),
            (S.SERVED, S.EXECUTING),
            (S.EXECUTING,),
            HANDLER,
            description=_(
                "执行: late payment adds 3 per cent of the fine a day, at most the fine "
                "(Art. 72 (1))."
            ),
        ),
        Transition(
            "close",
            _("close the case"),
            (S.SERVED, S.EXECUTING),
            (S.CLOSED,),
            RESPONSIBLE,
            description=_(
                "结案: when the decision is performed, or compulsory enforcement was applied for."
            ),
        ),
        Transition(
            "request_withdrawal",
            _("request withdrawal"),
            UNDECIDED,
            (),
            HANDLER,
            reason_required=True,
        ),
        Transition(
            "approve_withdrawal",
            _("approve withdrawal"),
            UNDECIDED,
            (S.WITHDRAWN,),
            RESPONSIBLE,
            description=_("撤案: never by the person who asked for it."),
        ),
        Transition(
            "reject_withdrawal",
            _("reject withdrawal"),
            UNDECIDED,
            (),
            RESPONSIBLE,
            reason_required=True,
        ),
        Transition(
            "request_extension",
            _("request an extension"),
            UNDECIDED,
            (),
            HANDLER,
            reason_required=True,
            description=_(
                "Of the decision deadline, under the rule that provides for it (Art. 60)."
            ),
        ),
        Transition("approve_extension", _("approve the extension"), UNDECIDED, (), RESPONSIBLE),
        Transition(
            "reject_extension",
            _("reject the extension"),
            UNDECIDED,
            (),
            RESPONSIBLE,
            reason_required=True,
        ),
        Transition(
            "convert_to_ordinary",
            _("switch to the ordinary procedure"),
            UNDECIDED,
            (),
            HANDLER,
            reason_required=True,
            description=_("A simple or fast-track case that no longer qualifies."),
        ),
        Transition("deadline_warning", _("deadline warning"), _OPEN, (), SYSTEM, manual=False),
    ],
)

APPROVAL_WORKFLOW = StateMachine(
    states=AP,
    initial=AP.PENDING,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition("approve", _("approve"), (AP.PENDING,), (AP.APPROVED,), RESPONSIBLE),
        Transition(
            "reject", _("reject"), (AP.PENDING,), (AP.REJECTED,), RESPONSIBLE, reason_required=True
        ),
    ],
)
