"""Session lifetime: an idle timeout and an absolute lifetime, decided by one pure rule.

The session records when the user signed in and when they were last active. A request after
`idle_timeout` seconds without activity, or `absolute_lifetime` seconds after sign-in, ends the session.
Activity is written at most once a minute, so ordinary requests cost no extra database write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.utils import timezone

SIGNED_IN_AT = "aso_signed_in_at"
LAST_SEEN = "aso_last_seen"
MFA_DEVICE = "aso_mfa_device"
REAUTH_AT = "aso_reauth_at"
TOUCH_EVERY = 60  # seconds: the idle clock's granularity

ACTIVE, IDLE, EXPIRED = "active", "idle", "expired"


@dataclass(frozen=True)
class SessionCheck:
    """The verdict on a signed-in session at one moment, and whether to record activity now."""

    verdict: str
    touch: bool = False


def session_check(
    *,
    now: float,
    signed_in_at: float | None,
    last_seen: float | None,
    idle_timeout: int,
    absolute_lifetime: int,
    touch_every: int = TOUCH_EVERY,
) -> SessionCheck:
    """Active, idle (no activity for `idle_timeout` s) or expired (`absolute_lifetime` s after sign-in).

    A session without a sign-in time is expired: it was not made by our sign-in. A clock that went
    backwards (several machines) never ends a session early.
    """
    if signed_in_at is None:
        return SessionCheck(EXPIRED)
    if now - signed_in_at >= absolute_lifetime:
        return SessionCheck(EXPIRED)
    seen = signed_in_at if last_seen is None else max(last_seen, signed_in_at)
    if now - seen >= idle_timeout:
        return SessionCheck(IDLE)
    return SessionCheck(ACTIVE, touch=now - seen >= touch_every)


def session_start(session: Any, *, now: float) -> None:
    """Stamp a freshly signed-in session (called on every sign-in)."""
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
    session.pop(MFA_DEVICE, None)
    session.pop(REAUTH_AT, None)


def session_is_verified(session: Any) -> bool:
    """The session passed the second factor (it records the device that verified it)."""
    return bool(session.get(MFA_DEVICE))


def sessions_end_for_user(user_pk: int, *, keep: str | None = None) -> int:
    """Delete every live session of a user (except the session key `keep`); returns how many ended.

    Sessions are stored signed and encoded, so each live one is decoded to find its user: fine for the
    few thousand live sessions of this platform.
    """
    from django.contrib.sessions.models import Session

    wanted, ended = str(user_pk), 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key != keep and session.get_decoded().get(SESSION_KEY) == wanted:
            session.delete()
            ended += 1
    return ended
