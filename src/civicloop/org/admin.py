from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from civicloop.core.admin import ReadOnlyAdmin
from civicloop.core.crypto import normalise_phone

from .models import Post, PostHistory, Qualification, Region, RegionArea, Unit, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "parent",
        "latitude",
        "longitude",
        "location_is_approximate",
    ]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    raw_id_fields = ["unit"]
    fields = ["unit", "role", "is_active", "started_on", "ended_on"]


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "phone", "is_active", "is_staff"]
    # The phone is encrypted: found by the whole number (its digest), see get_search_results.
    search_fields = ["username", "full_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")},
        ),
    )
    inlines = [PostInline, QualificationInline]

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if normalise_phone(search_term):
            found |= queryset.filter(phone=search_term)
        return found, may_have_duplicates


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["region"]
    inlines = [PostInline]


@admin.register(PostHistory)
class PostHistoryAdmin(admin.ModelAdmin):
    list_display = ["at", "post", "action", "actor", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegionArea)
class RegionAreaAdmin(ReadOnlyAdmin):
    """Areas change only through ``org/areas.py`` (derive, import); the admin lists them."""

    list_display = ["region", "source", "source_note", "updated_by", "updated_at"]
    list_filter = ["source", "region__level"]
    search_fields = ["region__code", "region__name"]
    list_select_related = ["region", "updated_by"]
