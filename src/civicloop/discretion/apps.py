from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects


class DiscretionConfig(AppConfig):
    name = "civicloop.discretion"
    label = "discretion"
    verbose_name = _("Penalty discretion")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which are not loaded yet when
        # Django imports this module.
        from civicloop.cases.hooks import CasePanel, case_panels

        from . import kpis, proceedings_kpis

        register_subjects(*kpis.SUBJECTS)
        register_figures(*kpis.FIGURES)
        register_figures(*proceedings_kpis.FIGURES)
        case_panels.add(
            CasePanel(
                name="discretion.challenges",
                template="discretion/proceeding_panel.html",
                context="civicloop.discretion.views_proceedings.case_panel",
                order=50,
            )
        )
        case_panels.add(
            CasePanel(
                name="discretion.risks",
                template="discretion/risk_case_panel.html",
                context="civicloop.discretion.views_risks.case_panel",
                order=45,
            )
        )
        registry.register_demo_step(
            "discretion.risks",
            order=110,
            title=_("Discretion risk sweep"),
            run="civicloop.discretion.tasks.demo_step",
        )
        registry.register_periodic_task(
            "discretion.risks",
            "civicloop.discretion.tasks.sweep_risks",
            every="civicloop.discretion.tasks.sweep_seconds",
            option="--risk-sweep-every",
            help=_(
                "seconds between discretion risk sweeps; 0 turns them off "
                "(default: CIVICLOOP_DISCRETION_SWEEP_SECONDS, 86400)"
            ),
        )
        registry.register_demo_step(
            "discretion.starter_benchmarks",
            order=85,
            title=_("Starter discretion benchmarks"),
            run="civicloop.discretion.demo_steps.starter_benchmarks",
        )
        registry.register_demo_step(
            "discretion.challenges",
            order=112,
            title=_("Reconsiderations and lawsuits"),
            run="civicloop.discretion.demo_steps.challenges",
        )
        from . import case_hooks

        case_hooks.register()
