"""API tokens (DRF authtoken, one per user) that end: after ``CIVICLOOP_API_TOKEN_HOURS``, when
the password changes, when the user signs out of the web, and when revoked through the API."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def expires_at(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(hours=settings.CIVICLOOP_API_TOKEN_HOURS)


def is_expired(token: Token, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= expires_at(token)


def issue(user) -> Token:
    """The user's token, a new one when the old has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


def revoke(user) -> int:
    """End every token of ``user``; the number ended."""
    ended, _detail = Token.objects.filter(user=user).delete()
    return ended


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token past its lifetime."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            raise exceptions.AuthenticationFailed(
                _("This API token has expired; get a new one at /api/auth/token/.")
            )
        return user, token
