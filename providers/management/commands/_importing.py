"""What load_provider_file and refresh_from_nppes share: start the import job, wait, print the report."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from celery import current_app
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from aso.core.choices import JobStatus
from aso.core.jobs import job_run
from aso.core.models import Job
from providers.imports.runs import provider_import_start
from providers.models import ProviderImport


def add_common_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", help="Path of the file to import")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="Compute and store the change report only; apply it later from its page.",
    )
    parser.add_argument(
        "--user",
        default="",
        help="User name recorded as the one who ran the import (default: none, 'system').",
    )
    parser.add_argument(
        "--wait", type=int, default=3600, help="Seconds to wait for a queued job (default 3600)."
    )


def run_import(
    command: BaseCommand,
    options: dict[str, Any],
    *,
    source: str,
    full_file: bool,
    file_date: dt.date | None,
) -> ProviderImport:
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    user = None
    if options["user"]:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
    with path.open("rb") as handle:
        provider_import = provider_import_start(
            acting_user=user,
            source=source,
            upload=File(handle, name=path.name),
            file_name=path.name,
            file_date=file_date or timezone.localdate(),
            full_file=full_file,
            apply=not options["dry_run"],
        )
    job = _wait(provider_import, options["wait"])
    provider_import.refresh_from_db()
    _print(command, provider_import, job)
    if job.status == JobStatus.FAILED:
        raise CommandError(job.error)
    return provider_import


def _wait(provider_import: ProviderImport, seconds: int) -> Job:
    """Run the job here when Celery is eager (and it has not run on commit); else wait for a worker."""
    assert provider_import.job_id is not None
    if current_app.conf.task_always_eager:
        return job_run(provider_import.job_id)  # a finished job is left alone
    deadline = time.monotonic() + seconds
    while True:
        job = Job.objects.get(pk=provider_import.job_id)
        if job.is_finished or time.monotonic() > deadline:
            return job
        time.sleep(0.5)


def _print(command: BaseCommand, provider_import: ProviderImport, job: Job) -> None:
    out = command.stdout
    out.write(f"{provider_import} -> {provider_import.get_status_display()} (job {job.pk})")
    for name, value in provider_import.counts.items():
        out.write(f"  {name.replace('_', ' ')}: {value}")
    rejected = provider_import.changes.filter(action="rejected").order_by("seq")[:20]
    for change in rejected:
        out.write(f"  line {change.line}: {change.reason}")
    if provider_import.status == "ready":
        out.write("  Not applied (dry run): review and apply it on the provider-file page.")
