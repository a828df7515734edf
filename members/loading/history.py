"""History rows for bulk writes: simple-history rows written set-based, tagged with the load.

Bulk SQL bypasses `save()` and therefore simple-history. The loader writes the same rows simple-history
would have written, in the same transaction, with `history_user` = who started the load and
`load` = the load: edits by people and by loads read alike, and `Model.history.as_of(t)` works.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from members.loading.sql import Sql


@dataclass(frozen=True)
class Stamp:
    """Who and what a load's writes are attributed to, and when."""

    when: dt.datetime
    user_id: int | None
    load_id: int

    @property
    def reason(self) -> str:
        return f"eligibility load #{self.load_id}"


def tracked_columns(model: type[models.Model]) -> list[str]:
    """The live-table columns simple-history copies for `model`, in the historical table's order."""
    historical = model.history.model  # type: ignore[attr-defined]
    return [
        f.column
        for f in historical._meta.concrete_fields
        if not f.name.startswith("history_") and f.name != "load"
    ]


def write_history(
    sql: Sql,
    model: type[models.Model],
    kind: str,
    stamp: Stamp,
    *,
    ids_table: str = "",
    source: str = "",
    params: list[object] | None = None,
) -> int:
    """History rows of type `kind` ('+', '~' or '-'), one per row written.

    Either `ids_table` (a temporary table with an `id` column: the rows are copied from the live table
    as they are now) or `source`, a SELECT naming every tracked column (used for inserts: it saves
    reading back a million rows just written).
    """
    historical = model.history.model  # type: ignore[attr-defined]
    columns = [sql.q(c) for c in tracked_columns(model)]
    if not source:
        source = (
            f"SELECT {', '.join('m.' + c for c in columns)} FROM {sql.q(model._meta.db_table)} m"
            f" WHERE m.id IN (SELECT id FROM {ids_table})"
        )
    return sql.timed(
        f"history {model._meta.model_name} {kind}",
        f"INSERT INTO {sql.q(historical._meta.db_table)} ({', '.join(columns)}, history_date,"
        " history_change_reason, history_type, history_user_id, load_id)"
        f" SELECT {', '.join('h.' + c for c in columns)}, %s, %s, %s, %s, %s FROM ({source}) h",
        [stamp.when, stamp.reason, kind, stamp.user_id, stamp.load_id, *(params or [])],
    )
