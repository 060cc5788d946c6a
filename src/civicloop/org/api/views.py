"""Sign-in, the signed-in user, and the organisation (read-only)."""

from __future__ import annotations

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from civicloop.core import twofactor
from civicloop.core.api import error_responses
from civicloop.org import tokens
from civicloop.org.models import Region, Unit

from .filtersets import RegionFilterSet, UnitFilterSet
from .serializers import (
    MeSerializer,
    RegionSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UnitSerializer,
)


class InvalidCredentials(exceptions.APIException):
    status_code = 400
    default_detail = _("Unable to sign in with the username and password given.")
    default_code = "invalid_credentials"


class SignInLocked(exceptions.APIException):
    status_code = 429
    default_detail = _(
        "Too many failed sign-ins: this account is locked for a while. "
        "Try again later or ask an administrator to unlock it."
    )
    default_code = "locked_out"


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token.

    Failures count towards the same lockout as the web sign-in (django-axes): the
    Django request is handed to ``authenticate`` so axes sees the client's address. An
    account with a second factor also sends the current code of its authenticator app as
    ``otp``.
    """

    permission_classes = [AllowAny]
    # The answer is a credential: never kept for an Idempotency-Key replay (a retry simply asks
    # again; the same token comes back while it lasts) nor by any cache on the way.
    idempotency_exempt = True

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **error_responses(400, 403, 429)},
        summary=_("Get an API token"),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        http_request = request._request
        user = authenticate(
            http_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                # Answer in the API's JSON shape; otherwise AxesMiddleware would swap
                # in the HTML lockout page meant for the web sign-in.
                http_request.axes_locked_out = False
                raise SignInLocked()
            raise InvalidCredentials()
        # The second factor, when the account has one (core/twofactor.py): 400 without or with
        # a wrong code, 429 after too many wrong codes in a row.
        twofactor.check_api_sign_in(
            user, serializer.validated_data.get("otp"), request=http_request
        )
        # A token is a sign-in: record it (last login, axes access log and reset).
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        token = tokens.issue(user)
        return Response(
            {"token": token.key, "expires_at": tokens.expires_at(token)},
            headers={"Cache-Control": "no-store"},
        )

    @extend_schema(
        operation_id="auth_token_destroy",
        tags=["auth"],
        request=None,
        responses={204: None, **error_responses(401)},
        summary=_("Revoke your API tokens"),
    )
    def delete(self, request):
        tokens.revoke(request.user)
        return Response(status=204)

    # Anyone may ask for a token; revoking one needs the token (or a session) itself.
    def _revoking(self) -> bool:
        return self.request is not None and self.request.method == "DELETE"

    def get_authenticators(self):
        if self._revoking():
            return [auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
        return []

    def get_permissions(self):
        return [IsAuthenticated()] if self._revoking() else [AllowAny()]


class MeView(APIView):
    @extend_schema(
        operation_id="me_retrieve",
        tags=["auth"],
        responses={200: MeSerializer, **error_responses(401)},
        summary=_("The signed-in user, their posts and scope"),
    )
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(
        operation_id="regions_list",
        summary=_("Regions: county, towns, villages, grids"),
        responses={200: RegionSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="regions_retrieve",
        summary=_("One region by division code"),
        responses={200: RegionSerializer, **error_responses(404)},
    ),
)
@extend_schema(tags=["organisation"])
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = r"\d{12}(\d{3})?"


@extend_schema_view(
    list=extend_schema(
        operation_id="units_list",
        summary=_("Units: departments, teams, stations"),
        responses={200: UnitSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="units_retrieve",
        summary=_("One unit by code"),
        responses={200: UnitSerializer, **error_responses(404)},
    ),
)
@extend_schema(tags=["organisation"])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Unit.objects.select_related("region")
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
