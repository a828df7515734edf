"""Invitations of provider staff: a one-time link to set a password, by email.

The link carries Django's password-reset token, which stops working once a password is set (or after
PASSWORD_RESET_TIMEOUT). No member data is involved; the email names the organization only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from providers.models import ProviderStaff

SUBJECT = "Your account on the ASO provider portal"
BODY = """Hello {name},

{inviter} gave you an account on the ASO provider portal for {provider}.

Set your password here (the link works once and expires in {days} days):
{url}

Your user name is {username}.
"""


def invitation_path(user: Any) -> str:
    """The site-relative link that lets this user set a first password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("providers:invitation_accept", args=[uid, token])


def staff_invitation_send(*, link_id: int) -> bool:
    """Email the invitation of a staff link; False when there is nothing to send (active password, gone)."""
    link = (
        ProviderStaff.objects.select_related("user", "provider")
        .filter(pk=link_id, active=True)
        .first()
    )
    if link is None or link.user.has_usable_password() or not link.user.email:
        return False
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    history = link.history.order_by("-history_date").first()
    inviter = getattr(history, "history_user", None) if history else None
    send_mail(
        SUBJECT,
        BODY.format(
            name=link.user.get_full_name() or link.user.username,
            inviter=(inviter.get_full_name() or inviter.username)
            if inviter
            else "Your organization",
            provider=link.provider.name,
            days=max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            url=base + invitation_path(link.user),
            username=link.user.username,
        ),
        getattr(settings, "DEFAULT_FROM_EMAIL", None),
        [link.user.email],
    )
    return True
