from django.core.management.base import BaseCommand, CommandError

from aso.core.reference import ReferenceDataError
from aso.referencedata import load_all


class Command(BaseCommand):
    help = "Load the reviewed reference data files in fixtures/ (idempotent; one transaction)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            reports = load_all(dry_run=options["dry_run"])
        except ReferenceDataError as exc:
            raise CommandError(f"Reference data not loaded, nothing changed: {exc}") from exc
        for report in reports:
            self.stdout.write(
                f"{report.file}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
            )
            for change in report.changes:
                self.stdout.write(f"  changed {change}")
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was written")
