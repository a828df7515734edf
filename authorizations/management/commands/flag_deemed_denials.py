"""Flag prior-authorization requests past their deadline as deemed denials and send their notices.

Run it often (every few minutes from cron or Celery beat): `manage.py flag_deemed_denials`.
Idempotent: a request is flagged once.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from authorizations.services.review import requests_flag_deemed_denials


class Command(BaseCommand):
    help = "Flag open prior-authorization requests past their deadline as deemed denials."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        flagged = requests_flag_deemed_denials()
        self.stdout.write(f"{flagged} request(s) flagged as deemed denials")
