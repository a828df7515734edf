"""manage.py load_eligibility FILE [--full|--delta] [--as-of YYYY-MM-DD] [--format csv|x12_834]

Queues the file as an eligibility-load job (the same path as the upload page) and follows it to the end,
printing its progress. With Celery eager (the default without a broker) the job runs in this process.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from aso.core.choices import JobStatus
from aso.core.jobs import live_progress
from aso.core.models import Job
from members.choices import LoadFormat, LoadMode, LoadStatus
from members.models import EligibilityLoad
from members.services import eligibility_load_submit


class Command(BaseCommand):
    help = "Load a state eligibility file (our CSV layout or an X12 834) in one transaction."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--full", dest="mode", action="store_const", const=LoadMode.FULL)
        mode.add_argument("--delta", dest="mode", action="store_const", const=LoadMode.DELTA)
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--format", choices=LoadFormat.values, default="")
        parser.add_argument("--user", default="", help="Username the load is recorded under.")
        parser.add_argument(
            "--no-x12-validation",
            dest="validate_x12",
            action="store_false",
            help="834: skip the pyx12 check (it costs about 0.7 ms of CPU a member).",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        self.verbosity = options["verbosity"]
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        with path.open("rb") as stream:
            load = eligibility_load_submit(
                acting_user=user,
                file=File(stream, name=path.name),
                file_name=path.name,
                mode=options["mode"] or "",
                file_format=options["format"],
                as_of=options["as_of"],
                validate_x12=options["validate_x12"],
            )
        load = self._follow(load)
        self._report(load)

    def _follow(self, load: EligibilityLoad) -> EligibilityLoad:
        shown = ""
        while load.job_id is not None:
            job = Job.objects.get(pk=load.job_id)
            progress, message = live_progress(job)
            line = f"{progress:3d}% {message}"
            if line != shown and self.verbosity > 1:
                self.stdout.write(line)
                shown = line
            if job.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}:
                break
            time.sleep(0.5)
        load.refresh_from_db()
        return load

    def _report(self, load: EligibilityLoad) -> None:
        if load.status != LoadStatus.SUCCEEDED:
            raise CommandError(f"Load #{load.pk} {load.get_status_display()}: {load.message}")
        counts = ", ".join(f"{key} {value:,}" for key, value in load.counts().items())
        self.stdout.write(
            f"Load #{load.pk} ({load.get_mode_display()}, as of {load.as_of}): {counts};"
            f" read {load.parse_seconds} s, merge {load.merge_seconds} s"
        )
