"""Create a provider system's OAuth2 client-credentials client (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from interop.services import provider_client_create
from providers.models import Provider


class Command(BaseCommand):
    help = "Create a provider system's OAuth2 client; prints the client id and the secret (once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--npi", required=True, help="The organization's NPI")
        parser.add_argument("--name", required=True, help="The system's name (e.g. the EHR)")
        parser.add_argument("--by", required=True, help="Username of the person adding it")

    def handle(self, *args: Any, **options: Any) -> None:
        provider = Provider.objects.filter(npi=options["npi"]).first()
        acting = get_user_model().objects.filter(username=options["by"]).first()
        if provider is None or acting is None:
            raise CommandError("No organization with this NPI, or no such user.")
        try:
            made = provider_client_create(
                acting_user=acting, provider=provider, name=options["name"]
            )
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"client_id: {made.client_id}\nclient_secret: {made.client_secret}\n")
        self.stdout.write("Keep the secret now: it is stored hashed and cannot be shown again.\n")
