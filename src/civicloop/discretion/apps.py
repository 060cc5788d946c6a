from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscretionConfig(AppConfig):
    name = "civicloop.discretion"
    label = "discretion"
    verbose_name = _("Penalty discretion")

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which are not loaded yet when
        # Django imports this module.
        from civicloop.cases.hooks import CasePanel, case_panels
        from civicloop.core.figures import register_figures

        from . import proceedings_kpis

        register_figures(*proceedings_kpis.FIGURES)
        case_panels.add(
            CasePanel(
                name="discretion.challenges",
                template="discretion/proceeding_panel.html",
                context="civicloop.discretion.views_proceedings.case_panel",
                order=50,
            )
        )
        from . import case_hooks

        case_hooks.register()
