"""One eligibility file through the whole path: read, stage, members, spans, rejections, counts.

Runs inside the caller's transaction (`members.services.eligibility_load_run` opens it): any error
leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable

from django.utils import timezone

from members.choices import LoadFormat, LoadMode, RejectionCode
from members.loading.csv_layout import CsvReading, read_csv
from members.loading.history import Stamp
from members.loading.members_step import load_members
from members.loading.rows import FileRefused, Rejection
from members.loading.spans_step import apply_terminations_and_reinstatements, load_spans
from members.loading.sql import Sql
from members.loading.staging import stage_rows
from members.models import (
    EligibilityLoad,
    EligibilityRejection,
    EligibilitySpan,
    Member,
    Program,
)
from providers.models import Town

Progress = Callable[[float, str], None]
NOTHING_TO_CHANGE = "Nothing to terminate or reinstate: no such coverage (it may already be ended)."
EMPTY_FULL_FILE = "A full file with no row that can be applied would end everyone's coverage: the file is refused."
X12_INVALID = "The 834 file is invalid (pyx12): {errors}"
READ_SHARE = 50.0  # percent of the progress bar for reading and staging the file


def run_load(*, load: EligibilityLoad, path: str, progress: Progress) -> None:
    """Apply the file to members and spans and fill in the load's counts (not saved)."""
    sql = Sql()
    try:
        sql.tune()
        sql.lock_loads()
        started = time.perf_counter()
        rejections, rows_read, staged = _read_and_stage(sql, load, path, progress)
        if load.mode == LoadMode.FULL and not staged:
            raise FileRefused(EMPTY_FULL_FILE)
        load.parse_seconds = round(time.perf_counter() - started, 3)
        _merge(sql, load, rejections, progress)
        _record(load, rejections, rows_read)
        if sql.postgres:  # run the deferred foreign-key checks now, inside the timings
            sql.timed("deferred constraint checks", "SET CONSTRAINTS ALL IMMEDIATE")
        sql.drop_temp()
        load.merge_seconds = round(time.perf_counter() - started - load.parse_seconds, 3)
        load.step_seconds = {**load.step_seconds, **sql.timings}
    finally:
        sql.close()


def _merge(
    sql: Sql, load: EligibilityLoad, rejections: list[Rejection], progress: Progress
) -> None:
    started = time.perf_counter()
    rebuild = _initial_load_mode(sql)
    stamp = Stamp(when=timezone.now(), user_id=load.created_by_id, load_id=load.pk)
    members = load_members(sql, stamp, rejections, x12=load.format == LoadFormat.X12_834)
    load.members_added, load.members_changed = members.added, members.changed
    members_seconds = time.perf_counter() - started
    progress(READ_SHARE + 15, "Members matched; reconciling spans")
    _failpoint("members_written")
    spans = load_spans(sql, stamp, as_of=load.as_of if load.mode == LoadMode.FULL else None)
    extra = apply_terminations_and_reinstatements(sql, stamp)
    spans_seconds = time.perf_counter() - started - members_seconds
    if rebuild:
        progress(90, "Building indexes")
        _rebuild(sql, rebuild)
    rejections += [
        Rejection(p, RejectionCode.NOTHING_TO_CHANGE, NOTHING_TO_CHANGE, applied=True)
        for p in extra.unmatched_positions
    ]
    load.spans_added, load.spans_removed = spans.added, spans.removed
    load.spans_changed = spans.changed + extra.changed
    load.spans_terminated = spans.terminated + extra.terminated
    load.step_seconds = {
        "read_and_stage": load.parse_seconds or 0.0,
        "members": round(members_seconds, 3),
        "spans": round(spans_seconds, 3),
    }
    progress(95, "Spans written; recording rejections")


BULK_TABLES = (Member, EligibilitySpan, Member.history.model, EligibilitySpan.history.model)


