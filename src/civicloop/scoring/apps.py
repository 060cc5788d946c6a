from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """Grid work log and staff points 量化赋分 (C4)."""

    name = "civicloop.scoring"
    label = "scoring"
    verbose_name = _("Work log and points")
