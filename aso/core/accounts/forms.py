"""Forms of the sign-in steps: a code, and re-authentication (password and code)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, user_login_failed

from aso.core.accounts.mfa import CodeCheck, code_check

WRONG_PASSWORD = "That password is not right."


def code_field(*, autofocus: bool = True) -> forms.CharField:
    return forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": autofocus}
        ),
    )


def _record_failure(request: Any, user: Any) -> None:
    """A wrong code counts towards the account's lockout, like a wrong password (django-axes)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


class CodeForm(forms.Form):
    """A code from the user's authenticator (or a recovery code)."""

    code = code_field()

    def __init__(self, *args: Any, request: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.check: CodeCheck | None = None

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        self.check = code_check(user=self.request.user, code=code)
        if self.check.device is None:
            _record_failure(self.request, self.request.user)
            raise forms.ValidationError(self.check.error, code="wrong_code")
        return code


class EnrolForm(forms.Form):
    """The first code of a new authenticator, proving it was set up."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ReauthForm(CodeForm):
    """Password and a current code again, before changing the password or the authenticator."""

    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = code_field(autofocus=False)
    field_order = ["password", "code"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        user = self.request.user
        if authenticate(self.request, username=user.get_username(), password=password) is None:
            raise forms.ValidationError(WRONG_PASSWORD, code="wrong_password")
        return password

    def clean_code(self) -> str:
        if "password" not in self.cleaned_data:
            return str(self.data.get("code", ""))  # the password failed: do not spend a code
        return super().clean_code()
