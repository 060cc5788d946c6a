from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.utils.translation import gettext_lazy as _

from . import registry
from .navigation import register_nav_entry


class CoreConfig(AppConfig):
    name = "civicloop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # 我的待办 is the one work queue across the apps (core/workqueue.py); the tabs of a
        # field worker's phone come first.
        register_nav_entry(
            "queue", label=_("My queue"), url_name="work-queue", order=10, tab=True, icon="☑"
        )
        from . import audit, crypto

        crypto.register_checks()

        registry.register_periodic_task(
            "core.idempotency_purge",
            "civicloop.core.tasks.purge_idempotency_keys",
            every="civicloop.core.idempotency.purge_seconds",
            option="--idempotency-purge-every",
            help=_("seconds between purges of expired idempotency keys; 0 turns them off (3600)"),
        )
        checks.register(audit.check_audit_key, checks.Tags.security, deploy=True)
        # Links the history rows committed since the last run into each table's hash chain.
        registry.register_periodic_task(
            "core.audit_seal",
            task="civicloop.core.audit.seal_history",
            every="civicloop.core.audit.seal_seconds",
            option="--seal-every",
            help=_(
                "seconds between seals of the audit trail (history hash chains); 0 turns "
                "them off (default: CIVICLOOP_AUDIT_SEAL_SECONDS, 60)"
            ),
        )

        # Every date and date-time field refuses days no record can bear (core.inputs): the
        # fields' class-wide default validators, so that the pages, the list filters (their form
        # fields) and the API refuse them alike, whichever app declares the field.
        from django import forms
        from rest_framework import serializers

        from .inputs import date_in_range

        for field in (
            forms.DateField,
            forms.DateTimeField,
            serializers.DateField,
            serializers.DateTimeField,
        ):
            if date_in_range not in field.default_validators:
                field.default_validators = [*field.default_validators, date_in_range]


class TwoFactorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose site asks for a verified second factor (core/twofactor.py)."""

    default = False  # "civicloop.core" is CoreConfig; this one is named in INSTALLED_APPS
    default_site = "civicloop.core.twofactor.TwoFactorAdminSite"
