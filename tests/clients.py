"""Test clients that sign in the way a person does: password, then the second factor.

Every page needs a session that passed multi-factor verification (aso.core.middleware). Tests that are
about something else sign in with `client.force_login(user)` (or `client.login(...)`): the `client`
fixture is a `SignedInClient`, whose sign-in also completes MFA with a confirmed authenticator for the
user. Tests about MFA itself use `Client()` or the `unverified_client` fixture and go through the pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from aso.core.accounts.mfa import AUTHENTICATOR_NAME
from aso.core.accounts.sessions import MFA_DEVICE


def authenticator_for(user: Any) -> TOTPDevice:
    """The user's confirmed authenticator, created if the user has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
    return device


def totp_now(device: TOTPDevice, *, at: float | None = None, offset_steps: int = 0) -> str:
    """The code the user's authenticator app shows now (what a person would type)."""
    import time

    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = (time.time() if at is None else at) + offset_steps * device.step
    return f"{generator.token():0{device.digits}d}"


def mark_mfa_verified(client: Client, user: Any) -> None:
    """Complete the second factor for the client's current session (as if the user typed a code)."""
    device = authenticator_for(user)
    session = client.session
    session[MFA_DEVICE] = device.persistent_id
    session.save()


class SignedInClient(Client):
    """A test client whose `force_login` and `login` also complete multi-factor verification."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        mark_mfa_verified(self, user)

    def login(self, **credentials: Any) -> bool:
        # django-axes needs the request: the stock Client.login authenticates without one.
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, **credentials)
        if user is None:
            return False
        self.force_login(user, getattr(user, "backend", None))
        return True
