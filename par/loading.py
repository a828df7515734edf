"""Database side of a claims load: the lookups the row checks need, keys already loaded, bulk writes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path

import pandas as pd
from django.db import connection, models

from aso.core.bulk import bulk_insert
from par.claims_file import LINE_FIELDS, CheckedChunk, Lookups
from par.frames import read_values

KEY_BATCH = 5000


def file_sha256(path: Path) -> str:
    """The file's sha256, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def claims_lookups() -> Lookups:
    """Medicaid id -> member, NPI -> provider, provider|site number -> site, and the code table."""
    from members.models import Member
    from par.models import ClaimCode
    from providers.models import Provider, Site

    members = read_values(
        Member.objects.order_by().values_list("medicaid_id", "pk"), {"key": "text", "pk": "id"}
    )
    providers = read_values(
        Provider.objects.order_by().values_list("npi", "pk"), {"key": "text", "pk": "id"}
    )
    sites = read_values(
        Site.objects.order_by().values_list("provider_id", "site_number", "pk"),
        {"provider": "id", "number": "text", "pk": "id"},
    )
    codes = read_values(
        ClaimCode.objects.order_by("pk").values_list(
            "code_system", "code", "level_of_care", "effective_from", "effective_to"
        ),
        {
            "code_system": "text",
            "code": "text",
            "level_of_care": "text",
            "effective_from": "date",
            "effective_to": "date",
        },
    )
    site_keys = sites["provider"].astype(str) + "|" + sites["number"]
    return Lookups(
        member_ids=pd.Series(members["pk"].to_numpy(), index=pd.Index(members["key"])),
        provider_ids=pd.Series(providers["pk"].to_numpy(), index=pd.Index(providers["key"])),
        site_ids=pd.Series(sites["pk"].to_numpy(), index=pd.Index(site_keys)),
        codes=codes,
    )


def loaded_keys(claim_ids: Iterable[str]) -> set[str]:
    """ "claim_id|line" of the lines already in the database for these claim ids."""
    from par.models import ClaimLine

    ids = sorted(set(claim_ids))
    keys: set[str] = set()
    for start in range(0, len(ids), KEY_BATCH):
        batch = ids[start : start + KEY_BATCH]
        rows = ClaimLine.objects.filter(claim_id__in=batch).values_list("claim_id", "line")
        keys.update(f"{claim}|{line}" for claim, line in rows)
    return keys


def write_chunk(load_id: int, checked: CheckedChunk) -> None:
    """Bulk-insert the chunk's good lines and its rejections (COPY on PostgreSQL)."""
    from par.models import ClaimLine, ClaimRejection

    lines = checked.lines
    if len(lines):
        columns = [lines[name].tolist() for name in LINE_FIELDS]
        bulk_insert(ClaimLine, ("load", *LINE_FIELDS), zip(repeat(load_id), *columns, strict=False))
    rejected = checked.rejected
    if len(rejected):
        bulk_insert(
            ClaimRejection,
            ("load", "line_number", "reason", "message", "raw"),
            zip(
                repeat(load_id),
                rejected["line_number"].tolist(),
                rejected["reason"].tolist(),
                rejected["message"].tolist(),
                rejected["raw"].tolist(),
                strict=False,
            ),
        )


@contextmanager
def indexes_deferred(model: type[models.Model]) -> Iterator[None]:
    """Filling an empty table on PostgreSQL: drop the model's declared indexes and unique
    constraints first and build them once at the end, which is several times cheaper than keeping
    them up to date row by row. Inside the caller's transaction, so a failure restores them."""
    if connection.vendor != "postgresql" or model._default_manager.exists():
        yield
        return
    indexes = list(model._meta.indexes)
    uniques = [c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    with connection.schema_editor(atomic=False) as editor:
        for index in indexes:
            editor.remove_index(model, index)
        for constraint in uniques:
            editor.remove_constraint(model, constraint)
    yield
    with connection.cursor() as cursor:  # run the pending deferred foreign-key checks first
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor(atomic=False) as editor:
        for index in indexes:
            editor.add_index(model, index)
        for constraint in uniques:
            editor.add_constraint(model, constraint)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred
