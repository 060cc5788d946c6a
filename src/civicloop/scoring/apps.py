from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class ScoringConfig(AppConfig):
    """Grid work log and staff points 量化赋分 (C4)."""

    name = "civicloop.scoring"
    label = "scoring"
    verbose_name = _("Work log and points")

    def ready(self) -> None:
        from civicloop.core.figures import register_figures, register_subjects

        from . import access, kpis

        register_subjects(*kpis.SUBJECTS)
        register_figures(*kpis.FIGURES)
        registry.register_landing_page(
            "scoring.grid_home", url_name="scoring:home", applies=access.is_grid_worker, order=20
        )
        registry.register_workflow_document(
            "docs/scoring-workflow.md", "civicloop.scoring.docs_workflow.render", order=40
        )
        registry.register_demo_step(
            "scoring.points",
            order=960,
            title=_("Work log and staff points"),
            run="civicloop.scoring.demo_steps.work_log_and_points",
            summary=True,
        )
        registry.register_periodic_task(
            "scoring.recompute",
            task="civicloop.scoring.tasks.recompute_points",
            every="civicloop.scoring.tasks.recompute_seconds",
            option="--points-every",
            help=_(
                "seconds between recomputations of the staff points; 0 turns them off "
                "(default: CIVICLOOP_SCORING_SECONDS, 3600)"
            ),
        )
