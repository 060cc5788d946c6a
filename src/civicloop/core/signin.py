"""Signing in (password, then the second factor when the person has one), the page that sets up a
second factor, and the end of idle sessions. The rules live in ``core/twofactor.py``."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import LoginView
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login

from . import twofactor
from .errors import DomainError

# The user who gave the right password and still owes the code, in the (anonymous) session.
PENDING_KEY = "civicloop_signin_pending"
# How long the code may follow the password.
PENDING_SECONDS = 5 * 60
LAST_SEEN_KEY = "civicloop_last_seen"
# The last-seen time is written at most this often (each write is a session save).
LAST_SEEN_GRANULARITY = 60


class SignInView(LoginView):
    """Django's sign-in; a person with a second factor is signed in only after the code."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not twofactor.has_device(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("login-code")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )


def _pending(request):
    """(user, backend, next) of a sign-in waiting for its code, or None."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        del request.session[PENDING_KEY]
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        return None
    return user, pending["backend"], pending["next"]


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@never_cache
@csrf_protect
def login_code(request):
    """``/login/code/``: the second step of signing in, or of opening a page that needs a
    verified session (the admin) in a session signed in before the factor was set up."""
    pending = _pending(request)
    if pending is not None:
        user, backend, next_url = pending
    elif (
        request.user.is_authenticated
        and not twofactor.is_verified(request)
        and twofactor.has_device(request.user)
    ):
        user, backend = request.user, None
        next_url = _safe_next(request, settings.LOGIN_REDIRECT_URL)
    else:
        if not request.user.is_authenticated:
            messages.info(request, _("Sign in again: the code must follow the password."))
            return redirect("login")
        return redirect(_safe_next(request, settings.LOGIN_REDIRECT_URL))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = twofactor.verify(user, form.cleaned_data["code"], request=request)
            except DomainError as exc:
                form.add_error("code", str(exc.message))
                status = exc.status_code
            else:
                if pending is not None:
                    del request.session[PENDING_KEY]
                    auth_login(request, user, backend=backend)
                otp_login(request, device)
                return redirect(next_url)
    return render(
        request,
        "registration/login_code.html",
        {"form": form, "next": next_url, "signing_in": pending is not None},
        status=status,
    )


@never_cache
@login_required
def two_factor(request):
    """``/account/two-factor/``: set up the authenticator app (scan, confirm a code), or remove
    it (with a current code: a borrowed session cannot remove it)."""
    user = request.user
    next_url = _safe_next(request, "")
    form = CodeForm(request.POST or None)
    status = 200
    confirmed = twofactor.devices(user)
    if request.method == "POST":
        status = 400
        action = request.POST.get("action")
        if form.is_valid():
            code = form.cleaned_data["code"]
            try:
                if action == "remove" and confirmed:
                    twofactor.verify(user, code, request=request, via="removal")
                    twofactor.remove_devices(user, by=user, request=request)
                    messages.success(request, _("Your second factor was removed."))
                    return redirect("two-factor")
                if action == "confirm" and not confirmed:
                    twofactor.confirm_device(
                        twofactor.pending_device(user), code, by=user, request=request
                    )
                    messages.success(
                        request, _("Your second factor is set up: sign-in now asks for a code.")
                    )
                    return redirect(next_url or "two-factor")
            except DomainError as exc:
                form.add_error("code", str(exc.message))
                status = exc.status_code
    context = {"form": form, "devices": confirmed, "next": next_url, "policy": twofactor.policy()}
    if not confirmed:
        device = twofactor.pending_device(user)
        context.update(
            qr=twofactor.qr_data_uri(device),
            secret=twofactor.secret_for_typing(device),
            issuer=settings.OTP_TOTP_ISSUER,
        )
    return render(request, "registration/two_factor.html", context, status=status)


class SessionIdleTimeout:
    """Sign out a session that made no request for ``CIVICLOOP_SESSION_IDLE_MINUTES`` (sliding:
    each request moves the limit). The session ends like an expired one — the API tokens, which
    a sign-out ends, stay — and the next page says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self.check(request)
        except (OperationalError, InterfaceError):
            # The database is away: the view answers 503 (core.middleware.DatabaseUnavailable),
            # which a failure here, before any view, would turn into a 500.
            pass
        return self.get_response(request)

    def check(self, request) -> None:
        minutes = settings.CIVICLOOP_SESSION_IDLE_MINUTES
        session = getattr(request, "session", None)
        if minutes <= 0 or session is None or not session.get(BACKEND_SESSION_KEY):
            return
        now = time.time()
        last_seen = session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > minutes * 60:
            session.flush()
            request.user = AnonymousUser()
            messages.info(
                request,
                _("You were signed out after %(minutes)s minutes without activity.")
                % {"minutes": minutes},
            )
        elif last_seen is None or now - last_seen >= LAST_SEEN_GRANULARITY:
            session[LAST_SEEN_KEY] = now
