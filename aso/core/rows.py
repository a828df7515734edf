"""Model instances read by hand-written SQL, for the few hot paths where building an ORM query costs more
CPU than the database spends answering it (the registration API, issue 5).

`model_rows` selects every concrete column of a model with a WHERE clause the caller writes (quoted
column names, %s parameters), converts the values as the ORM would (the backend's and each field's
database converters: dates from SQLite text, JSON, booleans) and builds the instances with
`Model.from_db`, so they are the same objects a queryset would give.

On PostgreSQL these statements run prepared (`hot_cursor`): Django binds parameters on the client and
never prepares, so PostgreSQL plans every statement anew, and planning a statement such as the
registration's facts costs several times its execution. A prepared statement is planned once per
connection (persistent connections keep it). Behind a transaction-pooling PgBouncer older than 1.21,
set DB_PREPARE_HOT_QUERIES=0.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)
PREPARE = os.environ.get("DB_PREPARE_HOT_QUERIES", "1") != "0"
NEVER_AUTOMATICALLY = 2**31


@cache
def _prepared_cursor_class() -> type:
    import psycopg

    class PreparedCursor(psycopg.Cursor):
        """A server-binding cursor that prepares what it runs."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs.setdefault("prepare", True)
            return super().execute(query, params, **kwargs)

    return PreparedCursor


@contextmanager
def hot_cursor() -> Iterator[Any]:
    """A cursor of the default connection for a hot statement: prepared on PostgreSQL (psycopg 3),
    Django's own cursor elsewhere. Either way Django's wrapper runs it, so it is logged and counted
    like any other query."""
    if not (PREPARE and connection.vendor == "postgresql"):
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    database = connection.connection
    if database.prepare_threshold is None:
        # Django turns preparing off (None): allow it for cursors that ask (Django's own client-side
        # binding cursors never prepare), never automatically.
        database.prepare_threshold = NEVER_AUTOMATICALLY
    raw = _prepared_cursor_class()(database)
    cursor = connection._prepare_cursor(raw)  # type: ignore[attr-defined]  # Django's counting wrapper
    try:
        yield cursor
    finally:
        cursor.close()


@cache
def _select(model: type[models.Model], vendor: str) -> tuple[str, tuple[str, ...], tuple[Any, ...]]:
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    converters: list[tuple[tuple[Callable[..., Any], Any], ...]] = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append(tuple((converter, column) for converter in found))
    select = f"SELECT {columns} FROM {quote(model._meta.db_table)}"
    return select, tuple(field.attname for field in fields), tuple(converters)


def model_rows(
    model: type[M], where: str, params: Sequence[Any], *, order_by: str = "", limit: int = 0
) -> list[M]:
    """Instances of `model` matching `where` (SQL with %s parameters), in `order_by` order."""
    select, attnames, converters = _select(model, connection.vendor)
    sql = f"{select} WHERE {where}"
    if order_by:
        sql += f" ORDER BY {order_by}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    with hot_cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = []
        for value, steps in zip(row, converters, strict=True):
            for converter, column in steps:
                value = converter(value, column, connection)
            values.append(value)
        found.append(model.from_db(connection.alias, list(attnames), values))
    return found


@cache
def _insert_sql(model: type[models.Model], vendor: str, count: int) -> tuple[str, tuple[Any, ...]]:
    meta = model._meta
    fields = tuple(
        field
        for field in meta.local_concrete_fields
        if field is not meta.auto_field and not getattr(field, "generated", False)
    )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row] * count)}"
    if meta.auto_field is not None:
        sql += f" RETURNING {quote(str(meta.auto_field.column))}"
    return sql, fields


def insert_rows(instances: Sequence[models.Model]) -> None:
    """INSERT new instances of one model in one prepared statement and give them their primary keys.

    What `save(force_insert=True)` writes (each field's pre-save value, auto_now included, prepared
    for the database as the ORM prepares it), without the ORM's per-save query building and without
    model signals: a caller whose model keeps history writes it itself (aso.core.history). The caller
    validates first (`full_clean`), as it would before `save`."""
    if not instances:
        return
    model = type(instances[0])
    sql, fields = _insert_sql(model, connection.vendor, len(instances))
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection)
        for instance in instances
        for field in fields
    ]
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall() if model._meta.auto_field is not None else []
    for index, instance in enumerate(instances):
        if keys:
            instance.pk = keys[index][0]
        instance._state.adding = False
        instance._state.db = connection.alias
