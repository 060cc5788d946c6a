from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class HotspotsConfig(AppConfig):
    name = "civicloop.hotspots"
    label = "hotspots"
    verbose_name = _("Hotspots and early warning")

    def ready(self) -> None:
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
