from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridkitConfig(AppConfig):
    name = "civicloop.gridkit"
    verbose_name = _("grid toolkit")
