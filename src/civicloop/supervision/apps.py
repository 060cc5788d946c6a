from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class SupervisionConfig(AppConfig):
    """Leadership supervision 双牵头, unit ranking and summons 约谈 (C10)."""

    name = "civicloop.supervision"
    label = "supervision"
    verbose_name = _("Leadership supervision")

    def ready(self) -> None:
        registry.register_deadline_sweep(
            "supervision.action_items", "civicloop.supervision.services.mark_overdue_action_items"
        )
