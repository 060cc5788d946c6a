from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects
from civicloop.core.navigation import register_nav_entry
from civicloop.core.workqueue import register_work_provider


class InspectionsConfig(AppConfig):
    """Inspections 双随机一公开 / 综合查一次 (C11)."""

    name = "civicloop.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from civicloop.assessment.choices import Dimension
        from civicloop.assessment.indicators import IndicatorSource, indicator_sources
        from civicloop.cases.hooks import CasePanel, case_panels

        from . import kpis

        register_subjects(*kpis.SUBJECTS)
        register_figures(*kpis.FIGURES)
        indicator_sources.add(IndicatorSource(Dimension.SUPERVISION, kpis.supervision_indicator))
        case_panels.add(
            CasePanel(
                name="inspection_records",
                template="inspections/_case_panel.html",
                context="civicloop.inspections.views.case_panel",
                order=30,
            )
        )
        register_work_provider(
            "inspection_visits",
            label=_("inspections to carry out"),
            items_for="civicloop.inspections.workitems.visits_for",
            order=80,
        )
        register_work_provider(
            "inspection_tasks",
            label=_("inspection tasks to schedule"),
            items_for="civicloop.inspections.workitems.tasks_for",
            order=85,
        )
        register_work_provider(
            "inspection_plans",
            label=_("inspection plans in legal review"),
            items_for="civicloop.inspections.workitems.plans_for",
            order=90,
        )
        register_nav_entry(
            "inspections",
            label=_("Inspections"),
            url_name="inspections:home",
            order=75,
            office_only=True,
        )
        registry.register_demo_step(
            "inspections.year",
            order=100,
            title=_("Inspections: a year of double-random checks and joint visits"),
            run="civicloop.inspections.demo_steps.inspections",
        )
        registry.register_workflow_document(
            "docs/inspections-workflow.md",
            "civicloop.inspections.docs_workflow.render",
            order=40,
        )
