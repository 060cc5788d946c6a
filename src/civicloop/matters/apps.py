from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.navigation import register_nav_entry
from civicloop.core.workqueue import register_work_provider


class MattersConfig(AppConfig):
    name = "civicloop.matters"
    label = "matters"
    verbose_name = _("Enforcement matters and empowerment")

    def ready(self) -> None:
        register_work_provider(
            "empowerment",
            label=_("empowerment requests"),
            items_for="civicloop.matters.workitems.items_for",
            order=40,
        )
        register_nav_entry(
            "matters", label=_("Matters"), url_name="matters:catalog", order=60, office_only=True
        )
        registry.register_demo_step(
            "matters.empowerment",
            order=30,
            title=_("Enforcement matters and empowerment grants"),
            run="civicloop.matters.demo_steps.empowerment",
        )
        registry.register_demo_step(
            "matters.requests",
            order=70,
            title=_("Empowerment requests"),
            run="civicloop.matters.demo_steps.requests",
        )
