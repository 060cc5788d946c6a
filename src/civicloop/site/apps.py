from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The whole site: the commands that span every app (``demo``, ``worker``, ``kpi``,
    ``workflow_docs``, ``serve``) and the API root. It knows the apps only through
    ``core.registry``, which each app fills from its own ``AppConfig.ready()``.

    The label ``site`` does not clash with ``django.contrib.sites`` (label ``sites``)."""

    name = "civicloop.site"
    label = "site"
    verbose_name = _("Site")
