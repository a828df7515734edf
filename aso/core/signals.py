"""Session bookkeeping on sign-in, and ending every session of a disabled account."""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from aso.core.accounts.sessions import session_start, sessions_end_for_user


@receiver(user_logged_in)
def start_session_clocks(sender, request, user, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Every sign-in starts the idle and absolute clocks, and needs its own second factor."""
    session = getattr(request, "session", None)
    if session is not None:
        session_start(session, now=time.time())


@receiver(post_save, sender=get_user_model())
def end_sessions_of_disabled_user(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """A disabled account must not keep a live session anywhere."""
    if not instance.is_active:
        sessions_end_for_user(instance.pk)
