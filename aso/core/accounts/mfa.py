"""Multi-factor authentication: a TOTP authenticator and single-use recovery codes (django-otp).

Every user enrols an authenticator on first sign-in; a session is verified once the user gives a
current code (or a recovery code), and only a verified session reaches any page or the session API.
A verified session records the device that verified it; deleting that device (an administrator's
reset) ends the user's sessions.
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aso.core.accounts.sessions import MFA_DEVICE, sessions_end_for_user

logger = logging.getLogger(__name__)

AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"

# The published secret of the demo users (README): accepted only in demo mode, refused otherwise,
# so a demo database copied into production can never be entered with it.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key, hex

WRONG_CODE = (
    "That code is not right. Codes change every 30 seconds: use the newest one, or one of your "
    "recovery codes."
)
THROTTLED = "Too many wrong codes in a row. Wait {seconds} seconds, then try the newest code."
DEMO_SECRET_REFUSED = (
    "This authenticator uses the published demo secret, which is refused outside demo mode. "
    "Ask your administrator to reset your multi-factor authentication."
)


@dataclass(frozen=True)
class CodeCheck:
    """The answer to a code typed by the user: the device that accepted it, or why not."""

    device: Any = None
    error: str = ""


def authenticator_for(user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP authenticator, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def is_enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being set up (created with a fresh random secret if none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an authenticator app by hand."""
    text = base64.b32encode(binascii.unhexlify(device.key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// URL as an inline SVG QR code (no script, no inline style)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1))


def _demo_key_refused(device: Any) -> bool:
    return (
        isinstance(device, TOTPDevice)
        and device.key.lower() == DEMO_TOTP_KEY
        and not settings.DEMO_MODE
    )


def _check_totp(device: TOTPDevice, code: str) -> CodeCheck:
    if _demo_key_refused(device):
        return CodeCheck(error=DEMO_SECRET_REFUSED)
    allowed, data = device.verify_is_allowed()
    if not allowed:
        seconds = 1
        if data and data.get("locked_until"):
            from django.utils import timezone

            seconds = max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
        return CodeCheck(error=THROTTLED.format(seconds=seconds))
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if locked.verify_token(code):
            return CodeCheck(device=locked)
    return CodeCheck(error=WRONG_CODE)


def code_check(*, user: Any, code: str) -> CodeCheck:
    """Check a six-digit authenticator code, or else a single-use recovery code (used up on success)."""
    code = "".join(code.split()).replace("-", "")
    device = authenticator_for(user)
    if device is None:
        return CodeCheck(error=WRONG_CODE)
    if code.isdigit() and len(code) == device.digits:
        return _check_totp(device, code)
    if _demo_key_refused(device):
        return CodeCheck(error=DEMO_SECRET_REFUSED)
    with transaction.atomic():
        for recovery in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if recovery.verify_token(code.lower()):
                return CodeCheck(device=recovery)
    return CodeCheck(error=WRONG_CODE)


def session_mark_verified(request: HttpRequest, device: Any) -> None:
    """The session passed the second factor: a new session key, the device that verified it, and
    the account's failed attempts forgotten (only now: a right password alone clears nothing)."""
    request.session.cycle_key()
    request.session[MFA_DEVICE] = device.persistent_id
    axes_reset(username=request.user.get_username())


@transaction.atomic
def recovery_codes_issue(*, user: Any) -> list[str]:
    """Replace the user's recovery codes with `MFA_RECOVERY_CODES` new single-use ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_recovery_code() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [format_recovery_code(code) for code in codes]


def _recovery_code() -> str:
    """80 random bits in 16 base32 letters (the longest django-otp stores)."""
    return base64.b32encode(secrets.token_bytes(10)).decode().lower()


def format_recovery_code(code: str) -> str:
    """abcd-efgh-ijkl-mnop: easier to copy by hand; dashes and spaces are ignored when typed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def authenticator_confirm(
    *, request: HttpRequest, device: TOTPDevice, code: str
) -> tuple[CodeCheck, list[str]]:
    """Confirm a new authenticator with a code it produced; it replaces any older one.

    On success the session is verified by the new device, the user's other sessions end, and fresh
    recovery codes are issued (returned to be shown once).
    """
    check = _check_totp(device, "".join(code.split()))
    if check.device is None:
        return check, []
    user: Any = request.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    codes = recovery_codes_issue(user=user)
    session_mark_verified(request, device)
    sessions_end_for_user(user.pk, keep=request.session.session_key)
    logger.info("user %s enrolled a new authenticator", user.pk)
    return CodeCheck(device=device), codes


@transaction.atomic
def mfa_reset(*, user: Any, acting_user: Any) -> None:
    """An administrator's reset: every authenticator and recovery code removed, every session ended.

    The user enrols a new authenticator at the next sign-in (with the password).
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end_for_user(user.pk)
    logger.info("multi-factor authentication of user %s reset by user %s", user.pk, acting_user.pk)
