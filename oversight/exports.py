"""File formats of oversight exports: an xlsx written by openpyxl in write-only (streaming) mode, or
a zip of CSV files. Both begin with the definitions; neither holds view or domain logic."""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from oversight.rules import SUPPRESS_MAX, SUPPRESS_MIN, SUPPRESSED, SuppressedTable, suppress
from oversight.sheets import CrossTab, Listing, Measures, Sheet

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.0%"
MIN_WIDTH, MAX_WIDTH = 10, 60


def crosstab_table(table: CrossTab, *, suppressed: bool) -> SuppressedTable:
    result = suppress([counts for _, counts in table.rows])
    return result if suppressed else replace(result, hidden=frozenset())


def crosstab_header(table: CrossTab) -> list[str]:
    header = [*table.row_headers, *table.column_headers, table.total_label]
    return header + ([table.rate[0]] if table.rate else [])


def crosstab_rows(table: CrossTab, *, suppressed: bool) -> Iterator[list[Any]]:
    """The printed rows: each row with its total (and rate), then the totals row."""
    n_cols = len(table.column_headers)
    if not table.rows:
        yield ["Total", *[""] * (len(table.row_headers) - 1), *[0] * (n_cols + 1)]
        return
    counted = crosstab_table(table, suppressed=suppressed)
    labels = [list(label) for label, _ in table.rows]
    labels.append(["Total", *[""] * (len(table.row_headers) - 1)])
    for r, label in enumerate(labels):
        values = [counted.shown(r, c) for c in range(n_cols + 1)]
        row: list[Any] = [*label, *values]
        if table.rate:
            numerator, total = values[table.rate[1]], values[-1]
            ok = isinstance(numerator, int) and isinstance(total, int) and total > 0
            row.append(numerator / total if ok else None)  # type: ignore[operator]
        yield row


def measures_header(table: Measures) -> list[str]:
    return [*table.row_headers, *table.value_headers]


def measures_rows(table: Measures, *, suppressed: bool) -> Iterator[list[Any]]:
    """Each group's figures; with suppression, a small count hides the row's other figures."""
    for label, values in table.rows:
        small = [
            i
            for i in table.counts
            if isinstance(values[i], int | float) and SUPPRESS_MIN <= values[i] <= SUPPRESS_MAX
        ]
        if suppressed and small:
            shown: list[Any] = [None] * len(values)
            for i in table.counts:
                shown[i] = SUPPRESSED if i in small else values[i]
            yield [*label, *shown]
        else:
            yield [*label, *values]


def _write_measures(book: Workbook, name: str, table: Measures, *, suppressed: bool) -> None:
    header = measures_header(table)
    widths = [_width(h) for h in header]
    for i in range(len(table.row_headers)):
        longest = max((len(str(label[i])) for label, _ in table.rows), default=0)
        widths[i] = max(widths[i], _width("x" * longest))
    sheet = _start_sheet(book, name, header, widths)
    first = len(table.row_headers)
    rows = 1
    for values in measures_rows(table, suppressed=suppressed):
        cells = []
        for i, value in enumerate(values):
            cell = WriteOnlyCell(sheet, value=value)
            if i >= first and isinstance(value, int | float):
                cell.number_format = table.formats.get(i - first, COUNT_FORMAT)
            cells.append(cell)
        sheet.append(cells)
        rows += 1
    _finish_sheet(sheet, len(header), rows)


def _width(text: str) -> float:
    return max(MIN_WIDTH, min(MAX_WIDTH, len(text) + 3))


def _header_cells(sheet: WriteOnlyWorksheet, header: Sequence[str]) -> list[WriteOnlyCell]:
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def _start_sheet(book: Workbook, name: str, header: Sequence[str], widths: Sequence[float]) -> Any:
    sheet = book.create_sheet(name[:31])
    sheet.freeze_panes = "A2"
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.append(_header_cells(sheet, header))
    return sheet


def _finish_sheet(sheet: Any, columns: int, last_row: int) -> None:
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(last_row, 1)}"


