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
from typing import BinaryIO

from django.utils import timezone

from members.choices import LoadFormat, LoadMode, RejectionCode
from members.loading.csv_layout import CsvReading, read_csv
from members.loading.history import Stamp
from members.loading.members_step import load_members
from members.loading.rows import Rejection
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
READ_SHARE = 50.0  # percent of the progress bar for reading and staging the file


def run_load(*, load: EligibilityLoad, stream: BinaryIO, size: int, progress: Progress) -> None:
    """Apply the file to members and spans and fill in the load's counts (not saved)."""
    sql = Sql()
    try:
        sql.tune()
        sql.lock_loads()
        started = time.perf_counter()
        rejections, rows_read = _read_and_stage(sql, load, stream, size, progress)
        load.parse_seconds = round(time.perf_counter() - started, 3)
        merge_started = time.perf_counter()
        rebuild = _initial_load_mode(sql)
        stamp = Stamp(when=timezone.now(), user_id=load.created_by_id, load_id=load.pk)
        members = load_members(sql, stamp, rejections)
        load.members_added, load.members_changed = members.added, members.changed
        steps = {"read_and_stage": load.parse_seconds}
        steps["members"] = round(time.perf_counter() - merge_started, 3)
        progress(READ_SHARE + 15, "Members matched; reconciling spans")
        _failpoint("members_written")
        as_of = load.as_of if load.mode == LoadMode.FULL else None
        spans = load_spans(sql, stamp, as_of=as_of)
        extra = apply_terminations_and_reinstatements(sql, stamp)
        steps["spans"] = round(time.perf_counter() - merge_started - steps["members"], 3)
        if rebuild:
            progress(90, "Building indexes")
            _rebuild(sql, rebuild)
        for position in extra.unmatched_positions:
            rejections.append(
                Rejection(
                    position, RejectionCode.NOTHING_TO_CHANGE, NOTHING_TO_CHANGE, applied=True
                )
            )
        load.spans_added, load.spans_removed = spans.added, spans.removed
        load.spans_changed = spans.changed + extra.changed
        load.spans_terminated = spans.terminated + extra.terminated
        progress(95, "Spans written; recording rejections")
        _record(load, rejections, rows_read)
        if sql.postgres:  # run the deferred foreign-key checks now, inside the timings
            sql.timed("deferred constraint checks", "SET CONSTRAINTS ALL IMMEDIATE")
        sql.drop_temp()
        load.merge_seconds = round(time.perf_counter() - merge_started, 3)
        load.step_seconds = {**steps, **sql.timings}
    finally:
        sql.close()


BULK_TABLES = (Member, EligibilitySpan, Member.history.model, EligibilitySpan.history.model)  # type: ignore[attr-defined]


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
    sql: Sql, load: EligibilityLoad, stream: BinaryIO, size: int, progress: Progress
) -> tuple[list[Rejection], int]:
    programs = dict(Program.objects.values_list("code", "id"))
    towns = dict(Town.objects.values_list("name", "id"))

    def read_progress(position: int) -> None:
        progress(READ_SHARE * position / max(size, 1), "Reading the file")

    if load.format == LoadFormat.X12_834:
        from members.loading.from_834 import read_834

        staged_834 = read_834(stream, programs=programs, towns=towns, load=load)
        stage_rows(sql, staged_834.rows)
        progress(READ_SHARE, "File read and staged")
        return staged_834.rejections, staged_834.rows_read
    reading = CsvReading()
    stage_rows(
        sql,
        read_csv(stream, programs=programs, towns=towns, reading=reading, progress=read_progress),
    )
    progress(READ_SHARE, "File read and staged")
    return reading.rejections, reading.rows_read


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
