"""The layout of the state's provider file (docs/formats/provider-file.md) and reading it as text rows.

A file is CSV (UTF-8, comma-separated, one header row) or an xlsx workbook (first sheet, one header row).
Anything else, or a header that is not this layout, fails the whole import: nothing changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from aso.core.jobs import JobFailure


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str


COLUMNS: tuple[Column, ...] = (
    Column("medicaid_id", True, "Medicaid provider id in the MMIS: the key of the organization"),
    Column("npi", True, "Organization NPI, 10 digits with a valid check digit"),
    Column("tax_id", False, "Federal tax id (EIN), 9 digits"),
    Column("legal_name", True, "Legal name of the organization"),
    Column("provider_kind", True, "hospital, clinic, fqhc, group, individual or residential"),
    Column("taxonomy", False, "Primary NUCC taxonomy code, 10 characters (e.g. 261QM0801X)"),
    Column("provider_status", False, "active (default), suspended or terminated"),
    Column("dcf_certified", False, "Y or N (default N): DCF-certified for home-based services"),
    Column("provider_effective_date", True, "First day in the network"),
    Column("provider_termination_date", False, "Last day in the network, if it ends"),
    Column("site_number", True, "The site's number within the organization (e.g. 001)"),
    Column("site_name", True, "Name of the service location"),
    Column("street", True, "Street address of the site"),
    Column("town", True, "One of the 169 Connecticut towns; the town places the site in a region"),
    Column("zip", True, "5-digit ZIP code, or ZIP+4"),
    Column("phone", False, "Site telephone number"),
    Column("level_of_care", True, "Level-of-care code from the service catalog (e.g. IOP, OP)"),
    Column("min_age", False, "Youngest age served (default 0)"),
    Column("max_age", False, "Oldest age served (default 120)"),
    Column("offering_start", True, "First day the site offers the level of care"),
    Column("offering_end", False, "Last day the site offers it, if it ends"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED = tuple(c.name for c in COLUMNS if c.required)

NOT_A_TABLE = "The file is neither a CSV file nor an xlsx workbook; nothing was imported."
OLD_XLS = "The file is an old .xls workbook: save it as .xlsx or CSV and import it again."
EMPTY_FILE = "The file is empty: it has no header row."
BAD_XLSX = "The xlsx workbook cannot be read ({error}); nothing was imported."
MISSING_COLUMNS = (
    "The header row is not the provider-file layout: missing column(s) {missing}. "
    "Found: {found}. Nothing was imported."
)
UNKNOWN_COLUMNS = (
    "The header row has column(s) the provider-file layout does not define: {unknown}. "
    "Nothing was imported."
)
REPEATED_COLUMNS = "The header row names column(s) twice: {repeated}. Nothing was imported."


class FileRejected(JobFailure):
    """The whole file is refused (not CSV/xlsx, wrong header): the import changes nothing."""


@dataclass
class Table:
    """A file's header and its data rows as text, each with its line number in the file (header = 1)."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise FileRejected(BAD_XLSX.format(error=type(exc).__name__)) from exc
    rows = book.worksheets[0].iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(rows)]
    except StopIteration as exc:
        raise FileRejected(EMPTY_FILE) from exc
    while header and not header[-1]:
        header.pop()

    def data_rows() -> Iterator[tuple[int, list[str]]]:
        for line, row in enumerate(rows, start=2):
            values = [_cell_text(v) for v in row]
            if any(values):
                yield line, values
        book.close()

    return Table(header=header, rows=data_rows())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # spreadsheets saved as "CSV" on Windows


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise FileRejected(EMPTY_FILE) from exc
    except csv.Error as exc:
        raise FileRejected(NOT_A_TABLE) from exc

    def data_rows() -> Iterator[tuple[int, list[str]]]:
        for values in reader:
            if any(v.strip() for v in values):
                yield reader.line_num, [v.strip() for v in values]

    return Table(header=header, rows=data_rows())


def read_table(data: bytes) -> Table:
    """Recognize CSV or xlsx by content (not by the file name) and read its header and rows as text."""
    if not data.strip():
        raise FileRejected(EMPTY_FILE)
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(OLD_XLS)
    if b"\x00" in data[:8192]:
        raise FileRejected(NOT_A_TABLE)
    return _read_csv(data)


def check_header(
    header: Sequence[str], *, required: Sequence[str], known: Sequence[str]
) -> list[str]:
    """The header's column names normalized (lower case), or FileRejected naming what is wrong."""
    names = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in names]
    if missing:
        shown = ", ".join(h for h in header[:12] if h) + (", ..." if len(header) > 12 else "")
        raise FileRejected(MISSING_COLUMNS.format(missing=", ".join(missing), found=shown or "-"))
    unknown = [h for h in names if h and h not in known]
    if unknown:
        raise FileRejected(UNKNOWN_COLUMNS.format(unknown=", ".join(unknown)))
    repeated = sorted({h for h in names if h and names.count(h) > 1})
    if repeated:
        raise FileRejected(REPEATED_COLUMNS.format(repeated=", ".join(repeated)))
    return names


def open_bytes(source: str | IO[bytes]) -> bytes:
    """The whole content of a path or an open binary file (provider files are a few megabytes)."""
    if isinstance(source, str):
        with open(source, "rb") as handle:
            return handle.read()
    return source.read()
