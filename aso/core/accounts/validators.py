"""Password rules beyond Django's own (ASVS V2.1)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

TOO_LONG = "Use at most {max_length} characters."


class MaximumLengthValidator:
    """Passphrases up to `max_length` characters are welcome (ASVS 2.1.2: at least 64, at most 128)."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                TOO_LONG.format(max_length=self.max_length), code="password_too_long"
            )

    def get_help_text(self) -> str:
        return f"At most {self.max_length} characters: a long passphrase of ordinary words is fine."
