from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry


class AssessmentConfig(AppConfig):
    name = "civicloop.assessment"
    label = "assessment"
    verbose_name = _("Town assessment")

    def ready(self) -> None:
        from civicloop.matters.town_extensions import (
            register_suggestion_source,
            register_town_section,
        )

        from .suggestions import suggestions_for
        from .town_page import latest_assessment_section

        # After matters' requests (order 70), before the cases (80).
        registry.register_demo_step(
            "assessment.round",
            order=75,
            title=_("Town assessment"),
            run="civicloop.assessment.demo_steps.assessment",
        )
        register_suggestion_source("assessment", suggestions_for)
        register_town_section(
            "assessment",
            context=latest_assessment_section,
            template="assessment/_town_assessment.html",
        )
