"""The appeal (申诉) of a point entry, in one table: filed by the person whose entry it is,
decided by a supervisor who sees them (a town's command room for its staff, the county for
all). Filing is not a transition: ``services.file_appeal`` writes the first history row.
docs/scoring.md shows the table."""

from django.utils.translation import gettext_lazy as _

from civicloop.core.workflow import StateMachine, Transition

from .choices import AppealState as A

ACTOR_LABELS = {
    "appellant": _("the staff member appealing"),
    "supervisor": _("a supervisor of the staff member"),
}

APPEAL_WORKFLOW = StateMachine(
    states=A,
    initial=A.FILED,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "uphold",
            _("uphold the appeal"),
            (A.FILED,),
            (A.UPHELD,),
            frozenset({"supervisor"}),
            reason_required=True,
            description=_(
                "The entry is set to the decided points by an adjustment entry of its own."
            ),
        ),
        Transition(
            "reject",
            _("reject the appeal"),
            (A.FILED,),
            (A.REJECTED,),
            frozenset({"supervisor"}),
            reason_required=True,
            description=_("The entry stays as computed."),
        ),
    ],
)
