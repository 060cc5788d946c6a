from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class CockpitConfig(AppConfig):
    name = "civicloop.cockpit"
    label = "cockpit"
    verbose_name = _("Cockpit")

    def ready(self) -> None:
        from . import access

        # Last: the rollups summarise what every other step created.
        registry.register_demo_step(
            "cockpit.rollups",
            order=990,
            title=_("Cockpit figures (rollups)"),
            run="civicloop.cockpit.rollups.demo_step",
        )
        registry.register_periodic_task(
            "cockpit.rollups",
            task="civicloop.cockpit.tasks.refresh_rollups",
            every="civicloop.cockpit.tasks.refresh_seconds",
            option="--rollups-every",
            help=_(
                "seconds between refreshes of the cockpit's figures; 0 turns them off "
                "(default: CIVICLOOP_ROLLUP_SECONDS, 600)"
            ),
        )
        registry.register_workflow_document(
            "docs/kpis.md", "civicloop.cockpit.kpis_doc.render", order=90
        )
        registry.register_landing_page(
            "cockpit", url_name="cockpit:board", applies=access.lands_on_cockpit, order=10
        )
