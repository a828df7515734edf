"""Steps every journey shares: signing in the way a person does (password, then a code)."""

from __future__ import annotations

import base64
import time
from typing import Any

from django_otp.oath import TOTP

from tests.clients import authenticator_for, totp_now
from tests.conftest import PASSWORD


def code_for_secret(secret: str) -> str:
    """What an authenticator app shows for a base32 secret read off the enrolment page."""
    text = secret.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    generator = TOTP(key)
    generator.time = time.time()
    return f"{generator.token():06d}"


def password_step(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page: Any, user: Any) -> None:
    """Password, then the current code of the user's authenticator; ends on the home page."""
    device = authenticator_for(user)
    password_step(page, user.get_username())
    page.get_by_label("Code").fill(totp_now(device))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Welcome").wait_for()
