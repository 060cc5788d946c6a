from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class RouterConfig(AppConfig):
    name = "civicloop.router"
    label = "router"
    verbose_name = _("Routing")

    def ready(self) -> None:
        registry.register_demo_step(
            "router.starter",
            order=200,
            title=_("The starter routing model"),
            run="civicloop.router.demo_steps.starter_model",
            serving_only=True,
        )
