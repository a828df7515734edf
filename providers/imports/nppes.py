"""The NPPES refresh: legal names, practice addresses and primary taxonomies from the national registry.

Reads the NPPES data-dissemination CSV (the official header, about 330 columns; the full monthly file has
millions of rows, so it is streamed and only the NPIs we know are kept). Rules:
- only providers we have (by NPI) change; every other NPI is ignored and counted;
- a blank NPPES value never blanks ours (deactivated NPIs carry no names);
- a name equal to ours but for case, spacing or punctuation is not a change;
- an NPI that NPPES reports deactivated is flagged for review, never terminated automatically.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO

from providers.choices import ChangeAction, ChangeEntity
from providers.imports.layout import NOT_A_TABLE, FileRejected
from providers.imports.plan import Plan, ReportLine

COL_NPI = "NPI"
COL_ENTITY = "Entity Type Code"
COL_ORG = "Provider Organization Name (Legal Business Name)"
COL_LAST = "Provider Last Name (Legal Name)"
COL_FIRST = "Provider First Name"
COL_MIDDLE = "Provider Middle Name"
COL_SUFFIX = "Provider Name Suffix Text"
COL_STREET1 = "Provider First Line Business Practice Location Address"
COL_STREET2 = "Provider Second Line Business Practice Location Address"
COL_CITY = "Provider Business Practice Location Address City Name"
COL_STATE = "Provider Business Practice Location Address State Name"
COL_ZIP = "Provider Business Practice Location Address Postal Code"
COL_DEACTIVATED = "NPI Deactivation Date"
COL_REACTIVATED = "NPI Reactivation Date"
TAXONOMY = "Healthcare Provider Taxonomy Code_{n}"
PRIMARY = "Healthcare Provider Primary Taxonomy Switch_{n}"
REQUIRED = (
    COL_NPI,
    COL_ENTITY,
    COL_ORG,
    COL_LAST,
    COL_FIRST,
    COL_STREET1,
    COL_CITY,
    COL_STATE,
    COL_ZIP,
    TAXONOMY.format(n=1),
    PRIMARY.format(n=1),
)
NOT_NPPES = (
    "The header row is not the NPPES data-dissemination layout: missing column(s) {missing}. "
    "Nothing was changed."
)
NPPES_IS_CSV = "NPPES files are CSV; this file is a workbook. Nothing was changed."
DEACTIVATED = "NPPES reports this NPI deactivated on {date}: review the provider's enrollment"
DUPLICATE_NPI = "NPI {npi} appears again (first on line {line})"
NAME_FIELDS = ("name",)


@dataclass(frozen=True)
class KnownProvider:
    """What the refresh may change of a provider we have, by NPI."""

    id: int
    medicaid_id: str
    name: str
    taxonomy: str
    practice_street: str
    practice_city: str
    practice_state: str
    practice_zip: str


def _comparable(text: str) -> str:
    return re.sub(r"[^0-9A-Z]+", " ", text.upper()).strip()


def _nppes_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value.strip(), "%m/%d/%Y").date()
    except ValueError:
        return None


def _zip(value: str) -> str:
    digits = value.strip()
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 9 and digits.isdigit() else digits


def registry_values(row: Mapping[str, str]) -> dict[str, str]:
    """The values NPPES gives for the fields we keep (blank when NPPES has none)."""
    if row.get(COL_ENTITY, "").strip() == "2":
        name = row.get(COL_ORG, "").strip()
    else:
        parts = (row.get(c, "").strip() for c in (COL_FIRST, COL_MIDDLE, COL_LAST, COL_SUFFIX))
        name = " ".join(p for p in parts if p)
    taxonomies = [
        (row.get(TAXONOMY.format(n=n), "").strip(), row.get(PRIMARY.format(n=n), "").strip())
        for n in range(1, 16)
    ]
    listed = [code for code, _ in taxonomies if code]
    primary = next((code for code, switch in taxonomies if code and switch == "Y"), "")
    street = ", ".join(
        p for p in (row.get(COL_STREET1, "").strip(), row.get(COL_STREET2, "").strip()) if p
    )
    return {
        "name": name,
        "taxonomy": primary or (listed[0] if listed else ""),
        "practice_street": street,
        "practice_city": row.get(COL_CITY, "").strip(),
        "practice_state": row.get(COL_STATE, "").strip()[:2],
        "practice_zip": _zip(row.get(COL_ZIP, "")),
    }


def _deactivated_on(row: Mapping[str, str]) -> dt.date | None:
    deactivated = _nppes_date(row.get(COL_DEACTIVATED, ""))
    reactivated = _nppes_date(row.get(COL_REACTIVATED, ""))
    if deactivated and not (reactivated and reactivated >= deactivated):
        return deactivated
    return None


def plan_nppes(
    known: Mapping[str, KnownProvider], rows: Iterable[tuple[int, Mapping[str, str]]]
) -> Plan:
    """The changes NPPES rows make to the providers we know by NPI (see the module rules)."""
    plan = Plan()
    seen: dict[str, int] = {}
    ignored = 0
    for line, row in rows:
        plan.rows_read += 1
        npi = row.get(COL_NPI, "").strip()
        provider = known.get(npi)
        if provider is None:
            ignored += 1
            continue
        key = f"{provider.medicaid_id} {provider.name}"
        if npi in seen:
            plan.lines.append(
                ReportLine(
                    ChangeAction.REJECTED,
                    ChangeEntity.ROW,
                    f"line {line}",
                    line,
                    reason=DUPLICATE_NPI.format(npi=npi, line=seen[npi]),
                    provider_id=provider.id,
                )
            )
            continue
        seen[npi] = line
        for name, value in registry_values(row).items():
            ours = getattr(provider, name)
            if not value or _comparable(value) == _comparable(ours):
                continue
            plan.provider_changes.setdefault(provider.id, {})[name] = value
            plan.lines.append(
                ReportLine(
                    ChangeAction.CHANGED,
                    ChangeEntity.PROVIDER,
                    key,
                    line,
                    field=name,
                    old=ours,
                    new=value,
                    provider_id=provider.id,
                )
            )
        deactivated = _deactivated_on(row)
        if deactivated:
            plan.lines.append(
                ReportLine(
                    ChangeAction.FLAGGED,
                    ChangeEntity.PROVIDER,
                    key,
                    line,
                    field="npi",
                    old=npi,
                    reason=DEACTIVATED.format(date=deactivated.isoformat()),
                    provider_id=provider.id,
                )
            )
    plan.notes["rows_ignored"] = ignored
    return plan


def read_nppes(source: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream the rows of an NPPES CSV as dicts, after checking it is one (FileRejected otherwise)."""
    head = source.read(8192)
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise FileRejected(NPPES_IS_CSV)
    if not head.strip() or b"\x00" in head:
        raise FileRejected(NOT_A_TABLE)
    source.seek(0)
    text = io.TextIOWrapper(source, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.DictReader(text)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FileRejected(NOT_NPPES.format(missing=", ".join(missing)))
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, row
