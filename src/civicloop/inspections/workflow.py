"""The inspection plan's states in one table (docs/inspections-workflow.md is generated from it).

A department's own plan is published by its officers; a plan joined by other departments
(跨部门联合抽查) goes through legal review (法制审核) before it is published.
"""

from django.utils.translation import gettext_lazy as _

from civicloop.core.workflow import StateMachine, Transition

from .choices import PlanState as P

ACTOR_LABELS = {
    "plan_officer": _("officers of the planning department"),
    "legal_reviewer": _("legal reviewers"),
}

OFFICERS = frozenset({"plan_officer"})
REVIEWERS = frozenset({"legal_reviewer"})

PLAN_WORKFLOW = StateMachine(
    states=P,
    initial=P.DRAFT,
    actor_labels=ACTOR_LABELS,
    transitions=[
        Transition(
            "submit_plan",
            _("submit for legal review"),
            (P.DRAFT,),
            (P.IN_REVIEW,),
            OFFICERS,
            description=_("A plan joined by other departments is reviewed before publication."),
        ),
        Transition(
            "approve_plan",
            _("approve and publish"),
            (P.IN_REVIEW,),
            (P.PUBLISHED,),
            REVIEWERS,
            description=_("The legal review passes; the plan and its draws become public."),
        ),
        Transition(
            "return_plan",
            _("return to the department"),
            (P.IN_REVIEW,),
            (P.DRAFT,),
            REVIEWERS,
            reason_required=True,
        ),
        Transition(
            "publish_plan",
            _("publish"),
            (P.DRAFT,),
            (P.PUBLISHED,),
            OFFICERS,
            description=_("Only a plan of one department is published without legal review."),
        ),
    ],
)


# What a history row's action says on a page: the plan's transitions, and the recorded steps
# that are not transitions.
HISTORY_ACTIONS = {
    **{t.name: t.label for t in PLAN_WORKFLOW.transitions},
    "create": _("created"),
    "add_item": _("check item added"),
    "set_stratum": _("stratum set"),
    "add_inspector": _("inspector added to the pool"),
    "draw": _("drawn"),
    "schedule_minimum": _("tasks opened for the minimum frequencies"),
    "register": _("registered"),
    "update": _("updated"),
    "recusal": _("recusal recorded"),
    "plan": _("visit planned"),
    "record": _("inspection recorded"),
}
