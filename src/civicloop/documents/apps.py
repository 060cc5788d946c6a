from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "civicloop.documents"
    label = "documents"
    verbose_name = _("Case documents")

    def ready(self) -> None:
        from django.core import checks

        from civicloop.cases import timeline

        from . import pdf
        from .choices import HISTORY_ACTIONS

        # The history rows this app writes on cases read as words on the case timeline.
        timeline.OTHER_ACTIONS.update(HISTORY_ACTIONS)
        # A converter named in the settings but missing is said at start-up (PDF is off).
        checks.register(pdf.check_converter)
