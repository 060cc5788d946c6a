"""The event lifecycle and the coordination sub-task lifecycle, each in one table.

Actors are *capacities* a person has towards a particular event (computed in
``permissions.py``), not raw roles: a dispatcher is ``command_room`` only for
events in their own town.
"""

from django.utils.translation import gettext_lazy as _

from civicloop.core.workflow import StateMachine, Transition

from .choices import AssignmentState as A
from .choices import EventState as S

ACTOR_LABELS = {
    "command_room": _("the town command room"),
    "county_centre": _("the county centre"),
    "handler": _("the handling unit"),
    "assignee": _("the unit given the sub-task"),
    "reporter": _("the reporter"),
    "collector": _("grid and liaison-station staff of the place"),
    "leader": _("leaders"),
    "system": _("the system"),
}

DISPATCHERS = frozenset({"command_room", "county_centre"})
_OPEN = (
    S.COLLECTED,
    S.JUDGED,
    S.DISPATCHED,
    S.ACCEPTED,
    S.HANDLING,
    S.FEEDBACK_SUBMITTED,
    S.CHECKED,
    S.RATED,
    S.PARKED,
)

EVENT_WORKFLOW = StateMachine(
    states=S,
    initial=S.COLLECTED,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "judge",
            _("judge"),
            (S.COLLECTED, S.JUDGED),
            (S.JUDGED,),
            DISPATCHERS,
            reason_required=True,
            description=_("Grade urgency and span, confirm the category, give the reason."),
        ),
        Transition(
            "dispatch",
            _("dispatch"),
            (S.JUDGED,),
            (S.DISPATCHED,),
            DISPATCHERS,
            description=_(
                "Send to the unit the routing rules choose; multi-span events "
                "only by the county centre as a coordination order."
            ),
        ),
        Transition("accept", _("accept"), (S.DISPATCHED,), (S.ACCEPTED,), frozenset({"handler"})),
        Transition(
            "return",
            _("return"),
            (S.DISPATCHED, S.ACCEPTED),
            (S.JUDGED,),
            frozenset({"handler"}),
            reason_required=True,
            description=_("Send back to the dispatcher: not ours, or cannot act."),
        ),
        Transition(
            "redispatch",
            _("re-dispatch"),
            (S.DISPATCHED, S.ACCEPTED, S.HANDLING),
            (S.DISPATCHED,),
            DISPATCHERS,
            reason_required=True,
        ),
        Transition(
            "start", _("start handling"), (S.ACCEPTED,), (S.HANDLING,), frozenset({"handler"})
        ),
        Transition(
            "submit_feedback",
            _("submit feedback"),
            (S.HANDLING,),
            (S.FEEDBACK_SUBMITTED,),
            frozenset({"handler"}),
            description=_("The disposal feedback form."),
        ),
        Transition(
            "check",
            _("check"),
            (S.FEEDBACK_SUBMITTED,),
            (S.CHECKED, S.HANDLING),
            DISPATCHERS,
            description=_("Pass, or fail with a reason (counted as rework)."),
        ),
        Transition(
            "rate",
            _("rate"),
            (S.CHECKED,),
            (S.RATED, S.HANDLING),
            frozenset({"reporter", "collector"}),
            description=_(
                "Satisfaction evaluation; “dissatisfied” reopens the event for "
                "rework until the rework limit is reached."
            ),
        ),
        Transition(
            "rework", _("rework"), (S.RATED,), (S.HANDLING,), DISPATCHERS, reason_required=True
        ),
        Transition(
            "close",
            _("close"),
            (S.CHECKED, S.RATED),
            (S.CLOSED,),
            DISPATCHERS,
            description=_(
                "A reason is required when the reporter has not rated or was dissatisfied."
            ),
        ),
        Transition(
            "park", _("park"), (S.HANDLING,), (S.PARKED,), DISPATCHERS, reason_required=True
        ),
        Transition("resume", _("resume"), (S.PARKED,), (S.HANDLING,), DISPATCHERS),
        Transition(
            "void",
            _("void"),
            (S.COLLECTED, S.JUDGED),
            (S.VOIDED,),
            DISPATCHERS,
            reason_required=True,
        ),
        Transition(
            "merge",
            _("merge into original"),
            (S.COLLECTED, S.JUDGED),
            (S.MERGED,),
            DISPATCHERS,
            reason_required=True,
        ),
        Transition(
            "escalate",
            _("escalate"),
            _OPEN,
            (),
            frozenset({"command_room", "county_centre", "leader", "system"}),
            reason_required=True,
            description=_("督办: recorded and notified; the state does not change."),
        ),
        # Moves the system makes on its own when sub-tasks progress or an original closes.
        Transition(
            "subtasks_started",
            _("sub-tasks under way"),
            (S.DISPATCHED,),
            (S.HANDLING,),
            frozenset({"system"}),
            manual=False,
        ),
        Transition(
            "subtasks_completed",
            _("all sub-tasks done"),
            (S.HANDLING,),
            (S.FEEDBACK_SUBMITTED,),
            frozenset({"system"}),
            manual=False,
        ),
        Transition(
            "close_with_original",
            _("closed with its original"),
            (S.MERGED,),
            (S.CLOSED,),
            frozenset({"system"}),
            manual=False,
        ),
    ],
)

ASSIGNMENT_WORKFLOW = StateMachine(
    states=A,
    initial=A.ISSUED,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "accept_subtask",
            _("accept sub-task"),
            (A.ISSUED,),
            (A.ACCEPTED,),
            frozenset({"assignee"}),
        ),
        Transition(
            "return_subtask",
            _("return sub-task"),
            (A.ISSUED,),
            (A.RETURNED,),
            frozenset({"assignee"}),
            reason_required=True,
        ),
        Transition(
            "complete_subtask",
            _("submit sub-task feedback"),
            (A.ACCEPTED,),
            (A.DONE,),
            frozenset({"assignee"}),
        ),
        Transition(
            "cancel_subtask",
            _("cancel sub-task"),
            (A.ISSUED, A.ACCEPTED),
            (A.CANCELLED,),
            frozenset({"county_centre"}),
            reason_required=True,
        ),
        Transition(
            "reopen_subtask",
            _("reopen sub-task"),
            (A.DONE,),
            (A.ACCEPTED,),
            frozenset({"county_centre", "system"}),
            reason_required=True,
            manual=False,
        ),
    ],
)
