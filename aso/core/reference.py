"""Reference data as reviewed files: the generic, idempotent loader.

Each app declares, in its `reference.py`, a tuple `SPECS` of `ReferenceSpec`: which YAML file under
`fixtures/` feeds which model, by which natural key, and which fields point at other reference rows.
A file holds `rows:` (a list of mappings) beside free-text `description:` and `source:` keys.

Loading is one transaction over every file: a bad value anywhere (unknown code, bad date, a row that fails
the model's validation, overlapping effective dates) raises `ReferenceDataError` naming the file, line and
reason, and nothing changes. A row equal to the database is not written; an edited row is saved through
the ORM so its history shows the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction

RowCheck = Callable[[Sequence[Mapping[str, Any]]], list[tuple[int, str]]]


class ReferenceDataError(ValueError):
    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file, self.line, self.reason = file, line, reason
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class ReferenceSpec:
    file: str  # relative to the fixtures directory
    model: str  # "app_label.ModelName"
    key: tuple[str, ...]  # natural key fields (after foreign keys are resolved)
    foreign_keys: Mapping[str, tuple[str, str]] = field(
        default_factory=dict
    )  # field -> (model, lookup)
    check_rows: RowCheck | None = None  # cross-row rules; returns (row index, message) pairs


@dataclass
class FileReport:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[str] = field(default_factory=list)


class _PlainLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates are parsed per model field, so a bad one gets a clear message."""


_PlainLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Row:
    def __init__(self, values: dict[str, Any], line: int) -> None:
        self.values, self.line = values, line


