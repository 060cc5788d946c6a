from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class OrgConfig(AppConfig):
    name = "civicloop.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        registry.register_demo_step(
            "org.organisation",
            order=10,
            title=_("The Haiyan organisation"),
            run="civicloop.org.demo_steps.organisation",
        )
