"""The states of a notice and commitment and of a credit repair, each in one table.

Actors are capacities towards the particular record (``permissions.py``): ``handler`` on
the commitments of the cases one handles, ``unit_officer`` for the handling unit's
officers, ``responsible`` for the leaders responsible for that unit (as in cases), and
``system`` for the worker's sweeps. Creating a record is not a transition: the notice is
served with ``services.serve_commitment_notice`` (by a handler) and a repair is opened by
the sweep (``credit.sweep_credit_repairs``); both write the first history row.
docs/leniency-workflow.md is generated from these tables.
"""

from django.utils.translation import gettext_lazy as _

from civicloop.core.workflow import StateMachine, Transition

from .choices import CommitmentState as C
from .choices import RepairState as R

ACTOR_LABELS = {
    "handler": _("the case's handlers"),
    "unit_officer": _("officers of the handling unit"),
    "responsible": _("the responsible person"),
    "system": _("the system"),
}

OFFICERS = frozenset({"handler", "unit_officer"})
UNIT = frozenset({"unit_officer"})
RESPONSIBLE = frozenset({"responsible"})
SYSTEM = frozenset({"system"})

COMMITMENT_WORKFLOW = StateMachine(
    states=C,
    initial=C.NOTIFIED,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "record_commitment",
            _("record the written commitment"),
            (C.NOTIFIED,),
            (C.COMMITTED,),
            OFFICERS,
            description=_(
                "The party's commitment (text, signed scan, date); the follow-up check "
                "is scheduled by rule and given to the handling unit."
            ),
        ),
        Transition(
            "record_refusal",
            _("record that the party declined"),
            (C.NOTIFIED,),
            (C.DECLINED,),
            OFFICERS,
            reason_required=True,
            description=_("The party will not commit; the case goes on as usual."),
        ),
        Transition(
            "follow_up_due",
            _("follow-up check due"),
            (C.COMMITTED,),
            (C.DUE,),
            SYSTEM,
            manual=False,
            description=_("The worker's sweep reminds the handling unit on the follow-up date."),
        ),
        Transition(
            "record_check",
            _("record the follow-up check"),
            (C.COMMITTED, C.DUE),
            (C.KEPT, C.BROKEN),
            OFFICERS,
            description=_(
                "Kept: closed. Broken: the matter is reopened as a new event of the "
                "event loop, linked both ways."
            ),
        ),
    ],
)

REPAIR_WORKFLOW = StateMachine(
    states=R,
    initial=R.NOTIFIED,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "record_contact",
            _("record telling the enterprise"),
            (R.NOTIFIED,),
            (),
            UNIT,
            description=_("主动告知: how and when the enterprise was told it may apply."),
        ),
        Transition(
            "record_application", _("record the application"), (R.NOTIFIED,), (R.APPLIED,), UNIT
        ),
        Transition(
            "check_materials",
            _("check the materials"),
            (R.APPLIED,),
            (R.CHECKED,),
            UNIT,
            description=_(
                "The commitment to keep the law, proof of performance, and what the "
                "local rule asks for."
            ),
        ),
        Transition(
            "approve_repair",
            _("approve the repair"),
            (R.CHECKED,),
            (R.REPAIRED,),
            RESPONSIBLE,
            description=_(
                "The publication ends early; the enterprise's credit record is repaired."
            ),
        ),
        Transition(
            "refuse_repair",
            _("refuse the repair"),
            (R.APPLIED, R.CHECKED),
            (R.REFUSED,),
            RESPONSIBLE,
            reason_required=True,
        ),
    ],
)
