"""manage.py refresh_from_nppes FILE: update names, practice addresses and taxonomies from NPPES."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from providers.choices import ImportSource
from providers.management.commands._importing import add_common_arguments, run_import


class Command(BaseCommand):
    help = (
        "Refresh legal names, practice addresses and primary taxonomies of the providers we know by "
        "NPI from an NPPES data-dissemination CSV, with the same change report as the provider file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, options, source=ImportSource.NPPES, full_file=False, file_date=None)
