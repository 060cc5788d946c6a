from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects
from civicloop.core.workqueue import register_work_provider


class EventsConfig(AppConfig):
    name = "civicloop.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # The figures' module needs the models, which are loaded only once ready() runs.
        from . import kpis

        register_subjects(*kpis.SUBJECTS)
        register_figures(*kpis.FIGURES)
        register_work_provider(
            "events", label=_("events"), items_for="civicloop.events.workitems.items_for", order=10
        )
        registry.register_demo_step(
            "events.categories",
            order=20,
            title=_("Event categories"),
            run="civicloop.events.demo_steps.categories",
        )
        registry.register_demo_step(
            "events.events",
            order=40,
            title=_("A year of events through the workflow services"),
            run="civicloop.events.demo_steps.events",
            summary=True,
        )
        registry.register_demo_step(
            "events.stories",
            order=50,
            title=_("Scripted events that show routing by empowerment"),
            run="civicloop.events.demo_steps.stories",
        )
        registry.register_deadline_sweep(
            "events.escalate_overdue", "civicloop.events.services.escalate_overdue", order=10
        )
        registry.register_workflow_document(
            "docs/event-workflow.md", "civicloop.events.docs_workflow.render", order=10
        )
