from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects


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
        registry.register_deadline_sweep(
            "supervision.action_items", "civicloop.supervision.services.mark_overdue_action_items"
        )
