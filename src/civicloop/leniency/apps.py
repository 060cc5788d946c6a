from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class LeniencyConfig(AppConfig):
    name = "civicloop.leniency"
    label = "leniency"
    verbose_name = _("Flexible enforcement")

    def ready(self) -> None:
        checks.register(check_credit_periods, checks.Tags.compatibility)
        # Imported here, not at the top: they import models, which are not loaded yet when
        # Django imports this module.
        from . import case_hooks

        case_hooks.register()


def check_credit_periods(app_configs=None, **kwargs):
    """CIVICLOOP_CREDIT_REPAIR_PERIODS names every penalty kind with MIN/MAX months."""
    from django.core.exceptions import ImproperlyConfigured

    from .credit import periods

    try:
        periods()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="leniency.E001")]
    return []
