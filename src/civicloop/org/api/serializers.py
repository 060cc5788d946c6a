"""Serializers of the organisation: regions, units, staff and their posts (read-only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from civicloop.org.models import Post, Region, Unit, User
from civicloop.org.scope import scope_of


class RegionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level"]


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("Division code of the region above.")
    )
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "level",
            "level_label",
            "parent",
            "latitude",
            "longitude",
            "location_is_approximate",
        ]


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name", "kind"]


class UnitSerializer(serializers.ModelSerializer):
    region = RegionBriefSerializer(read_only=True, help_text=_("The area the unit serves."))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "region",
            "phone",
            "address",
            "is_active",
        ]


class UserBriefSerializer(serializers.ModelSerializer):
    """A staff member as shown next to what they did."""

    class Meta:
        model = User
        fields = ["id", "username", "full_name"]


class PostSerializer(serializers.ModelSerializer):
    unit = UnitSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Post
        fields = ["unit", "role", "role_label", "started_on"]


class ScopeSummarySerializer(serializers.Serializer):
    """What the user sees, in words: the whole county, places, or the work of units."""

    everything = serializers.BooleanField(help_text=_("Sees every event of the county."))
    regions = RegionBriefSerializer(many=True, help_text=_("Sees events located in these places."))
    units = UnitBriefSerializer(many=True, help_text=_("Sees events assigned to these units."))


class MeSerializer(serializers.ModelSerializer):
    posts = PostSerializer(source="cached_posts", many=True, read_only=True)
    scope = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "phone", "email", "is_staff", "posts", "scope"]

    @extend_schema_field(ScopeSummarySerializer)
    def get_scope(self, user) -> dict:
        scope = scope_of(user)
        return ScopeSummarySerializer(
            {
                "everything": scope.everything,
                # A region's prefix padded back to 12 digits is its code (grids keep all 15).
                "regions": Region.objects.filter(
                    code__in=[p.ljust(12, "0") for p in scope.region_prefixes]
                ),
                "units": Unit.objects.filter(pk__in=scope.unit_ids),
            }
        ).data


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text=_(
            "The code of the user's authenticator app; needed when the account has a second factor."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as `Authorization: Token <token>`."))
    expires_at = serializers.DateTimeField(
        help_text=_("It ends then, or earlier on a password change, a sign-out or revocation.")
    )
