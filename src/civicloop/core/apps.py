from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civicloop.core"
    label = "core"
    verbose_name = _("Core")


class TwoFactorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose site asks for a verified second factor (core/twofactor.py)."""

    default = False  # "civicloop.core" is CoreConfig; this one is named in INSTALLED_APPS
    default_site = "civicloop.core.twofactor.TwoFactorAdminSite"