def _read_rows(path: Path, name: str) -> list[_Row]:
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=_PlainLoader)
        data = yaml.load(text, Loader=_PlainLoader)
    except FileNotFoundError as exc:
        raise ReferenceDataError(name, None, "file not found") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(
            name,
            getattr(getattr(exc, "problem_mark", None), "line", None),
            f"not valid YAML: {exc}",
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise ReferenceDataError(name, None, "expected a mapping with a 'rows:' list")
    assert root is not None  # data parsed, so the document has a root node
    row_nodes = next(v for k, v in root.value if k.value == "rows").value
    rows = []
    for node, values in zip(row_nodes, data["rows"], strict=True):
        line = node.start_mark.line + 1
        if not isinstance(values, dict):
            raise ReferenceDataError(name, line, "each row must be a mapping of field: value")
        rows.append(_Row(values, line))
    return rows


def _coerce_dates(spec: ReferenceSpec, model: type[models.Model], rows: list[_Row]) -> None:
    date_fields = {
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
    }
    for row in rows:
        for name in date_fields & row.values.keys():
            value = row.values[name]
            if value is None or isinstance(value, dt.date):
                continue
            try:
                row.values[name] = dt.date.fromisoformat(str(value))
            except ValueError as exc:
                raise ReferenceDataError(
                    spec.file, row.line, f"{name} must be a date (YYYY-MM-DD), got {value!r}"
                ) from exc


def _resolve(
    spec: ReferenceSpec, model: type[models.Model], row: _Row, cache: dict
) -> dict[str, Any]:
    field_names = {f.name for f in model._meta.concrete_fields}
    resolved: dict[str, Any] = {}
    for name, value in row.values.items():
        if name not in field_names:
            raise ReferenceDataError(
                spec.file, row.line, f"unknown field {name!r} for {spec.model}"
            )
        if name in spec.foreign_keys and value is not None:
            target, lookup = spec.foreign_keys[name]
            key = (target, lookup, value)
            if key not in cache:
                target_model = apps.get_model(target)
                try:
                    cache[key] = target_model._default_manager.get(**{lookup: value})
                except target_model.DoesNotExist as exc:
                    label = target_model._meta.verbose_name
                    raise ReferenceDataError(
                        spec.file, row.line, f"unknown {label} {value!r}"
                    ) from exc
            value = cache[key]
        elif isinstance(value, dt.datetime):
            raise ReferenceDataError(
                spec.file, row.line, f"{name}: give a date, not a date and time"
            )
        resolved[name] = value
    missing = [k for k in spec.key if k not in resolved]
    if missing:
        raise ReferenceDataError(spec.file, row.line, f"missing key field(s): {', '.join(missing)}")
    return resolved


def _differs(obj: models.Model, values: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        current = getattr(obj, name)
        if isinstance(current, models.Model) or isinstance(value, models.Model):
            if getattr(current, "pk", None) != getattr(value, "pk", None):
                changed.append(name)
        elif current != value:
            changed.append(name)
    return changed


def _load_file(spec: ReferenceSpec, fixtures_dir: Path, cache: dict) -> FileReport:
    model = apps.get_model(spec.model)
    rows = _read_rows(fixtures_dir / spec.file, spec.file)
    _coerce_dates(spec, model, rows)
    if spec.check_rows is not None:
        problems = spec.check_rows([r.values for r in rows])
        if problems:
            index, message = problems[0]
            raise ReferenceDataError(spec.file, rows[index].line, message)
    report, seen = FileReport(spec.file), set()
    for row in rows:
        values = _resolve(spec, model, row, cache)
        key = {k: values[k] for k in spec.key}
        key_repr = tuple(getattr(v, "pk", v) for v in key.values())
        if key_repr in seen:
            raise ReferenceDataError(spec.file, row.line, f"duplicate row for key {key_repr}")
        seen.add(key_repr)
        obj = model._default_manager.filter(**key).first()
        changed = [] if obj is None else _differs(obj, values)
        if obj is not None and not changed:
            report.unchanged += 1
            continue
        obj = obj or model()
        for name, value in values.items():
            setattr(obj, name, value)
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise ReferenceDataError(spec.file, row.line, "; ".join(_messages(exc))) from exc
        created = obj.pk is None
        obj.save()
        if created:
            report.created += 1
        else:
            report.updated += 1
            report.changes.append(f"{key_repr}: {', '.join(changed)}")
    return report


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
    return list(exc.messages)


class _DryRun(Exception):
    pass


def reference_data_load(
    *, specs: Sequence[ReferenceSpec], fixtures_dir: Path, dry_run: bool = False
) -> list[FileReport]:
    """Load every spec's file in order, in one transaction. With dry_run, report and roll back."""
    reports: list[FileReport] = []
    try:
        with transaction.atomic():
            cache: dict = {}
            for spec in specs:
                reports.append(_load_file(spec, fixtures_dir, cache))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return reports


def no_overlapping_periods(
    *group_by: str, start: str = "effective_from", end: str = "effective_to"
) -> RowCheck:
    """A row check: rows of the same group may not have overlapping [start, end] date ranges."""

    def check(rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
        problems: list[tuple[int, str]] = []
        spans: dict[tuple, list[tuple[dt.date, dt.date, int]]] = {}
        for index, row in enumerate(rows):
            begin, finish = row.get(start), row.get(end)
            if not isinstance(begin, dt.date):
                problems.append((index, f"{start} must be a date (YYYY-MM-DD), got {begin!r}"))
                continue
            if finish is not None and not isinstance(finish, dt.date):
                problems.append(
                    (index, f"{end} must be a date (YYYY-MM-DD) or empty, got {finish!r}")
                )
                continue
            if finish is not None and finish < begin:
                problems.append((index, f"{end} {finish} is before {start} {begin}"))
                continue
            group = tuple(row.get(g) for g in group_by)
            for other_begin, other_end, other_index in spans.get(group, []):
                if begin <= other_end and other_begin <= (finish or dt.date.max):
                    label = "/".join(str(g) for g in group)
                    problems.append(
                        (index, f"effective dates overlap row {other_index + 1} for {label}")
                    )
            spans.setdefault(group, []).append((begin, finish or dt.date.max, index))
        return problems

    return check
