from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Inspections 双随机一公开 / 综合查一次 (C11)."""

    name = "civicloop.inspections"
    label = "inspections"
    verbose_name = _("Inspections")
