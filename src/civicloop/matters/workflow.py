"""The workflows of this app, each in one table (rendered in docs/matters.md).

Actors are capacities towards a town (``permissions.py``): ``town`` is the town's
command room and the town's own leaders; ``county`` is the county social
governance centre's operators and the county leaders; ``assessor`` is the
third-party assessor.
"""

from django.utils.translation import gettext_lazy as _

from civicloop.core.workflow import StateMachine, Transition

from .choices import RequestState as R

ACTOR_LABELS = {
    "town": _("the town (command room or town leaders)"),
    "county": _("the county (centre operators or county leaders)"),
    "assessor": _("the third-party assessor"),
}

# 点单赋权: a town asks for a matter; the county approves (which creates the grant) or rejects.
REQUEST_WORKFLOW = StateMachine(
    states=R,
    initial=R.SUBMITTED,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "approve",
            _("approve"),
            (R.SUBMITTED,),
            (R.APPROVED,),
            frozenset({"county"}),
            description=_(
                "Grant the matter to the town from the date given, under a decision document."
            ),
        ),
        Transition(
            "reject",
            _("reject"),
            (R.SUBMITTED,),
            (R.REJECTED,),
            frozenset({"county"}),
            reason_required=True,
            description=_("Say why, so the town can prepare a better request."),
        ),
        Transition("withdraw", _("withdraw"), (R.SUBMITTED,), (R.WITHDRAWN,), frozenset({"town"})),
    ],
)
