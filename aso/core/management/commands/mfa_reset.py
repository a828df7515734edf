"""Reset a user's multi-factor authentication: they enrol a new authenticator at the next sign-in."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aso.core.accounts.mfa import mfa_reset


class Command(BaseCommand):
    help = "Remove a user's authenticator and recovery codes and end their sessions."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--by", required=True, help="username of the administrator doing this")

    def handle(self, *args: object, **options: object) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=options["username"])
            admin = User.objects.get(username=options["by"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError("No such active user.") from exc
        mfa_reset(user=user, acting_user=admin)
        self.stdout.write(f"Reset multi-factor authentication of {user.get_username()}.")
