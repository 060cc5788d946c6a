from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class RouterConfig(AppConfig):
    name = "civicloop.router"
    label = "router"
    verbose_name = _("Routing")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which are not loaded yet when
        # Django imports this module.
        from civicloop.events.api.extensions import detail_fields, event_routes
        from civicloop.events.panels import register_event_panel

        from . import views
        from .api.serializers import LatestRoutingSuggestionField
        from .api.views import EventRoutingSuggestionView

        register_event_panel(
            "routing",
            context=views.judge_page_context,
            template="router/_suggestion.html",
            pages={"judge"},
        )
        detail_fields.register("routing_suggestion", LatestRoutingSuggestionField)
        event_routes.register(
            "routing-suggestion",
            (EventRoutingSuggestionView.as_view(), "api-event-routing-suggestion"),
        )
        registry.register_demo_step(
            "router.starter",
            order=200,
            title=_("The routing model"),
            run="civicloop.router.demo_steps.starter_model",
            serving_only=True,
        )
        registry.register_periodic_task(
            "router.retrain",
            "civicloop.router.tasks.retrain_router",
            every="civicloop.router.tasks.retrain_seconds",
            option="--router-retrain-every",
            help=_(
                "seconds between retrainings of the routing model on judged events; 0 turns "
                "them off (default: CIVICLOOP_ROUTER_RETRAIN_SECONDS, a week)"
            ),
        )
