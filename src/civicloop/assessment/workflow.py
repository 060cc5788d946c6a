"""The assessment's workflow, in one table (rendered in docs).

Actors are capacities (``permissions.py``): ``assessor`` is the third-party assessor;
``county`` is the county social governance centre's operators and the county leaders.
"""

from django.utils.translation import gettext_lazy as _

from civicloop.core.workflow import StateMachine, Transition
from civicloop.matters.workflow import ACTOR_LABELS

from .choices import AssessmentState as AS

# 一镇一评估: the assessor scores a town and submits; a submitted assessment is reopened with a reason.
ASSESSMENT_WORKFLOW = StateMachine(
    states=AS,
    initial=AS.DRAFT,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "submit",
            _("submit the assessment"),
            (AS.DRAFT,),
            (AS.SUBMITTED,),
            frozenset({"assessor"}),
            description=_("Every dimension needs a score; the total is then fixed."),
        ),
        Transition(
            "reopen",
            _("reopen the assessment"),
            (AS.SUBMITTED,),
            (AS.DRAFT,),
            frozenset({"assessor", "county"}),
            reason_required=True,
        ),
    ],
)
