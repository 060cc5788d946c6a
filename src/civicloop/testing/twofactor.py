"""Second factors in tests: a TOTP device whose codes a test can compute, and a signed-in
session that passed the second factor (what /admin/ needs, core/twofactor.py)."""

from __future__ import annotations

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def give_device(user, *, name: str = "phone") -> TOTPDevice:
    """A confirmed authenticator app for ``user`` (no history row: test set-up)."""
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the app shows now (or at the Unix time ``at``)."""
    device.refresh_from_db()
    now = time.time() if at is None else at
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = now
    return f"{generator.token():0{device.digits}d}"


def next_code(device: TOTPDevice) -> str:
    """A code that is accepted and not used yet (each code is good once; the app's next code is
    within the one step of clock drift the device tolerates)."""
    device.refresh_from_db()
    now = time.time()
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = now
    if device.last_t >= generator.t():
        now += device.step
    return current_code(device, at=now)


def sign_in_verified(client, user) -> TOTPDevice:
    """Sign ``client`` in as ``user`` with a passed second factor (a device is made if needed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or give_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
