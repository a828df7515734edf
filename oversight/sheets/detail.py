"""The member-level detail sheet: authorizations, streamed, with the 42 CFR Part 2 test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from authorizations.choices import RequestStatus
from authorizations.models import Authorization
from oversight.selectors import (
    DISCLOSABLE,
    WITHHELD,
    ExportContext,
    in_scope,
    part2_split,
)
from oversight.sheets.base import (
    DETAIL_CHUNK,
    Listing,
    Sheet,
)

DETAIL_HEADERS = (
    "Medicaid id",
    "Authorization",
    "Request",
    "Level of care",
    "Substance use (Part 2)",
    "Provider",
    "Provider NPI",
    "Site",
    "Start",
    "End",
    "Units",
    "Unit",
    "Decision",
    "Authorization status",
)
DETAIL_FIELDS = (
    "member_id",
    "member__medicaid_id",
    "number",
    "request__number",
    "level_of_care__code",
    "level_of_care__substance_use",
    "site__provider__name",
    "site__provider__npi",
    "site__site_number",
    "start",
    "end",
    "units",
    "unit_type",
    "request__status",
    "status",
)


def detail_queryset(ctx: ExportContext) -> Any:
    """Authorizations overlapping the period for the agency's population, with the Part 2 test."""
    qs = Authorization.objects.filter(start__lte=ctx.period.end, end__gte=ctx.period.start).filter(
        in_scope(scope=ctx.scope, on=ctx.period.end, member="member__")
    )
    return part2_split(qs, recipient=ctx.agency, at=ctx.at)


def withheld_count(ctx: ExportContext) -> int:
    """Substance-use authorizations left out of the detail rows: no consent covers this agency."""
    return int(detail_queryset(ctx).filter(WITHHELD).count())


def authorization_detail(ctx: ExportContext) -> Sheet:
    """One row per authorization overlapping the period. Substance-use rows only with consent."""
    statuses = dict(RequestStatus.choices)
    listing = Listing(
        DETAIL_HEADERS, iter(()), formats={8: "yyyy-mm-dd", 9: "yyyy-mm-dd", 10: "#,##0"}
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        values = detail_queryset(ctx).filter(DISCLOSABLE).order_by("pk").values_list(*DETAIL_FIELDS)
        for member_id, *row in values.iterator(chunk_size=DETAIL_CHUNK):
            listing.member_ids.add(member_id)
            if row[4]:
                listing.disclosed_sud_members.add(member_id)
            row[4] = "yes" if row[4] else "no"
            row[12] = str(statuses.get(row[12], row[12]))
            yield tuple(row)

    listing.rows = rows()
    return listing
