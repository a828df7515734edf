"""manage.py run_par --period 2026Q3 (or --start/--end): score every measure for a period, as a job."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from aso.core.choices import JobStatus
from par.jobs import SCORE_RUN, job_run_now, period_from_params
from par.rules import BAD_PERIOD


class Command(BaseCommand):
    help = "Run PAR scoring for a period: 2026Q3, 2026-07, 2026, or --start and --end dates."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--period", help="2026Q3, 2026-07 or 2026")
        parser.add_argument("--start", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--end", type=dt.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["period"] and not (options["start"] or options["end"]):
            params = {"label": options["period"]}
        elif options["start"] and options["end"] and not options["period"]:
            params = {"start": options["start"].isoformat(), "end": options["end"].isoformat()}
        else:
            raise CommandError(BAD_PERIOD)
        try:
            period_from_params(params)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        job = job_run_now(kind=SCORE_RUN, acting_user=None, params=params)
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"PAR run failed (job {job.pk}): {job.error}")
        self.stdout.write(f"job {job.pk}: {job.message}")
        self.stdout.write(f"  input hash {job.result.get('input_hash')}")
        self.stdout.write(f"  seconds {job.result.get('timings')}")
