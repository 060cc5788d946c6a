"""A second factor for staff and administrators (二次认证): time-based one-time codes (TOTP,
RFC 6238) from an authenticator app, through django-otp.

Who must pass it is ``CIVICLOOP_REQUIRE_2FA``:

* ``admin`` (default) — the admin site (/admin/) needs a session that passed it;
* ``all`` — every signed-in session; until a person has set one up, they reach only the page
  that sets it up (and sign-out);
* ``none`` — nobody must.

Whatever the policy, a person who has set one up is asked for a code after the password at
every sign-in (web: ``core/signin.py``; API token: :func:`check_api_sign_in`). Wrong codes
are throttled by the device (each one doubles the wait, ``OTP_TOTP_THROTTLE_FACTOR``). Every
set-up, removal, passed sign-in and wrong code is a :class:`~civicloop.core.models.SecondFactorHistory`
row (who, when, from where). See docs/security.md.
"""

from __future__ import annotations

import datetime as dt
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.db import InterfaceError, OperationalError, transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .api import client_ip
from .errors import DomainError, InvalidInput, NotPermitted
from .middleware import API_PREFIXES
from .models import SecondFactorHistory

ADMIN = "admin"
ALL = "all"
NONE = "none"


class Action:
    """What a :class:`SecondFactorHistory` row records."""

    ENROLLED = "enrolled"
    REMOVED = "removed"
    VERIFIED = "verified"
    FAILED = "code_refused"
    THROTTLED = "code_throttled"


class CodeThrottled(DomainError):
    """Too many wrong codes in a row: the next try must wait."""

    status_code = 429
    default_code = "otp_throttled"


def policy() -> str:
    return settings.CIVICLOOP_REQUIRE_2FA


def devices(user) -> list[TOTPDevice]:
    """The user's confirmed devices (an authenticator app whose first code was accepted)."""
    if user is None or not user.is_authenticated:
        return []
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True))


def has_device(user) -> bool:
    return bool(devices(user))


