from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "civicloop.cases"
    label = "cases"
    verbose_name = _("Penalty cases")

    def ready(self) -> None:
        # Imported here, not at the top: it imports models, which are not loaded yet when
        # Django imports this module.
        from . import party_links

        party_links.register()
