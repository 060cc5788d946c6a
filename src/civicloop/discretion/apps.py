from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects


class DiscretionConfig(AppConfig):
    name = "civicloop.discretion"
    label = "discretion"
    verbose_name = _("Penalty discretion")

    def ready(self) -> None:
        # The figures' module needs the models, which are loaded only once ready() runs.
        from . import kpis

        register_subjects(*kpis.SUBJECTS)
        register_figures(*kpis.FIGURES)
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
