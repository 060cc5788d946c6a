from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects


class OrgConfig(AppConfig):
    name = "civicloop.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # The figures' module needs the models, which are loaded only once ready() runs.
        from . import kpis

        register_subjects(*kpis.SUBJECTS)
        register_figures(*kpis.FIGURES)
        registry.register_demo_step(
            "org.organisation",
            order=10,
            title=_("The Haiyan organisation"),
            run="civicloop.org.demo_steps.organisation",
        )
