from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import registry


class CoreConfig(AppConfig):
    name = "civicloop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        registry.register_periodic_task(
            "core.idempotency_purge",
            "civicloop.core.tasks.purge_idempotency_keys",
            every="civicloop.core.idempotency.purge_seconds",
            option="--idempotency-purge-every",
            help=_("seconds between purges of expired idempotency keys; 0 turns them off (3600)"),
        )
