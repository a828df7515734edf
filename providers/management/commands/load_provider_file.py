"""manage.py load_provider_file FILE: import the state's provider file (CSV or xlsx) through a job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from providers.choices import ImportSource
from providers.management.commands._importing import add_common_arguments, run_import


class Command(BaseCommand):
    help = (
        "Import a provider file (layout: docs/formats/provider-file.md): store the change report, "
        "then apply it in one transaction. A full file terminates what it does not list."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument(
            "--file-date",
            type=dt.date.fromisoformat,
            default=None,
            help="Date of the extract, YYYY-MM-DD (default: today in New York); "
            "absent providers and offerings are terminated as of this date.",
        )
        parser.add_argument(
            "--delta",
            action="store_true",
            help="A delta file: lists changes only, terminates nothing by absence.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(
            self,
            options,
            source=ImportSource.PROVIDER_FILE,
            full_file=not options["delta"],
            file_date=options["file_date"],
        )
