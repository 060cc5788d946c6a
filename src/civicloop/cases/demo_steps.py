"""The penalty cases' step of ``civicloop demo`` (registered in ``CasesConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext

from .choices import Procedure
from .demo import CaseDemo, load_demo_cases

# Apps above cases append here (in ``context.shared``) functions ``plans(demo) -> list`` whose
# plans the case demo plays after its own (the leniency app's cases, for instance).
MORE_PLANS = "cases.more_plans"


def cases(context: DemoContext) -> None:
    contributed = context.shared.get(MORE_PLANS, [])

    def more_plans(demo: CaseDemo) -> list:
        return [plan for plans in contributed for plan in plans(demo)]

    result = load_demo_cases(
        seed=context.seed,
        more_plans=more_plans if contributed else None,
        progress=context.detail,
    )
    context.logins.extend(result.logins)
    context.say(
        _("%(n)d penalty cases through the case services (%(procedures)s).")
        % {
            "n": result.cases,
            "procedures": "、".join(
                f"{Procedure(p).label} {n}" for p, n in sorted(result.procedures.items())
            ),
        }
    )
    for failure in result.failures:
        context.skip(failure)
