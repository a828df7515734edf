"""Print the demo users' current authenticator code (demo mode only)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from aso.demo import DEMO_TOTP_SECRET, demo_totp_code


class Command(BaseCommand):
    help = "Print the current authenticator code of the demo users (demo mode only)."

    def handle(self, *args: object, **options: object) -> None:
        code = demo_totp_code()
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"{code}  (valid for {left} more seconds; every demo user shares it)")
        self.stdout.write(f"Authenticator secret of the demo users: {DEMO_TOTP_SECRET}")
