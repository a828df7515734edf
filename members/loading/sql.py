"""The few things PostgreSQL and SQLite write differently, for the set-based merge of a load.

Dates inside the merge are day numbers (days since 1970-01-01, `OPEN_END` for "no end"): plain integer
arithmetic on both databases. Converting to and from the real date columns is the dialect's job.
"""

from __future__ import annotations

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
        """Memory for sorts and hashes of a few million rows, for this transaction only."""
        if self.postgres:
            self.run("SET LOCAL work_mem = '256MB'")
            self.run("SET LOCAL temp_buffers = '256MB'")
        else:
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

    def drop_temp(self) -> None:
        for name in reversed(self._temp):
            self.run(f"DROP TABLE IF EXISTS {name}")
        self._temp.clear()

    def close(self) -> None:
        self.cursor.close()
