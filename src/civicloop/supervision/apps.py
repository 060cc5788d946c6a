from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects
from civicloop.core.workqueue import register_work_provider


class SupervisionConfig(AppConfig):
    """Leadership supervision 双牵头, unit ranking and summons 约谈 (C10)."""

    name = "civicloop.supervision"
    label = "supervision"
    verbose_name = _("Leadership supervision")

    def ready(self) -> None:
        # The figures' module needs the models, which are loaded only once ready() runs.
        from . import kpis

        register_subjects(*kpis.SUBJECTS)
        register_figures(*kpis.FIGURES)
        registry.register_workflow_document(
            "docs/supervision-workflow.md", "civicloop.supervision.docs_workflow.render", order=60
        )
        # After the events and cases: the ranking reads their records.
        registry.register_demo_step(
            "supervision.records",
            order=120,
            title=_("Leadership supervision"),
            run="civicloop.supervision.demo_steps.supervision",
            summary=True,
        )
        register_work_provider(
            "supervision_summons",
            label=_("summonses (约谈)"),
            items_for="civicloop.supervision.workitems.summonses_for",
            order=60,
        )
        register_work_provider(
            "supervision_decisions",
            label=_("decisions of meetings"),
            items_for="civicloop.supervision.workitems.action_items_for",
            order=70,
        )
        registry.register_home_panel(
            "supervision.duties",
            applies="civicloop.supervision.panels.applies",
            render="civicloop.supervision.panels.render",
            order=10,
        )
        registry.register_deadline_sweep(
            "supervision.summons",
            "civicloop.supervision.services.suggest_last_month",
            order=90,
        )
        registry.register_deadline_sweep(
            "supervision.action_items",
            "civicloop.supervision.services.mark_overdue_action_items",
            order=40,
        )
