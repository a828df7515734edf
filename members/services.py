"""Writes of eligibility: receiving a state file and loading it.

`eligibility_load_submit` records the file and queues its job (or refuses a file already loaded);
`eligibility_load_run` is what the job does: the whole file in one transaction, or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from typing import IO, Any

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from aso.core.jobs import JobFailure, job_create
from members.choices import LoadFormat, LoadStatus
from members.loading.rows import FileRefused
from members.loading.run import run_load
from members.models import EligibilityLoad
from members.models.loads import DUPLICATE_FILE_MESSAGE

logger = logging.getLogger(__name__)

JOB_KIND = "eligibility_load"
INTERRUPTED = "Interrupted before it finished (nothing of it was kept); run again as load #{pk}."
UNEXPECTED = "The load stopped on an unexpected error and changed nothing: {error}"
X12_START = b"ISA"


def file_digest(stream: IO[bytes]) -> tuple[str, int]:
    """sha256 (hex) and size of a file, read in blocks; the stream is rewound."""
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    while block := stream.read(1 << 20):
        digest.update(block)
        size += len(block)
    stream.seek(0)
    return digest.hexdigest(), size


def sniff_format(stream: IO[bytes]) -> str:
    """834 when the file starts with an ISA envelope (after a byte-order mark and blanks), else CSV."""
    head = stream.read(64)
    stream.seek(0)
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return LoadFormat.X12_834 if head.startswith(X12_START) else LoadFormat.CSV


def duplicate_message(earlier: EligibilityLoad) -> str:
    return DUPLICATE_FILE_MESSAGE.format(pk=earlier.pk, name=earlier.file_name)


@transaction.atomic
def eligibility_load_submit(
    *,
    acting_user: Any,
    file: File,
    file_name: str,
    mode: str = "",
    file_format: str = "",
    as_of: dt.date | None = None,
    validate_x12: bool = True,
) -> EligibilityLoad:
    """Record a state file and queue its load; a file already loaded is refused, naming that load.

    `mode` full or delta (blank: from the file for an 834, delta for CSV); `as_of` the date the file
    speaks for (blank: the 834's BGN date, or today for CSV); `file_format` blank: detected.
    """
    sha256, size = file_digest(file)
    load = EligibilityLoad(
        file_name=file_name[:255],
        sha256=sha256,
        size_bytes=size,
        format=file_format or sniff_format(file),
        mode=mode,
        as_of=as_of,
        validate_x12=validate_x12,
        created_by=acting_user,
    )
    earlier = _loaded_before(sha256)
    if earlier is not None:
        load.status, load.duplicate_of = LoadStatus.DUPLICATE, earlier
        load.message = duplicate_message(earlier)
        load.finished_at = timezone.now()
    load.full_clean()
    load.save()
    if earlier is None:
        load.job = job_create(
            kind=JOB_KIND,
            acting_user=acting_user,
            params={"load": load.pk},
            input_file=file,
            input_name=file_name,
        )
        load.save(update_fields=["job"])
    return load


def _loaded_before(sha256: str) -> EligibilityLoad | None:
    return (
        EligibilityLoad.objects.filter(sha256=sha256, status=LoadStatus.SUCCEEDED)
        .order_by("pk")
        .first()
    )


def eligibility_load_run(
    *, load_id: int, path: str, progress: Callable[[float, str], None]
) -> EligibilityLoad:
    """Load the file of `load_id` in one transaction: all of it, or nothing (the load row says why).

    A load already finished is left alone. Loads of the same file that were interrupted (a killed
    process) are marked so; a file loaded meanwhile by another load is refused as a duplicate.
    """
    load = EligibilityLoad.objects.get(pk=load_id)
    if load.is_finished:
        return load
    if _refuse_if_duplicate(load):
        raise JobFailure(load.message)
    _start(load)
    try:
        with transaction.atomic():
            run_load(load=load, path=path, progress=progress)
            load.status, load.finished_at = LoadStatus.SUCCEEDED, timezone.now()
            load.save()
    except FileRefused as exc:
        _fail(load, str(exc))
        raise JobFailure(str(exc)) from exc
    except IntegrityError as exc:
        if _refuse_if_duplicate(load):
            raise JobFailure(load.message) from exc
        _fail(load, UNEXPECTED.format(error=type(exc).__name__))
        raise
    except Exception as exc:
        _fail(load, UNEXPECTED.format(error=type(exc).__name__))
        raise
    return load


def _refuse_if_duplicate(load: EligibilityLoad) -> bool:
    earlier = _loaded_before(load.sha256)
    if earlier is None or earlier.pk == load.pk:
        return False
    EligibilityLoad.objects.filter(pk=load.pk).update(
        status=LoadStatus.DUPLICATE,
        duplicate_of=earlier,
        message=duplicate_message(earlier),
        finished_at=timezone.now(),
    )
    load.refresh_from_db()
    return True


def _start(load: EligibilityLoad) -> None:
    """Mark the load running (committed at once, so the page shows it) and earlier runs of the same
    file that never finished as interrupted."""
    with transaction.atomic():
        EligibilityLoad.objects.filter(
            sha256=load.sha256, status__in=[LoadStatus.RUNNING, LoadStatus.PENDING]
        ).exclude(pk=load.pk).update(
            status=LoadStatus.FAILED,
            message=INTERRUPTED.format(pk=load.pk),
            finished_at=timezone.now(),
        )
        load.status, load.started_at = LoadStatus.RUNNING, timezone.now()
        load.save(update_fields=["status", "started_at"])


def _fail(load: EligibilityLoad, message: str) -> None:
    """Record why a load failed, after its transaction rolled back (counts back to zero)."""
    logger.info("eligibility load %s failed: %s", load.pk, message)
    fresh = EligibilityLoad.objects.get(pk=load.pk)
    fresh.status, fresh.message, fresh.finished_at = LoadStatus.FAILED, message, timezone.now()
    fresh.save(update_fields=["status", "message", "finished_at"])
    load.refresh_from_db()
