from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects
from civicloop.core.navigation import register_nav_entry
from civicloop.core.workqueue import register_work_provider


class EventsConfig(AppConfig):
    name = "civicloop.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # The navigation (core/navigation.py): the tabs of a field worker's phone come first.
        register_nav_entry(
            "new", label=_("New report"), url_name="events:new", order=20, tab=True, icon="＋"
        )
        register_nav_entry(
            "events", label=_("Events"), url_name="events:list", order=30, tab=True, icon="≡"
        )
        register_nav_entry(
            "map", label=_("Map"), url_name="events:map", order=35, tab=True, icon="◎"
        )
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
