from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects
from civicloop.core.workqueue import register_work_provider


class LeniencyConfig(AppConfig):
    name = "civicloop.leniency"
    label = "leniency"
    verbose_name = _("Flexible enforcement")

    def ready(self) -> None:
        # The figures' module needs the models, which are loaded only once ready() runs.
        from . import kpis

        registry.register_demo_step(
            "leniency.items",
            order=80,
            title=_("The “一免一减” list"),
            run="civicloop.leniency.demo_steps.items",
        )
        registry.register_demo_step(
            "leniency.summary",
            order=100,
            title=_("Flexible enforcement"),
            run="civicloop.leniency.demo_steps.flexible_enforcement",
            summary=True,
        )
        registry.register_deadline_sweep(
            "leniency.follow_ups", "civicloop.leniency.tasks.sweep", order=30
        )
        register_subjects(*kpis.SUBJECTS)
        register_figures(*kpis.FIGURES)
        register_work_provider(
            "leniency_follow_ups",
            label=_("commitment follow-ups"),
            items_for="civicloop.leniency.workitems.items_for",
            order=50,
        )
        registry.register_workflow_document(
            "docs/leniency-workflow.md", "civicloop.leniency.docs_workflow.render", order=30
        )
        checks.register(check_credit_periods, checks.Tags.compatibility)
        # Imported here, not at the top: they import models, which are not loaded yet when
        # Django imports this module.
        from . import case_hooks

        case_hooks.register()


def check_credit_periods(app_configs=None, **kwargs):
    """CIVICLOOP_CREDIT_REPAIR_PERIODS names every penalty kind with MIN/MAX months."""
    from django.core.exceptions import ImproperlyConfigured

    from .credit import periods

    try:
        periods()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="leniency.E001")]
    return []
