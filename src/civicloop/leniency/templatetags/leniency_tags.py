"""Template helpers of flexible enforcement for other apps' pages (the navigation, the case
page, the decision form, the event page, the party page)."""

from __future__ import annotations

from django import template

from civicloop.leniency.conditions import describe_all
from civicloop.leniency.evaluation import evaluation_for_decision
from civicloop.leniency.models import AppliedItem, CaseCircumstances, Commitment, CreditRepair
from civicloop.leniency.permissions import may_record_circumstances, may_serve_commitment_notice

register = template.Library()


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@register.inclusion_tag("leniency/_nav_link.html", takes_context=True)
def leniency_nav_link(context):
    return {}


@register.inclusion_tag("leniency/_case_panel.html", takes_context=True)
def case_leniency(context, case):
    """On a case's page: circumstances, the 一免一减 evaluation (before the decision) or the items
    applied, the commitments and credit repairs, and what the viewer may start."""

    user = _user(context)
    if user is None:
        return {"case": case}
    applied = list(
        AppliedItem.objects.filter(case=case).select_related("item", "version", "applied_by")
    )
    return {
        "case": case,
        "circumstances": CaseCircumstances.objects.filter(case=case).first(),
        "applied": applied,
        "evaluations": None if applied or case.decided_at else evaluation_for_decision(case),
        "commitments": list(
            Commitment.objects.filter(case=case).select_related("party", "reopened_event")
        ),
        "repairs": list(CreditRepair.objects.filter(case=case).select_related("party")),
        "may_record": may_record_circumstances(user, case),
        "may_notify": may_serve_commitment_notice(user, case),
    }


@register.inclusion_tag("leniency/_evaluation.html", takes_context=True)
def leniency_evaluation(context, case):
    """On the decision form: which items apply to THIS case and why."""

    return {"evaluations": evaluation_for_decision(case) if _user(context) else []}


@register.inclusion_tag("leniency/_event_commitments.html", takes_context=True)
def event_commitments(context, event):
    """On an event's page: the broken commitment it reopens (the link back)."""

    user = _user(context)
    if user is None:
        return {"commitments": []}
    return {
        "commitments": list(
            Commitment.objects.visible_to(user).filter(reopened_event=event).select_related("case")
        )
    }


@register.inclusion_tag("leniency/_party_link.html")
def enterprise_link(party):
    return {"party": party}


@register.filter
def describe_conditions(conditions) -> list[str]:

    return describe_all(conditions or [])
