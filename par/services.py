"""PAR writes: loading a claims extract, and scoring runs.

Each is one transaction: a claims file is loaded whole or not at all (rejected rows aside), and a
run's scores, statewide figures and cases are written together with the run's final status.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from par.choices import RunStatus
from par.claims_file import check_chunk, read_chunks
from par.loading import claims_lookups, file_sha256, loaded_keys, write_chunk
from par.measures import Period
from par.models import ClaimLine, ClaimsLoad, ImmutableRunError, ScoreRun
from par.models.runs import IMMUTABLE
from par.rules import ReportingPeriod
from par.running import compute_and_write

Progress = Callable[[float, str], None]

ALREADY_LOADED = "This file was already loaded (claims load {pk}, {when}): nothing changed."
LOADED_MEANWHILE = "The same file was loaded by someone else at the same time: nothing changed."


def _no_progress(percent: float, message: str) -> None:
    return None


@dataclass(frozen=True)
class ClaimsLoadResult:
    """What a claims load did. ``already_loaded``: the same file (sha256) was loaded before."""

    load_id: int
    already_loaded: bool
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    message: str = ""


@transaction.atomic
def claims_load_run(
    *,
    acting_user: Any,
    path: Path,
    file_name: str,
    job: Any = None,
    progress: Progress = _no_progress,
) -> ClaimsLoadResult:
    """Load a claims extract (docs/formats/claims.md) in one transaction.

    A file already loaded (same sha256) is a no-op. A wrong layout raises
    ``par.claims_file.LayoutError`` and nothing is written. Every other bad row is rejected with
    its reason (unknown member, provider, site or code; bad dates; duplicates) and the rest loads.
    The `ClaimsLoad` row records who loaded which file when: it is the lines' provenance.
    """
    digest = file_sha256(path)
    earlier = ClaimsLoad.objects.filter(sha256=digest).first()
    if earlier is not None:
        return _already(earlier)
    started = time.perf_counter()
    load = ClaimsLoad(file_name=file_name[:200], sha256=digest, loaded_by=acting_user, job=job)
    load.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            load.save()
    except IntegrityError as exc:
        raise ValueError(LOADED_MEANWHILE) from exc
    lookups, check_existing = claims_lookups(), ClaimLine.objects.exists()
    seen: set[str] = set()
    reasons: Counter[str] = Counter()
    total = path.stat().st_size or 1
    with path.open("rb") as stream:
        for rows in read_chunks(stream):
            existing = loaded_keys(rows["claim_id"]) if check_existing else set()
            checked = check_chunk(rows, lookups, seen, existing)
            write_chunk(load.pk, checked)
            load.rows_read += len(rows)
            load.rows_loaded += len(checked.lines)
            reasons.update(checked.rejected["reason"].tolist())
            _service_span(load, checked.lines)
            progress(90 * stream.tell() / total, f"{load.rows_read:,} rows read")
    load.rows_rejected = sum(reasons.values())
    load.seconds = round(time.perf_counter() - started, 3)
    load.save()
    return ClaimsLoadResult(
        load_id=load.pk,
        already_loaded=False,
        rows_read=load.rows_read,
        rows_loaded=load.rows_loaded,
        rows_rejected=load.rows_rejected,
        rejected_by_reason=dict(sorted(reasons.items())),
        message=f"{load.rows_loaded:,} lines loaded, {load.rows_rejected:,} rejected",
    )


def _already(load: ClaimsLoad) -> ClaimsLoadResult:
    when = timezone.localtime(load.loaded_at).strftime("%Y-%m-%d %H:%M")
    return ClaimsLoadResult(
        load_id=load.pk,
        already_loaded=True,
        rows_read=0,
        rows_loaded=0,
        rows_rejected=0,
        message=ALREADY_LOADED.format(pk=load.pk, when=when),
    )


def _service_span(load: ClaimsLoad, lines: Any) -> None:
    """Widen the load's first/last service dates by a chunk's loaded lines."""
    if not len(lines):
        return
    first, last = min(lines["service_from"]), max(lines["service_to"])
    first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
    load.first_service = min(filter(None, [load.first_service, first_day]))
    load.last_service = max(filter(None, [load.last_service, last_day]))


RUN_FAILED = "The run failed: {reason}"


@transaction.atomic
def score_run_start(*, acting_user: Any, period: ReportingPeriod, job: Any = None) -> ScoreRun:
    """Record a scoring run for a period as running; `score_run_execute` does the work."""
    run = ScoreRun(
        label=period.label,
        period_kind=str(period.kind),
        period_start=period.start,
        period_end=period.end,
        status=RunStatus.RUNNING,
        created_by=acting_user,
        job=job,
        started_at=timezone.now(),
    )
    run.full_clean()
    run.save()
    return run


def score_run_for_job(*, acting_user: Any, period: ReportingPeriod, job: Any) -> ScoreRun:
    """The job's run: the one an interrupted attempt left running (a worker killed mid-run; nothing
    of it was written) is picked up again, so a retried job never leaves a run "running" forever."""
    left = ScoreRun.objects.filter(job=job, status=RunStatus.RUNNING).order_by("pk").first()
    if left is not None:
        return left
    return score_run_start(acting_user=acting_user, period=period, job=job)


def score_run_execute(*, run: ScoreRun, progress: Progress = _no_progress) -> ScoreRun:
    """Score every measure in force for the run's period, in one transaction.

    Reads the inputs (episodes, claims, enrollment, members) once, records their hash, computes
    each measure's cases and provider scores (par.measures, par.scoring), and writes provider
    scores, statewide figures and the cases behind them with the run's final status and timings.
    The same inputs give the same numbers and the same hash. A period without data gives a run
    with no scores, not an error. On failure nothing but the run's failed status is written.
    """
    if run.status != RunStatus.RUNNING:
        raise ImmutableRunError(IMMUTABLE)
    started = time.perf_counter()
    period = Period(run.period_start, run.period_end)
    try:
        with transaction.atomic():
            outcome = compute_and_write(run.pk, period, progress)
            outcome.timings["total"] = round(time.perf_counter() - started, 3)
            run.input_hash = outcome.input_hash
            run.counts, run.timings = outcome.counts, outcome.timings
            run.status, run.finished_at = RunStatus.SUCCEEDED, timezone.now()
            run.save()
    except Exception as exc:
        ScoreRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            error=RUN_FAILED.format(reason=exc)[:2000],
            finished_at=timezone.now(),
        )
        raise
    return run
