from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Leadership supervision 双牵头, unit ranking and summons 约谈 (C10)."""

    name = "civicloop.supervision"
    label = "supervision"
    verbose_name = _("Leadership supervision")
