"""Provider-file imports and NPPES refreshes as jobs: report first, then apply in one transaction.

provider_import_start(...)          -> a ProviderImport and its Job (upload page, load_provider_file,
                                       refresh_from_nppes)
job "provider_file_import" / "nppes_refresh"
    read and check the file (a wrong file fails the job; nothing changes)
    plan the changes, store the change report (committed: the report exists before any change)
    when asked to apply: apply (below)
provider_import_apply_request(...)  -> a Job "provider_import_apply" for a report a person reviewed
    apply: under the provider-file lock, plan again; if the plan is not the reported one (the provider
    file changed in between) refuse; else write it all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from aso.core.jobs import JobFailure, JobReporter, job_create, job_handler
from aso.core.models import Job
from providers.choices import ImportSource, ImportStatus
from providers.imports.apply import plan_apply
from providers.imports.layout import COLUMN_NAMES, REQUIRED, FileRejected, check_header, read_table
from providers.imports.nppes import KnownProvider, plan_nppes, read_nppes
from providers.imports.plan import Plan, plan_file
from providers.imports.report import report_store
from providers.imports.rows import RowParser
from providers.imports.snapshot import lookups_load, snapshot_load, state_token
from providers.locks import provider_file_lock
from providers.models import Provider, ProviderImport

JOB_KINDS = {
    ImportSource.PROVIDER_FILE: "provider_file_import",
    ImportSource.NPPES: "nppes_refresh",
}
APPLY_JOB = "provider_import_apply"
STALE_REPORT = (
    "The provider file changed since this report was computed (an edit or another import): "
    "nothing was applied. Run the import again for a fresh report."
)
NOT_READY = "This report is {status}: there is nothing to apply."


class StaleReport(JobFailure):
    """The provider file no longer gives the reported plan: the report must be computed again."""


def _sha256(upload: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def provider_import_start(
    *,
    acting_user: Any,
    source: str,
    upload: File,
    file_name: str,
    file_date: dt.date,
    full_file: bool = True,
    apply: bool = True,
) -> ProviderImport:
    """Record an import of a provider file (or an NPPES file) and queue its job.

    With `apply`, the job applies the changes right after storing the report; without, the report waits
    for a person to apply it (`provider_import_apply_request`).
    """
    provider_import = ProviderImport(
        source=source,
        file_name=file_name[:255],
        sha256=_sha256(upload),
        file_date=file_date,
        full_file=full_file and source == ImportSource.PROVIDER_FILE,
        created_by=acting_user,
    )
    provider_import.full_clean(exclude=["job"])
    provider_import.save()
    job = job_create(
        kind=JOB_KINDS[ImportSource(source)],
        acting_user=acting_user,
        params={"import_id": provider_import.pk, "apply": apply},
        input_file=upload,
        input_name=file_name,
    )
    provider_import.job = job
    provider_import.save(update_fields=["job"])
    return provider_import


@transaction.atomic
def provider_import_apply_request(*, acting_user: Any, provider_import: ProviderImport) -> Job:
    """Queue the apply of a report a person has reviewed."""
    if provider_import.status != ImportStatus.READY:
        raise ValidationError(NOT_READY.format(status=provider_import.get_status_display().lower()))
    return job_create(
        kind=APPLY_JOB, acting_user=acting_user, params={"import_id": provider_import.pk}
    )


def known_by_npi() -> dict[str, KnownProvider]:
    """The providers an NPPES refresh may update, by NPI."""
    rows = Provider.objects.values_list(
        "npi",
        "pk",
        "medicaid_id",
        "name",
        "taxonomy",
        "practice_street",
        "practice_city",
        "practice_state",
        "practice_zip",
    ).order_by()
    return {row[0]: KnownProvider(*cast(tuple[Any, ...], row[1:])) for row in rows}


def plan_for(provider_import: ProviderImport) -> Plan:
    """Read the import's file and plan its changes against the provider file as it stands now."""
    if provider_import.job is None or not provider_import.job.input_file:
        raise JobFailure("The import has no file.")
    stored = provider_import.job.input_file
    if provider_import.source == ImportSource.NPPES:
        with stored.open("rb") as handle:
            return plan_nppes(known_by_npi(), read_nppes(handle))
    with stored.open("rb") as handle:
        table = read_table(handle.read())
    header = check_header(table.header, required=REQUIRED, known=COLUMN_NAMES)
    parser = RowParser(header, lookups_load())
    rows = (parser.parse(line, cells) for line, cells in table.rows)
    return plan_file(
        snapshot_load(),
        rows,
        full_file=provider_import.full_file,
        file_date=provider_import.file_date,
    )


