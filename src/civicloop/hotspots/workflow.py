"""The life of a spike warning, in one table (rendered in docs/hotspots.md).

Actors are capacities towards a warning (``permissions.py``): ``command_room`` is a
dispatcher of the command room of the warning's town; ``county`` is the county
centre's operators and the county leaders; ``system`` is the scan.
"""

from django.utils.translation import gettext_lazy as _

from civicloop.core.workflow import StateMachine, Transition

from .choices import WarningState as W

ACTOR_LABELS = {
    "command_room": _("the town command room"),
    "county": _("the county (centre operators or county leaders)"),
    "system": _("the scan (system)"),
}

WARNING_WORKFLOW = StateMachine(
    states=W,
    initial=W.OPEN,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "acknowledge",
            _("acknowledge"),
            (W.OPEN,),
            (W.ACKNOWLEDGED,),
            frozenset({"command_room", "county"}),
            description=_("The command room has seen the warning and is looking into it."),
        ),
        Transition(
            "close",
            _("close the warning"),
            (W.OPEN, W.ACKNOWLEDGED),
            (W.CLOSED,),
            frozenset({"command_room", "county"}),
            reason_required=True,
            description=_("Say what was found or done (e.g. a joint clean-up of the market)."),
        ),
        Transition(
            "extend",
            _("extend"),
            (W.OPEN, W.ACKNOWLEDGED),
            (),
            frozenset({"system"}),
            manual=False,
            description=_("The spike goes on: a later scan adds its window and events."),
        ),
    ],
)
