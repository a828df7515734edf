"""The fast write path for large batches: PostgreSQL COPY, or batched inserts elsewhere.

Bulk writes bypass model `save()` and therefore simple-history: callers that need provenance record it on
the rows themselves (a load id) or write history rows explicitly. Use for seeding and file loads only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

BATCH = 5000


_NATIVE = frozenset((bool, int, float, str, dt.date, dt.datetime, type(None)))


def _copy_value(value: Any) -> Any:
    if type(value) in _NATIVE:  # the common case, checked first: this runs once per value
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.date | dt.datetime | int | float | str):
        return value
    return str(value)


def bulk_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert rows (tuples in `fields` order) into the model's table; returns how many were written.

    `fields` are model field names; foreign keys are given as ids under their field name (`member` ->
    member id). JSON fields must be given as JSON text. A non-null field left out gets its model
    default (`auto_now` fields: now), so a field another capability adds later does not break a
    bulk writer that does not know it.
    """
    filled, defaults = _defaults(model, fields)
    fields = [*fields, *filled]
    if filled:
        rows = ((*row, *defaults) for row in rows)
    columns = [cast(str, cast(models.Field, model._meta.get_field(name)).column) for name in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([_copy_value(v) for v in row])
                written += 1
        return written
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})"
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(iterator, BATCH)):
            cursor.executemany(sql, [[_db_value(v) for v in row] for row in batch])
            written += len(batch)
    return written


def _defaults(model: type[models.Model], fields: Sequence[str]) -> tuple[list[str], list[Any]]:
    """The non-null fields missing from `fields` that have a default (text fields: ""), and those
    defaults."""
    given = set(fields)
    names: list[str] = []
    values: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.name in given or field.attname in given or field.primary_key or field.null:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = timezone.now()
        elif field.has_default() or field.empty_strings_allowed:
            value = field.get_default()  # text without a default: "" as the ORM writes it
        else:
            continue
        if isinstance(field, models.JSONField):
            value = json.dumps(value)
        names.append(field.name)
        values.append(value)
    return names, values


def _db_value(value: Any) -> Any:
    """Aware datetimes as the backend stores them (SQLite: UTC text without an offset, as the ORM
    writes them, so comparisons and ordering agree with rows saved through the ORM)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return connection.ops.adapt_datetimefield_value(value)
    return value


def reset_sequence(model: type[models.Model]) -> None:
    """After inserting explicit ids, move the id sequence past them (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)
