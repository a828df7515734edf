"""The few things PostgreSQL and SQLite write differently, for the set-based merge of a load.

Dates inside the merge are day numbers (days since 1970-01-01, `OPEN_END` for "no end"): plain integer
arithmetic on both databases. Converting to and from the real date columns is the dialect's job.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django.db import connection

from members.loading.rows import OPEN_END


class Sql:
    """Runs the merge statements on the current connection, in the caller's transaction."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.cursor = connection.cursor()
        self._temp: list[str] = []
        self.timings: dict[str, float] = {}

    # --- conversions -----------------------------------------------------------------------------
    def date(self, day: str) -> str:
        """SQL for the date of a day-number expression."""
        if self.postgres:
            return f"(DATE '1970-01-01' + ({day})::integer)"
        return f"date(({day}) * 86400, 'unixepoch')"

    def end_date(self, day: str) -> str:
        """SQL for the end date of a day-number expression: NULL when open-ended."""
        return f"CASE WHEN ({day}) >= {OPEN_END} THEN NULL ELSE {self.date(day)} END"

    def day(self, column: str) -> str:
        """SQL for the day number of a date column."""
        if self.postgres:
            return f"({column} - DATE '1970-01-01')"
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"

    def end_day(self, column: str) -> str:
        return f"COALESCE({self.day(column)}, {OPEN_END})"

    @staticmethod
    def q(name: str) -> str:
        return connection.ops.quote_name(name)

    # --- statements -----------------------------------------------------------------------------
    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        self.cursor.execute(sql, list(params))
        return max(self.cursor.rowcount, 0)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.cursor.execute(sql, list(params))
        row = self.cursor.fetchone()
        return row[0] if row else None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.cursor.execute(sql, list(params))
        return list(self.cursor.fetchall())

    def temp_table(self, name: str, select: str, params: Sequence[Any] = ()) -> int:
        """Create a temporary table from a query; it disappears when the load ends."""
        started = time.perf_counter()
        try:
            return self._temp_table(name, select, params)
        finally:
            self.timings[name] = round(time.perf_counter() - started, 3)

    def timed(self, label: str, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a write and remember how long it took (the load records its step timings)."""
        started = time.perf_counter()
        try:
            return self.run(sql, params)
        finally:
            self.timings[label] = round(time.perf_counter() - started, 3)

    def _temp_table(self, name: str, select: str, params: Sequence[Any]) -> int:
        self.run(f"DROP TABLE IF EXISTS {name}")
        suffix = " ON COMMIT DROP" if self.postgres else ""
        self.run(f"CREATE TEMPORARY TABLE {name}{suffix} AS {select}", params)
        if name not in self._temp:
            self._temp.append(name)
        return self.analyze(name)

    def analyze(self, name: str) -> int:
        """Statistics for a temporary table (autovacuum never analyzes them) and its row count."""
        if self.postgres:
            self.run(f"ANALYZE {name}")
        return int(self.scalar(f"SELECT count(*) FROM {name}"))

    def index(self, table: str, columns: str) -> None:
        name = f"{table}_{columns.replace(', ', '_').replace(',', '_')}_idx"
        self.run(f"CREATE INDEX {name} ON {table} ({columns})")

    def tune(self) -> None:
        """Memory for sorts, hashes, index builds and the load's temporary tables (a few million
        rows), for this transaction only. This is the database server's memory, not the loader's."""
        if self.postgres:
            self.run("SET LOCAL work_mem = '256MB'")
            self.run("SET LOCAL maintenance_work_mem = '512MB'")
            self.run("SET LOCAL temp_buffers = '1GB'")
        else:  # a larger page cache; temporary tables are in memory on every SQLite connection
            # (settings: temp_store cannot be changed inside the load's transaction)
            self.run("PRAGMA cache_size = -262144")

    def lock_loads(self) -> None:
        """One eligibility load at a time: a second waits for the first to commit or roll back."""
        if self.postgres:
            self.run("SELECT pg_advisory_xact_lock(834270001)")

    def next_id(self, table: str) -> str:
        """SQL for a fresh primary key of `table`, one per row of a query that has a
        `row_number() OVER (...) AS rn` column. Use it to fill a temporary table, then insert from it."""
        if self.postgres:
            return f"nextval(pg_get_serial_sequence('{table}', 'id'))"
        return f"((SELECT COALESCE(MAX(id), 0) FROM {self.q(table)}) + rn)"

    def is_empty(self, table: str) -> bool:
        return self.scalar(f"SELECT COUNT(*) FROM (SELECT 1 FROM {self.q(table)} LIMIT 1) t") == 0

    def defer_indexes(self, table: str) -> list[str]:
        """Drop the secondary indexes (and unique constraints) of an *empty* table that is about to
        receive a bulk load; returns the statements that rebuild them. Building an index once over a
        million sorted rows is several times cheaper than a million random index insertions. DDL is
        transactional: a load that fails restores them with everything else."""
        rebuild: list[str] = []
        if self.postgres:
            for name, definition in self.rows(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'u'",
                [table],
            ):
                self.run(f"ALTER TABLE {self.q(table)} DROP CONSTRAINT {self.q(name)}")
                rebuild.append(
                    f"ALTER TABLE {self.q(table)} ADD CONSTRAINT {self.q(name)} {definition}"
                )
            indexes = self.rows(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i"
                " ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
                [table],
            )
        else:
            indexes = self.rows(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
                " AND sql IS NOT NULL",
                [table],
            )
        for name, definition in indexes:
            self.run(f"DROP INDEX {self.q(name)}")
            rebuild.append(definition)
        return rebuild

    def drop_temp(self) -> None:
        for name in reversed(self._temp):
            self.run(f"DROP TABLE IF EXISTS {name}")
        self._temp.clear()

    def close(self) -> None:
        self.cursor.close()
