"""manage.py load_claims FILE: load a claims extract (docs/formats/claims.md) through a job."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aso.core.choices import JobStatus
from par.jobs import CLAIMS_LOAD, job_run_now


class Command(BaseCommand):
    help = "Load a paid-claims extract (CSV). A file already loaded is not loaded again."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        path: Path = options["file"].resolve()
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        job = job_run_now(
            kind=CLAIMS_LOAD,
            acting_user=None,
            params={"path": str(path), "file_name": path.name},
        )
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"Claims load failed (job {job.pk}): {job.error}")
        self.stdout.write(f"job {job.pk}: {job.message}")
        for key, value in job.counts.items():
            self.stdout.write(f"  {key}: {value:,}")
