from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class DiscretionConfig(AppConfig):
    name = "civicloop.discretion"
    label = "discretion"
    verbose_name = _("Penalty discretion")

    def ready(self) -> None:
        registry.register_demo_step(
            "discretion.starter_benchmarks",
            order=85,
            title=_("Starter discretion benchmarks"),
            run="civicloop.discretion.demo_steps.starter_benchmarks",
        )
