"""manage.py identify_icm_candidates [--as-of YYYY-MM-DD] [--auto-assign]"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from aso.core.choices import JobStatus
from care.services.icm_identification import icm_identification_run


class Command(BaseCommand):
    help = (
        "Find members who meet an ICM trigger and record them as candidates, through a Job "
        "(the same work the nightly Celery beat task does). A second run the same day changes "
        "nothing."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="Evaluate as of this day (YYYY-MM-DD); default: today in New York.",
        )
        parser.add_argument(
            "--auto-assign",
            action="store_true",
            help="Then assign open candidates automatically (region, language, cap).",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        job = icm_identification_run(as_of=options["as_of"], auto_assign=options["auto_assign"])
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"ICM identification failed (job {job.pk}): {job.error}")
        result = job.result
        self.stdout.write(
            f"job {job.pk}: {result['identified']} members meet a trigger on {result['as_of']}; "
            f"{result['created']} new, {result['updated']} updated, {result['confirmed']} "
            f"unchanged, {result['lapsed']} lapsed, {result['held_back']} held back"
        )
        if "auto_assign" in result:
            auto = result["auto_assign"]
            self.stdout.write(
                f"automatic assignment: {auto['assigned']} assigned, {auto['left_open']} left open"
            )
        self.stdout.write(f"by trigger: {result['by_trigger']}; seconds: {result['seconds']}")
