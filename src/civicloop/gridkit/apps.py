from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class GridkitConfig(AppConfig):
    name = "civicloop.gridkit"
    verbose_name = _("grid toolkit")

    def ready(self) -> None:
        # The grid toolkits are regenerated nightly by a task that queues its successor;
        # the worker makes sure the chain exists when it starts (it is not queued twice).
        registry.register_worker_start(
            "gridkit.nightly_refresh", "civicloop.gridkit.tasks.schedule_nightly"
        )