def _initial_load_mode(sql: Sql) -> list[str]:
    """The first load into empty tables builds their indexes after the rows are in (see
    `Sql.defer_indexes`). Tables that hold rows are loaded with their indexes in place."""
    rebuild: list[str] = []
    for model in BULK_TABLES:
        table = model._meta.db_table
        if sql.is_empty(table):
            rebuild += sql.defer_indexes(table)
    return rebuild


def _rebuild(sql: Sql, statements: list[str]) -> None:
    started = time.perf_counter()
    for statement in statements:
        sql.run(statement)
    for model in BULK_TABLES:
        sql.run(f"ANALYZE {sql.q(model._meta.db_table)}")
    sql.timings["rebuild indexes"] = round(time.perf_counter() - started, 3)


def _read_and_stage(
    sql: Sql, load: EligibilityLoad, path: str, progress: Progress
) -> tuple[list[Rejection], int, int]:
    """(rejections, rows read, rows staged). Sets the load's mode and date from an 834's header
    when the load did not give them."""
    programs = dict(Program.objects.values_list("code", "id"))
    towns = dict(Town.objects.values_list("name", "id"))
    size = os.path.getsize(path)
    if load.format == LoadFormat.X12_834:
        return _read_834(sql, load, path, programs, progress)
    reading = CsvReading()

    def read_progress(position: int) -> None:
        progress(READ_SHARE * position / max(size, 1), "Reading the file")

    with open(path, "rb") as stream:
        staged = stage_rows(
            sql,
            read_csv(
                stream, programs=programs, towns=towns, reading=reading, progress=read_progress
            ),
        )
    load.mode = load.mode or LoadMode.DELTA
    load.as_of = load.as_of or default_as_of()
    progress(READ_SHARE, "File read and staged")
    return reading.rejections, reading.rows_read, staged


def _read_834(
    sql: Sql, load: EligibilityLoad, path: str, programs: dict[str, int], progress: Progress
) -> tuple[list[Rejection], int, int]:
    from members.loading.from_834 import mode_and_date, read_834, validation_warnings

    warnings: list[Rejection] = []
    if load.validate_x12:
        progress(2, "Validating with pyx12")
        started = time.perf_counter()
        envelope, warnings = validation_warnings(path)
        sql.timings["pyx12 validation"] = round(time.perf_counter() - started, 3)
        if envelope:
            raise FileRefused(X12_INVALID.format(errors="; ".join(envelope[:5])))
    progress(10, "Reading the 834")
    with open(path, "rb") as stream:
        reading = read_834(stream, programs=programs)
        staged = stage_rows(sql, reading.rows)
    if reading.header is not None:
        mode, file_date = mode_and_date(reading.header)
        load.mode, load.as_of = load.mode or mode, load.as_of or file_date
    load.mode = load.mode or LoadMode.DELTA
    load.as_of = load.as_of or default_as_of()
    progress(READ_SHARE, "File read and staged")
    return [*warnings, *reading.rejections], reading.rows_read, staged


def _record(load: EligibilityLoad, rejections: list[Rejection], rows_read: int) -> None:
    rejections.sort(key=lambda r: r.position)
    EligibilityRejection.objects.bulk_create(
        (
            EligibilityRejection(
                load=load,
                position=r.position,
                code=r.code,
                message=r.message[:300],
                medicaid_id=r.medicaid_id[:20],
                raw=r.raw,
                applied=r.applied,
            )
            for r in rejections
        ),
        batch_size=2000,
    )
    load.rows_read = rows_read
    load.rows_rejected = len({r.position for r in rejections if not r.applied})


def default_as_of() -> dt.date:
    """A file that does not say its date speaks for today in New York."""
    return timezone.localdate()


def _failpoint(name: str) -> None:
    """Test hook: with ASO_ELIGIBILITY_FAILPOINT=<name>, stop here (transaction open) until killed.

    The crash test runs a load in a subprocess and kills it at this point to prove that nothing of a
    half-done load survives.
    """
    if os.environ.get("ASO_ELIGIBILITY_FAILPOINT") != name:
        return
    sys.stderr.write(f"failpoint {name} reached\n")
    sys.stderr.flush()
    while True:
        time.sleep(1)
