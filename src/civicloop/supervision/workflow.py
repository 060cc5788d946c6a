"""The states of an action item (会议议定事项) and of a 约谈, each in one table.

Actors are capacities (``services.capacities``): ``supervisor`` — a leader whose supervision
scope covers the unit (for a step that only a county-wide body holds, a county leader);
``owner`` — a person of the unit that owns an action item; ``system`` — the worker's sweep and
the monthly suggestion. docs/supervision-workflow.md is generated from these tables.
"""

from django.utils.translation import gettext_lazy as _

from civicloop.core.workflow import StateMachine, Transition

from .choices import ActionItemState as A
from .choices import SummonsState as S

ACTOR_LABELS = {
    "supervisor": _("a leader supervising the unit"),
    "owner": _("the owner unit"),
    "system": _("the system"),
}

SUPERVISOR = frozenset({"supervisor"})
SYSTEM = frozenset({"system"})

ACTION_ITEM_WORKFLOW = StateMachine(
    states=A,
    initial=A.OPEN,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "fall_overdue",
            _("fall overdue"),
            (A.OPEN,),
            (A.OVERDUE,),
            SYSTEM,
            manual=False,
            description=_("The worker's sweep, the day after the due date."),
        ),
        Transition(
            "complete",
            _("record as done"),
            (A.OPEN, A.OVERDUE),
            (A.DONE,),
            frozenset({"owner", "supervisor"}),
            description=_("With the result; an overdue item stays counted as late."),
        ),
    ],
)

SUMMONS_WORKFLOW = StateMachine(
    states=S,
    initial=S.SUGGESTED,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "schedule",
            _("schedule the summons"),
            (S.SUGGESTED, S.SCHEDULED),
            (S.SCHEDULED,),
            SUPERVISOR,
            description=_("When, where and which leader holds it."),
        ),
        Transition(
            "dismiss",
            _("dismiss the suggestion"),
            (S.SUGGESTED,),
            (S.DISMISSED,),
            SUPERVISOR,
            reason_required=True,
        ),
        Transition(
            "hold",
            _("record the summons held"),
            (S.SCHEDULED,),
            (S.HELD,),
            SUPERVISOR,
            description=_(
                "Who attended for the unit, what was said and the unit's commitments; the "
                "follow-up check is due after the configured number of days."
            ),
        ),
        Transition(
            "follow_up",
            _("record the follow-up check"),
            (S.HELD,),
            (S.IMPROVED, S.NOT_IMPROVED),
            SUPERVISOR,
            description=_(
                "Improved or not, with the ranking of the month after the summons as evidence."
            ),
        ),
    ],
)
