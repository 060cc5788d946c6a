from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects
from civicloop.core.navigation import register_nav_entry
from civicloop.core.workqueue import register_work_provider


class CasesConfig(AppConfig):
    name = "civicloop.cases"
    label = "cases"
    verbose_name = _("Penalty cases")

    def ready(self) -> None:
        register_nav_entry(
            "cases", label=_("Cases"), url_name="cases:list", order=70, office_only=True
        )
        # Imported here, not at the top: it imports models, which are not loaded yet when
        # Django imports this module.
        from . import party_links

        party_links.register()
        # The figures' module needs the models, which are loaded only once ready() runs.
        from . import kpis

        registry.register_demo_step(
            "cases.cases",
            order=90,
            title=_("Penalty cases through the case services"),
            run="civicloop.cases.demo_steps.cases",
            summary=True,
        )
        registry.register_deadline_sweep(
            "cases.deadlines", "civicloop.cases.services.sweep_case_deadlines", order=20
        )
        register_subjects(*kpis.SUBJECTS)
        register_figures(*kpis.FIGURES)
        register_work_provider(
            "case_approvals",
            label=_("case approvals"),
            items_for="civicloop.cases.workitems.approvals_for",
            order=20,
        )
        register_work_provider(
            "legal_reviews",
            label=_("legal reviews"),
            items_for="civicloop.cases.workitems.reviews_for",
            order=30,
        )
        registry.register_workflow_document(
            "docs/case-workflow.md", "civicloop.cases.docs_workflow.render", order=20
        )
