"""manage.py export_oversight --agency DCF [--workbook CODE ...] [--period 2026Q3] [--output DIR]
[--format xlsx|csv] [--suppress on|off] [--user NAME]: write an agency's workbooks for scheduled use.

Every export is logged under a user: the person named with --user, or, for a scheduled run, the
service account SCHEDULED_EXPORT_USER (created on first use, with no password: nobody signs in as it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.catalog import workbook_for, workbooks_for
from oversight.choices import ExportFormat
from oversight.rules import agency_scope, export_period, last_full_quarter
from oversight.services import SCHEDULED_EXPORT_USER, oversight_export_run, scheduled_export_user

UNKNOWN_USER = "No active user named {name!r}."


class Command(BaseCommand):
    help = "Write oversight workbooks for one agency (default: all of its workbooks, last full quarter)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="DSS, DCF or DMHAS")
        parser.add_argument("--workbook", action="append", default=[], help="a workbook code")
        parser.add_argument("--period", default="", help="2026Q3 or 2026-07")
        parser.add_argument("--output", default="", help="directory (default MEDIA_ROOT/oversight)")
        parser.add_argument("--format", default=ExportFormat.XLSX, choices=ExportFormat.values)
        parser.add_argument("--suppress", choices=("on", "off"), default=None)
        parser.add_argument(
            "--user",
            default="",
            help=f"username the export is logged under (default: {SCHEDULED_EXPORT_USER})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        try:
            agency = agency_scope(options["agency"].upper()).agency
            period = (
                export_period(label=options["period"], today=today)
                if options["period"]
                else last_full_quarter(today)
            )
            specs = [workbook_for(code=c, agency=agency) for c in options["workbook"]]
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        specs = specs or workbooks_for(agency)
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(UNKNOWN_USER.format(name=options["user"]))
        else:
            user = scheduled_export_user()
        output = Path(options["output"] or Path(settings.MEDIA_ROOT) / "oversight")
        suppress = {None: None, "on": True, "off": False}[options["suppress"]]
        for spec in specs:
            result = oversight_export_run(
                acting_user=user,
                agency=agency,
                workbook=spec.code,
                period=period,
                directory=output,
                suppress=suppress,
                fmt=options["format"],
            )
            self.stdout.write(f"{result.path} ({sum(result.rows.values())} rows)")
