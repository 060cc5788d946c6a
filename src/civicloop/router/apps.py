from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RouterConfig(AppConfig):
    name = "civicloop.router"
    label = "router"
    verbose_name = _("Routing")
