from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from civicloop.privacy.masking import mask_phone

from .models import TextMessage


@admin.register(TextMessage)
class TextMessageAdmin(admin.ModelAdmin):
    """Text messages to reporters, read-only: what was sent, when, and what is still trying."""

    list_display = [
        "created_at",
        "reference",
        "verb",
        "masked_phone",
        "delivered_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["verb"]
    search_fields = ["reference"]
    exclude = ["phone"]
    readonly_fields = ["masked_phone"]

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: TextMessage) -> str:
        return mask_phone(obj.phone)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
