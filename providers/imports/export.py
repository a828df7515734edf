"""The provider file as it stands, written in the import layout: one row per offering.

Importing this output into the same database changes nothing; tests and benchmarks build their files
from it, and network operations can compare it with the state's extract.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

from providers.imports.layout import COLUMN_NAMES
from providers.models import ServiceOffering


def _day(value: object) -> str:
    return value.isoformat() if value is not None else ""  # type: ignore[attr-defined]


def provider_file_rows(*, current_only: bool = True) -> Iterator[list[str]]:
    """Rows in `COLUMN_NAMES` order; with `current_only`, the latest offering per site and level."""
    offerings = ServiceOffering.objects.select_related(
        "site__provider", "site__town", "level_of_care"
    ).order_by(
        "site__provider__medicaid_id", "site__site_number", "level_of_care__code", "-effective_from"
    )
    seen: set[tuple[int, int]] = set()
    for o in offerings.iterator(chunk_size=2000):
        if current_only:
            if (o.site_id, o.level_of_care_id) in seen:
                continue
            seen.add((o.site_id, o.level_of_care_id))
        site, provider = o.site, o.site.provider
        yield [
            provider.medicaid_id,
            provider.npi,
            provider.tax_id,
            provider.name,
            provider.kind,
            provider.taxonomy,
            provider.status,
            "Y" if provider.dcf_certified else "N",
            _day(provider.effective_date),
            _day(provider.termination_date),
            site.site_number,
            site.name,
            site.street,
            site.town.name,
            site.zip_code,
            site.phone,
            o.level_of_care.code,
            str(o.min_age),
            str(o.max_age),
            _day(o.effective_from),
            _day(o.effective_to),
        ]


def provider_file_write(target: IO[str], *, current_only: bool = True) -> int:
    """Write the provider file as CSV; returns the number of data rows."""
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(COLUMN_NAMES)
    count = 0
    for count, row in enumerate(provider_file_rows(current_only=current_only), start=1):
        writer.writerow(row)
    return count
