"""The community resource directory: spreadsheet import (through a job) and its row checks.

A sheet's first row names the columns: name, type, towns, min_age, max_age, languages, needs,
phone, email, website. ``towns`` is a list separated by ``;`` (or ``statewide``); ``languages``
and ``needs`` likewise. A row is matched to an existing resource by name and type and updated,
otherwise created. Any bad row fails the whole import (nothing written) and is reported by its
sheet row number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from openpyxl import load_workbook

from care.models import CommunityResource
from providers.models import Town

JOB_KIND = "vcm_resources_import"
MANAGE = "care.manage_vcm_resources"
COLUMNS = (
    "name",
    "type",
    "towns",
    "min_age",
    "max_age",
    "languages",
    "needs",
    "phone",
    "email",
    "website",
)
REQUIRED = ("name", "type")
STATEWIDE = "statewide"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _split(value: Any) -> list[str]:
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


def sheet_rows(path: str | Path) -> list[dict[str, Any]]:
    """The sheet's rows as mappings keyed by the (lower-cased) header; blank rows skipped."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows, ())]
        found = []
        for values in rows:
            if any(v not in (None, "") for v in values):
                found.append(dict(zip(header, values, strict=False)))
        return found
    finally:
        book.close()


def _age(value: Any, default: int) -> int:
    if value in (None, ""):
        return default
    age = int(value)
    if not 0 <= age <= 25:
        raise ValueError
    return age


def _check_row(
    row: Mapping[str, Any], towns: Mapping[str, int]
) -> tuple[dict[str, Any], list[str]]:
    problems = [f"{col} is empty" for col in REQUIRED if not str(row.get(col) or "").strip()]
    try:
        min_age, max_age = _age(row.get("min_age"), 0), _age(row.get("max_age"), 21)
        if max_age < min_age:
            problems.append("max_age is below min_age")
    except (TypeError, ValueError):
        min_age, max_age = 0, 21
        problems.append("ages must be whole numbers from 0 to 25")
    names = _split(row.get("towns"))
    town_ids = list(towns.values()) if [n.lower() for n in names] == [STATEWIDE] else []
    if not town_ids:
        unknown = [n for n in names if n.lower() not in towns]
        problems += [f"unknown town {n!r}" for n in unknown]
        town_ids = [towns[n.lower()] for n in names if n.lower() in towns]
    email, website = str(row.get("email") or "").strip(), str(row.get("website") or "").strip()
    for value, validator, label in (
        (email, EmailValidator(), "email"),
        (website, URLValidator(), "website"),
    ):
        try:
            if value:
                validator(value)
        except ValidationError:
            problems.append(f"{label} is not valid")
    clean = {
        "name": str(row.get("name") or "").strip()[:160],
        "kind": str(row.get("type") or "").strip()[:60],
        "min_age": min_age,
        "max_age": max_age,
        "languages": [lang.lower() for lang in _split(row.get("languages"))],
        "needs": [need.lower() for need in _split(row.get("needs"))],
        "phone": str(row.get("phone") or "").strip()[:20],
        "email": email,
        "website": website,
        "town_ids": town_ids,
    }
    return clean, problems


@transaction.atomic
def community_resources_import(
    *, acting_user: Any, rows: Iterable[Mapping[str, Any]]
) -> ImportResult:
    """Check every row, then write all of them or (any row bad) none."""
    if not acting_user.has_perm(MANAGE):
        raise PermissionDenied
    towns = {name.lower(): pk for pk, name in Town.objects.values_list("pk", "name")}
    result, cleaned = ImportResult(), []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        clean, problems = _check_row(row, towns)
        result.errors += [f"row {number}: {p}" for p in problems]
        cleaned.append(clean)
    if result.errors:
        return result
    for clean in cleaned:
        town_ids = clean.pop("town_ids")
        resource, created = CommunityResource.objects.update_or_create(
            name=clean.pop("name"), kind=clean.pop("kind"), defaults=clean
        )
        resource.towns.set(town_ids)
        result.created += int(created)
        result.updated += int(not created)
    return result
