from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotspotsConfig(AppConfig):
    name = "civicloop.hotspots"
    label = "hotspots"
    verbose_name = _("Hotspots and early warning")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which are not loaded yet when
        # Django imports this module.
        from civicloop.events.panels import DETAIL, register_event_panel

        from . import views

        register_event_panel(
            "duplicate_suggestions",
            context=views.duplicates_context,
            template="hotspots/_duplicates.html",
            pages={DETAIL, "judge", "merge"},
        )
