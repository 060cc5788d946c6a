"""Administration of Open311: issue, replace and revoke API keys; edit the service texts and
attributes; look at (never edit) the requests received.

A new key is shown once, on the page that answers the add form or the "issue a new key"
action. It is not put in a message (those travel in cookies or the session) and it is
never stored: only its digest is.
"""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from civicloop.privacy.masking import MASK

from . import services
from .models import CatalogueChange, Open311Client, Open311Request, ServiceAttribute, ServiceProfile


def _key_page(request, model_admin, issued: list[tuple[Open311Client, str]]):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("New Open311 API keys"),
        "opts": model_admin.model._meta,
        "issued": issued,
    }
    response = TemplateResponse(request, "open311/admin/key_issued.html", context)
    add_never_cache_headers(response)  # the page holds secrets
    return response


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "contact",
        "key_prefix",
        "is_active",
        "rate_limit",
        "created_at",
        "last_used_at",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "contact", "key_prefix"]
    # The key's state changes only through the actions (services.reissue_key / revoke_key).
    readonly_fields = ["key_prefix", "is_active", "created_at", "last_used_at", "revoked_at"]
    actions = ["issue_new_keys", "revoke_keys"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "contact", "rate_limit"]
        return ["name", "contact", "rate_limit", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return False  # requests keep pointing at their client; revoke instead

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client, raw_key = services.issue_key(
            name=obj.name, contact=obj.contact, rate_limit=obj.rate_limit
        )
        obj.pk, obj.key_prefix, obj.key_hash, obj.created_at = (
            client.pk,
            client.key_prefix,
            client.key_hash,
            client.created_at,
        )
        obj._state.adding = False
        obj._issued_key = raw_key

    def response_add(self, request, obj, post_url_continue=None):
        return _key_page(request, self, [(obj, obj._issued_key)])

    @admin.action(
        description=_("Issue a new key (the old one stops working)"), permissions=["change"]
    )
    def issue_new_keys(self, request, queryset):
        return _key_page(
            request, self, [(client, services.reissue_key(client)) for client in queryset]
        )

    @admin.action(description=_("Revoke the key"), permissions=["change"])
    def revoke_keys(self, request, queryset):
        for client in queryset:
            services.revoke_key(client)
        count = queryset.count()
        self.message_user(
            request, ngettext("Revoked %(n)d key.", "Revoked %(n)d keys.", count) % {"n": count}
        )


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    """Read-only: requests change only through the event loop."""

    list_display = ["event", "client", "service_code", "received_at"]
    list_filter = ["client", "service_code"]
    search_fields = ["event__number"]
    fields = [
        "event",
        "client",
        "service_code",
        "attributes",
        "address_string",
        "address_id",
        "media_url",
        "received_at",
        "masked_email",
        "masked_device_id",
        "masked_account_id",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @staticmethod
    def _mask(value: str) -> str:
        return value[:2] + MASK * 4 if value else ""

    @admin.display(description=_("email"))
    def masked_email(self, obj):
        local, _at, domain = obj.email.partition("@")
        return f"{self._mask(local)}@{domain}" if domain else self._mask(obj.email)

    @admin.display(description=_("device ID"))
    def masked_device_id(self, obj):
        return self._mask(obj.device_id)

    @admin.display(description=_("account ID"))
    def masked_account_id(self, obj):
        return self._mask(obj.account_id)


@admin.register(ServiceProfile)
class ServiceProfileAdmin(admin.ModelAdmin):
    list_display = ["service_code", "keywords", "updated_at"]
    search_fields = ["service_code", "description", "keywords"]


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = [
        "service_code",
        "code",
        "description",
        "datatype",
        "required",
        "order",
        "binding",
        "is_active",
    ]
    list_filter = ["datatype", "required", "is_active", "service_code"]
    search_fields = ["service_code", "code", "description"]


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(admin.ModelAdmin):
    list_display = ["seen_at", "digest"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