def is_verified(request) -> bool:
    """Whether this session passed the second factor (OTPMiddleware sets ``is_verified``)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def session_must_verify(user) -> bool:
    """Whether every page needs a verified session for this user (policy ``all``)."""
    return policy() == ALL and user.is_authenticated


def admin_must_verify() -> bool:
    return policy() in (ADMIN, ALL)


def record(user, action: str, *, by, request=None, reason: str = "", **details) -> None:
    if request is not None:
        details.setdefault("address", client_ip(request))
    SecondFactorHistory.objects.create(
        user=user, actor=by, action=action, reason=reason, details=details
    )


# --- verifying a code ---------------------------------------------------------------------------


def _clean(code) -> str:
    return "".join(str(code or "").split())


def verify(user, code, *, request=None, via: str = "web") -> TOTPDevice:
    """The device that accepts ``code`` for ``user``; refuses (and records) a wrong code.

    A device that refused codes recently makes the caller wait (exponential back-off): while it
    does, no code is tried at all, so guessing gains nothing from speed."""
    code = _clean(code)
    accepted, waits, tried = None, [], 0
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if not isinstance(device, TOTPDevice):
                continue
            allowed, info = device.verify_is_allowed()
            if not allowed:
                waits.append((info or {}).get("locked_until"))
                continue
            tried += 1
            if code.isdigit() and device.verify_token(code):
                accepted = device
                break
    # Recorded after the verification's transaction: the devices' failure counters are saved
    # by then, and a refusal below must not take its row with it.
    if accepted is not None:
        record(user, Action.VERIFIED, by=user, request=request, via=via, device=accepted.name)
        return accepted
    if not tried and not waits:
        raise NotPermitted(_("This account has no second factor set up."), code="no_device")
    if not tried:
        record(user, Action.THROTTLED, by=user, request=request, via=via)
        until = min((w for w in waits if w is not None), default=None)
        raise CodeThrottled(throttled_message(until), field="code")
    record(user, Action.FAILED, by=user, request=request, via=via)
    raise InvalidInput(
        _("The code is not right. Enter the six digits your authenticator app shows now."),
        code="invalid_otp",
        field="code",
    )


def throttled_message(until: dt.datetime | None) -> str:
    if until is None:
        return _("Too many wrong codes. Wait a moment and try again.")
    seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
    return ngettext(
        "Too many wrong codes. Try again in %(seconds)s second.",
        "Too many wrong codes. Try again in %(seconds)s seconds.",
        seconds,
    ) % {"seconds": seconds}


def check_api_sign_in(user, code, *, request=None) -> None:
    """Refuse an API token to a user whose sign-in needs the second factor without a right code
    (the API answers 400 ``otp_required`` / ``invalid_otp``, 429 ``otp_throttled``, 403
    ``second_factor_required``)."""
    if has_device(user):
        if not _clean(code):
            raise InvalidInput(
                _("This account signs in with a second factor: send the code as otp."),
                code="otp_required",
                field="otp",
            )
        verify(user, code, request=request, via="api")
    elif session_must_verify(user):
        raise NotPermitted(
            _("Set up a second factor at /account/two-factor/ before getting an API token."),
            code="second_factor_required",
        )


# --- setting one up and removing it -------------------------------------------------------------


def pending_device(user) -> TOTPDevice:
    """The device being set up (a new secret until its first code is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(
        user=user, name=_("Authenticator app"), confirmed=False
    )


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (no script, no other origin)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps that cannot scan."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def confirm_device(device: TOTPDevice, code, *, by, request=None) -> TOTPDevice:
    """Make ``device`` the user's second factor once it produced a right code."""
    code = _clean(code)
    if device.confirmed:
        raise InvalidInput(_("This authenticator app is already set up."), code="confirmed")
    allowed, info = device.verify_is_allowed()
    if not allowed:
        raise CodeThrottled(throttled_message((info or {}).get("locked_until")), field="code")
    if not (code.isdigit() and device.verify_token(code)):
        record(device.user, Action.FAILED, by=by, request=request, via="enrolment")
        raise InvalidInput(
            _("The code is not right. Enter the six digits your authenticator app shows now."),
            code="invalid_otp",
            field="code",
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(device.user, Action.ENROLLED, by=by, request=request, device=device.name)
    if request is not None and request.user == device.user:
        otp_login(request, device)
    return device


def remove_devices(user, *, by, reason: str = "", request=None) -> int:
    """Remove every second factor of ``user`` (lost phone, new phone); the number removed."""
    with transaction.atomic():
        removed = 0
        for device in TOTPDevice.objects.filter(user=user):
            if device.confirmed:
                removed += 1
            device.delete()
        if removed:
            record(user, Action.REMOVED, by=by, request=request, reason=reason, devices=removed)
    return removed


# --- where it is enforced -----------------------------------------------------------------------


def verify_url(next_url: str) -> str:
    return f"{reverse('login-code')}?{urlencode({'next': next_url})}"


def enrol_url(next_url: str) -> str:
    return f"{reverse('two-factor')}?{urlencode({'next': next_url})}"


class TwoFactorAdminSite(admin.AdminSite):
    """The admin site, open only to sessions that passed the second factor (unless the policy is
    ``none``). Its own password form is never used: signing in goes through /login/."""

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not admin_must_verify() or is_verified(request)

    def login(self, request, extra_context=None):
        user = request.user
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not user.is_authenticated:
            return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
        if user.is_active and user.is_staff and admin_must_verify() and not is_verified(request):
            if has_device(user):
                return redirect(verify_url(next_url))
            messages.info(
                request, _("The administration pages need a second factor: set one up first.")
            )
            return redirect(enrol_url(next_url))
        return super().login(request, extra_context)


# Pages a session that has not passed the second factor may still open under policy "all".
OPEN_PATHS = ("/static/", "/i18n/", "/healthz", "/account/two-factor/", "/login/", "/logout/")


class RequireSecondFactor:
    """Policy ``all``: a signed-in session that has not passed the second factor is sent to the
    code page (or, without a device, to setting one up); the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if policy() == ALL and not request.path_info.startswith(OPEN_PATHS):
            try:
                unverified = request.user.is_authenticated and not is_verified(request)
            except (OperationalError, InterfaceError):
                # The database is away: the view (which needs it for the user too) answers 503.
                unverified = False
            if unverified:
                return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request):
        if request.path_info.startswith(API_PREFIXES):
            return JsonResponse(
                {
                    "detail": _("Sign in with your second factor first."),
                    "code": "second_factor_required",
                },
                status=403,
            )
        next_url = request.get_full_path()
        if has_device(request.user):
            return redirect(verify_url(next_url))
        messages.info(request, _("Set up a second factor to continue: it is required here."))
        return redirect(enrol_url(next_url))