def _write_crosstab(book: Workbook, name: str, table: CrossTab, *, suppressed: bool) -> None:
    header = crosstab_header(table)
    widths = [_width(h) for h in header]
    for i in range(len(table.row_headers)):
        longest = max((len(str(label[i])) for label, _ in table.rows), default=0)
        widths[i] = max(widths[i], _width("x" * longest))
    sheet = _start_sheet(book, name, header, widths)
    first_count = len(table.row_headers)
    rows = 1
    for values in crosstab_rows(table, suppressed=suppressed):
        cells = []
        for i, value in enumerate(values):
            cell = WriteOnlyCell(sheet, value=value)
            if table.rate and i == len(values) - 1:
                cell.number_format = RATE_FORMAT
            elif i >= first_count and isinstance(value, int):
                cell.number_format = COUNT_FORMAT
            elif isinstance(value, str) and value.startswith("<"):
                cell.alignment = Alignment(horizontal="right")
            cells.append(cell)
        sheet.append(cells)
        rows += 1
    _finish_sheet(sheet, len(header), rows)


def _write_listing(book: Workbook, name: str, listing: Listing) -> int:
    widths = [_width(h) for h in listing.headers]
    widths[0] = max(widths[0], 14)
    sheet = _start_sheet(book, name, listing.headers, widths)
    formats = listing.formats
    rows = 1
    for values in listing.rows:
        if formats:
            cells = []
            for i, value in enumerate(values):
                cell = WriteOnlyCell(sheet, value=value)
                if i in formats:
                    cell.number_format = formats[i]
                cells.append(cell)
            sheet.append(cells)
        else:
            sheet.append(values)
        rows += 1
    _finish_sheet(sheet, len(listing.headers), rows)
    return rows - 1


def write_xlsx(
    path: Path,
    *,
    definitions: list[list[str]],
    sheets: list[tuple[str, Sheet]],
    suppressed: bool,
) -> dict[str, int]:
    """Write the workbook to `path`: definitions first, then each sheet. Rows per sheet."""
    book = Workbook(write_only=True)
    sheet = _start_sheet(book, "Definitions", definitions[0], [28, 100, 60])
    for row in definitions[1:]:
        sheet.append(row)
    _finish_sheet(sheet, len(definitions[0]), len(definitions))
    counts: dict[str, int] = {}
    try:
        for name, data in sheets:
            if isinstance(data, Listing):
                counts[name] = _write_listing(book, name, data)
            elif isinstance(data, Measures):
                _write_measures(book, name, data, suppressed=suppressed)
                counts[name] = len(data.rows)
            else:
                _write_crosstab(book, name, data, suppressed=suppressed)
                counts[name] = len(data.rows)
    except BaseException:
        for open_sheet in book.worksheets:  # release the sheets' scratch files
            with contextlib.suppress(Exception):
                open_sheet.close()
        raise
    book.save(path)
    return counts


def write_csv_zip(
    path: Path,
    *,
    definitions: list[list[str]],
    sheets: list[tuple[str, Sheet]],
    suppressed: bool,
) -> dict[str, int]:
    """Write a zip holding definitions.csv and one CSV per sheet (streamed into the archive)."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _csv_member(archive, "definitions.csv", iter(definitions))
        for name, data in sheets:
            file_name = name.lower().replace(" ", "_") + ".csv"
            if isinstance(data, Listing):
                counts[name] = _csv_member(
                    archive, file_name, _with_header(data.headers, data.rows)
                )
                counts[name] -= 1  # the header
            elif isinstance(data, Measures):
                rows = _with_header(
                    measures_header(data), measures_rows(data, suppressed=suppressed)
                )
                _csv_member(archive, file_name, rows)
                counts[name] = len(data.rows)
            else:
                rows = _with_header(
                    crosstab_header(data), crosstab_rows(data, suppressed=suppressed)
                )
                _csv_member(archive, file_name, rows)
                counts[name] = len(data.rows)
    return counts


def _with_header(header: Sequence[str], rows: Iterator[Any]) -> Iterator[Sequence[Any]]:
    yield header
    yield from rows


def _csv_member(archive: zipfile.ZipFile, name: str, rows: Iterator[Sequence[Any]]) -> int:
    written = 0
    with archive.open(name, "w", force_zip64=True) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            written += 1
        text.flush()
        text.detach()
    return written
