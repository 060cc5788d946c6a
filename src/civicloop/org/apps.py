from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civicloop.core import registry
from civicloop.core.figures import register_figures, register_subjects


class OrgConfig(AppConfig):
    name = "civicloop.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        # The figures' module needs the models, which are loaded only once ready() runs.
        from . import kpis

        # Signing out of the web ends the user's API tokens too.
        user_logged_out.connect(end_tokens_on_sign_out, dispatch_uid="org.end_tokens")

        register_subjects(*kpis.SUBJECTS)
        register_figures(*kpis.FIGURES)
        registry.register_demo_step(
            "org.organisation",
            order=10,
            title=_("The Haiyan organisation"),
            run="civicloop.org.demo_steps.organisation",
        )


def end_tokens_on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        from .tokens import revoke

        revoke(user)
