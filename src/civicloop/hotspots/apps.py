from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


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
        registry.register_demo_step(
            "hotspots.spikes",
            order=60,
            title=_("Spikes and duplicates"),
            run="civicloop.hotspots.demo_steps.spikes",
        )
        registry.register_periodic_task(
            "hotspots.scan",
            "civicloop.hotspots.tasks.scan_hotspots",
            every="civicloop.hotspots.conf.scan_seconds",
            option="--scan-every",
            help=_(
                "seconds between spike scans; 0 turns them off "
                "(default: CIVICLOOP_HOTSPOT_SCAN_SECONDS, 3600)"
            ),
        )