def _reason(provider_import: ProviderImport) -> str:
    return f"{provider_import.get_source_display()} import #{provider_import.pk}"


def import_apply(
    *,
    provider_import: ProviderImport,
    acting_user: Any,
    planned: tuple[Plan, tuple[object, ...]] | None = None,
) -> ProviderImport:
    """Apply a stored report in one transaction, if the provider file still gives the same plan.

    `planned` is a plan computed by this process and the state token read before it: when the token is
    unchanged under the lock, nothing was written since and the plan is reused; otherwise the file is
    planned again and must give the reported plan.
    """
    with transaction.atomic():
        provider_file_lock()
        locked = ProviderImport.objects.select_for_update().get(pk=provider_import.pk)
        if locked.status != ImportStatus.READY:
            raise JobFailure(NOT_READY.format(status=locked.get_status_display().lower()))
        if planned is not None and planned[1] == state_token():
            plan = planned[0]
        else:
            plan = plan_for(locked)
        if plan.fingerprint() != locked.fingerprint:
            raise StaleReport(STALE_REPORT)
        plan_apply(plan, acting_user=acting_user, reason=_reason(locked))
        locked.status = ImportStatus.APPLIED
        locked.applied_at = timezone.now()
        locked.applied_by = acting_user
        locked.save(update_fields=["status", "applied_at", "applied_by"])
    return locked


def _fail(provider_import: ProviderImport, message: str) -> None:
    ProviderImport.objects.filter(pk=provider_import.pk).update(
        status=ImportStatus.FAILED, error=message
    )


def _report(provider_import: ProviderImport, plan: Plan) -> None:
    with transaction.atomic():
        report_store(provider_import, plan)
        provider_import.counts = plan.counts()
        provider_import.fingerprint = plan.fingerprint()
        provider_import.status = ImportStatus.READY if plan.has_changes else ImportStatus.UNCHANGED
        provider_import.error = ""
        provider_import.save(update_fields=["counts", "fingerprint", "status", "error"])


def _summary(provider_import: ProviderImport) -> dict[str, Any]:
    return {
        "import_id": provider_import.pk,
        "status": provider_import.status,
        **provider_import.counts,
    }


def import_run(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """The job of an import: check and plan the file, store the report, apply it when asked."""
    provider_import = ProviderImport.objects.get(pk=job.params["import_id"])
    reporter.progress(5, "Reading and checking the file")
    token = state_token()  # read before the plan: any write after it changes the token
    try:
        plan = plan_for(provider_import)
    except FileRejected as exc:
        _fail(provider_import, str(exc))
        raise
    reporter.progress(50, "Storing the change report")
    _report(provider_import, plan)
    counts = provider_import.counts
    reporter.log(
        f"{counts.get('rows_read', 0)} rows read, {counts.get('rows_rejected', 0)} rejected, "
        f"{provider_import.change_count} changes planned"
    )
    job.counts = counts
    job.save(update_fields=["counts"])
    if job.params.get("apply") and plan.has_changes:
        reporter.progress(60, "Applying the changes")
        _apply_or_fail(provider_import, job.created_by, planned=(plan, token))
        reporter.log("changes applied")
    provider_import.refresh_from_db()
    reporter.progress(100, provider_import.get_status_display())
    return _summary(provider_import)


def _apply_or_fail(
    provider_import: ProviderImport,
    user: Any,
    planned: tuple[Plan, tuple[object, ...]] | None = None,
) -> None:
    try:
        import_apply(provider_import=provider_import, acting_user=user, planned=planned)
    except StaleReport as exc:
        _fail(provider_import, str(exc))
        raise
    except JobFailure:
        raise
    except Exception as exc:
        _fail(provider_import, f"The changes could not be applied ({type(exc).__name__}).")
        raise


@job_handler(JOB_KINDS[ImportSource.PROVIDER_FILE])
def provider_file_import_run(job: Job, reporter: JobReporter) -> dict[str, Any]:
    return import_run(job, reporter)


@job_handler(JOB_KINDS[ImportSource.NPPES])
def nppes_refresh_run(job: Job, reporter: JobReporter) -> dict[str, Any]:
    return import_run(job, reporter)


@job_handler(APPLY_JOB)
def provider_import_apply_run(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """Apply a reviewed report (see `import_apply`)."""
    provider_import = ProviderImport.objects.get(pk=job.params["import_id"])
    reporter.progress(10, "Checking the report is still current, then applying")
    _apply_or_fail(provider_import, job.created_by)
    provider_import.refresh_from_db()
    reporter.log("changes applied")
    return _summary(provider_import)
