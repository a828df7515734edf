"""Provider files for tests: one valid row by default, overridden per test."""

from __future__ import annotations

import csv
import datetime as dt
import io

from providers.imports.layout import COLUMN_NAMES
from providers.seed import npi_with_check_digit

FILE_DATE = dt.date(2026, 11, 1)


def npi(n: int) -> str:
    """A valid NPI, different for each n."""
    return npi_with_check_digit(123_000_000 + n)


def row(**overrides: str) -> dict[str, str]:
    """One provider-file row (organization 100000001, site 001 in Hartford, outpatient therapy)."""
    base = {
        "medicaid_id": "100000001",
        "npi": npi(1),
        "tax_id": "061234567",
        "legal_name": "Harbor Clinic",
        "provider_kind": "clinic",
        "taxonomy": "261QM0801X",
        "provider_status": "active",
        "dcf_certified": "N",
        "provider_effective_date": "2015-01-01",
        "provider_termination_date": "",
        "site_number": "001",
        "site_name": "Harbor Clinic Hartford",
        "street": "1 Main St",
        "town": "Hartford",
        "zip": "06103",
        "phone": "860-555-0100",
        "level_of_care": "OP",
        "min_age": "0",
        "max_age": "120",
        "offering_start": "2020-01-01",
        "offering_end": "",
    }
    return {**base, **overrides}


def second_org(**overrides: str) -> dict[str, str]:
    """A row of another organization (100000002, in Stamford)."""
    values = {
        "medicaid_id": "100000002",
        "npi": npi(2),
        "legal_name": "Beacon Counseling",
        "provider_kind": "group",
        "site_name": "Beacon Stamford",
        "town": "Stamford",
        "zip": "06901",
    }
    return row(**{**values, **overrides})


def csv_bytes(rows: list[dict[str, str]], header: tuple[str, ...] = COLUMN_NAMES) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
