"""The staging table: every staged row of a file, written as fast as the database takes rows.

PostgreSQL: COPY into an unlogged temporary table while the file is still being read (the server ingests
while Python parses). SQLite: batched executemany.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from members.loading.rows import STAGE_COLUMNS, StagedRow
from members.loading.sql import Sql

STAGE = "elig_stage"
BATCH = 10_000

_TYPES = {
    "position": "integer",
    "medicaid_id": "varchar(20)",
    "last_name": "varchar(60)",
    "first_name": "varchar(60)",
    "middle_name": "varchar(60)",
    "birth_day": "integer",
    "sex": "varchar(1)",
    "language": "varchar(8)",
    "town_id": "bigint",
    "dcf_involved": "boolean",
    "program_id": "bigint",
    "start_day": "integer",
    "end_day": "integer",
    "action": "varchar(1)",
    "first_row": "boolean",
}


def stage_rows(sql: Sql, rows: Iterable[StagedRow]) -> int:
    """Create the staging table and fill it; returns how many rows were staged."""
    columns = ", ".join(f"{name} {_TYPES[name]}" for name in STAGE_COLUMNS)
    sql.run(f"DROP TABLE IF EXISTS {STAGE}")
    suffix = " ON COMMIT DROP" if sql.postgres else ""
    sql.run(f"CREATE TEMPORARY TABLE {STAGE} ({columns}){suffix}")
    sql._temp.append(STAGE)
    written = 0
    if sql.postgres:
        names = ", ".join(STAGE_COLUMNS)
        with sql.cursor.cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    else:
        placeholders = ", ".join(["%s"] * len(STAGE_COLUMNS))
        insert = f"INSERT INTO {STAGE} VALUES ({placeholders})"
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH)):
            sql.cursor.executemany(insert, batch)
            written += len(batch)
    sql.analyze(STAGE)
    return written
