"""File formats of oversight exports: an xlsx, or a zip of CSV files. Both begin with the definitions;
neither holds view or domain logic.

Workbooks of counts (cross-tabs, figures per group) are written by xlsxwriter in constant-memory mode
(cell by cell formats: suppressed cells, rates). Workbooks of member-level rows (listings, up to
millions of rows) are written by rustpy-xlsxwriter (Rust, streaming): measured about 8 times faster
(bench/bench_oversight.py, docs/oversight.md)."""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import xlsxwriter
from rustpy_xlsxwriter import FastExcel, Format

from oversight.rules import SUPPRESS_MAX, SUPPRESS_MIN, SUPPRESSED, SuppressedTable, suppress
from oversight.sheets import CrossTab, Listing, Measures, Sheet

HEADER_COLOR = "#DDEBF7"
DATE_FORMAT = "yyyy-mm-dd"
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
    """Each group's figures; with suppression, a small count hides the row's other figures, and a
    totals row is hidden when any row above it is (else subtraction would give the hidden count)."""
    any_hidden = False
    last = len(table.rows) - 1
    for index, (label, values) in enumerate(table.rows):
        small = [
            i
            for i in table.counts
            if isinstance(values[i], int | float) and SUPPRESS_MIN <= values[i] <= SUPPRESS_MAX
        ]
        if suppressed and table.total_last and index == last and any_hidden:
            small = list(table.counts)
        if suppressed and small:
            any_hidden = True
            shown: list[Any] = [None] * len(values)
            for i in table.counts:
                shown[i] = SUPPRESSED if i in small else values[i]
            yield [*label, *shown]
        else:
            yield [*label, *values]


class _Book:
    """An xlsxwriter workbook in constant-memory mode (each row goes to disk once written), with the
    few cell formats the sheets use, created once."""

    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "default_date_format": DATE_FORMAT}
        )
        self.header = self.book.add_format(
            {"bold": True, "bg_color": HEADER_COLOR, "text_wrap": True, "valign": "top"}
        )
        self.hidden = self.book.add_format({"align": "right"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self._formats: dict[str, Any] = {}

    def number(self, number_format: str) -> Any:
        if number_format not in self._formats:
            self._formats[number_format] = self.book.add_format({"num_format": number_format})
        return self._formats[number_format]

    def sheet(self, name: str, header: Sequence[str], widths: Sequence[float]) -> Any:
        sheet = self.book.add_worksheet(name[:31])
        sheet.freeze_panes(1, 0)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        sheet.write_row(0, 0, header, self.header)
        return sheet

    def close(self) -> None:
        self.book.close()


def _finish(sheet: Any, columns: int, last_row: int) -> None:
    sheet.autofilter(0, 0, max(last_row, 0), columns - 1)


def _label_widths(headers: Sequence[str], labels: Sequence[Sequence[Any]], n: int) -> list[float]:
    widths = [_width(h) for h in headers]
    for i in range(n):
        longest = max((len(str(label[i])) for label in labels), default=0)
        widths[i] = max(widths[i], _width("x" * longest))
    return widths


def _write_crosstab(book: _Book, name: str, table: CrossTab, *, suppressed: bool) -> None:
    header = crosstab_header(table)
    labels = [label for label, _ in table.rows]
    sheet = book.sheet(name, header, _label_widths(header, labels, len(table.row_headers)))
    first_count = len(table.row_headers)
    row = 0
    for row, values in enumerate(crosstab_rows(table, suppressed=suppressed), start=1):
        for col, value in enumerate(values):
            if table.rate and col == len(values) - 1:
                sheet.write(row, col, value, book.number(RATE_FORMAT))
            elif col >= first_count and isinstance(value, int):
                sheet.write_number(row, col, value, book.number(COUNT_FORMAT))
            elif value == SUPPRESSED:
                sheet.write_string(row, col, value, book.hidden)
            else:
                sheet.write(row, col, value)
    _finish(sheet, len(header), row)


def _write_measures(book: _Book, name: str, table: Measures, *, suppressed: bool) -> None:
    header = measures_header(table)
    labels = [label for label, _ in table.rows]
    sheet = book.sheet(name, header, _label_widths(header, labels, len(table.row_headers)))
    first = len(table.row_headers)
    row = 0
    for row, values in enumerate(measures_rows(table, suppressed=suppressed), start=1):
        for col, value in enumerate(values):
            if col >= first and isinstance(value, int | float):
                number_format = table.formats.get(col - first, COUNT_FORMAT)
                sheet.write_number(row, col, value, book.number(number_format))
            elif value == SUPPRESSED:
                sheet.write_string(row, col, value, book.hidden)
            else:
                sheet.write(row, col, value)
    _finish(sheet, len(header), row)


def _write_listing(book: _Book, name: str, listing: Listing) -> int:
    widths = [_width(h) for h in listing.headers]
    widths[0] = max(widths[0], 14)
    sheet = book.sheet(name, listing.headers, widths)
    formats = {col: book.number(f) for col, f in listing.formats.items()}
    row = 0
    for row, values in enumerate(listing.rows, start=1):
        for col, value in enumerate(values):
            sheet.write(row, col, value, formats.get(col))
    _finish(sheet, len(listing.headers), row)
    return row


def _width(text: str) -> float:
    return max(MIN_WIDTH, min(MAX_WIDTH, len(text) + 3))


def _records(headers: Sequence[str], rows: Iterator[Sequence[Any]], counter: list[int]) -> Any:
    """The rows as the dicts rustpy-xlsxwriter reads (keyed by header), counted as they go."""
    n = 0
    for row in rows:
        n += 1
        yield dict(zip(headers, row, strict=True))
    counter[0] = n


def _listing_formats(listing: Listing) -> dict[str, Format]:
    """The listing's number formats by column name (the keys rustpy-xlsxwriter uses)."""
    return {
        listing.headers[col]: Format().set_num_format(number_format)
        for col, number_format in listing.formats.items()
    }


def write_listing_xlsx(
    path: Path,
    *,
    definitions: list[list[str]],
    sheets: list[tuple[str, Listing]],
) -> dict[str, int]:
    """Write a workbook of member-level listings with rustpy-xlsxwriter: the definitions sheet, then
    each listing streamed from its iterator (constant memory: rows go to disk as they are read).

    Same layout as the xlsxwriter workbooks: styled, frozen header row, autofilter, column widths and
    number formats. Rows per sheet."""
    header_format = (
        Format().set_bold().set_background_color(HEADER_COLOR).set_text_wrap().set_align("top")
    )
    wrap = Format().set_text_wrap().set_align("top")
    book = FastExcel(path, output_format="xlsx").freeze(row=1)
    head = definitions[0]
    book.sheet(
        "Definitions",
        [dict(zip(head, row, strict=True)) for row in definitions[1:]],
        column_widths=[28, 100, 24],
        column_formats=[wrap] * len(head),
        header_format=header_format,
        autofilter=True,
    )
    counters: dict[str, list[int]] = {}
    for name, listing in sheets:
        headers = list(listing.headers)
        if len(set(headers)) != len(headers):
            raise ValueError(f"Duplicate column names in sheet {name!r}.")
        widths = [_width(h) for h in headers]
        widths[0] = max(widths[0], 14)
        rows = iter(listing.rows)
        first = next(rows, None)
        data: Any
        if first is None:  # no rows: a header-only sheet (records carry their header)
            import pandas as pd

            data = pd.DataFrame(columns=headers)
            counters[name] = [0]
        else:
            counters[name] = [0]
            data = _records(headers, itertools.chain([first], rows), counters[name])
        book.sheet(
            name[:31],
            data,
            column_widths=widths,
            column_formats=_listing_formats(listing),
            header_format=header_format,
            autofilter=True,
        )
    book.save()  # reads every iterator to the end; an error in one propagates, the caller cleans up
    return {name: counter[0] for name, counter in counters.items()}


def write_xlsx(
    path: Path,
    *,
    definitions: list[list[str]],
    sheets: list[tuple[str, Sheet]],
    suppressed: bool,
    fast_listings: bool = True,
) -> dict[str, int]:
    """Write the workbook to `path`: definitions first, then each sheet. Rows per sheet.

    A workbook of listings only (member-level rows) goes to `write_listing_xlsx` (rustpy-xlsxwriter,
    about 8 times faster than xlsxwriter, bench/bench_oversight.py). Others: xlsxwriter in
    constant-memory mode (2.5 times the speed of openpyxl's write-only mode, flat memory);
    `fast_listings=False` writes listings that way too (the benchmark's baseline)."""
    listings = [(name, data) for name, data in sheets if isinstance(data, Listing)]
    if fast_listings and sheets and len(listings) == len(sheets):
        return write_listing_xlsx(path, definitions=definitions, sheets=listings)
    book = _Book(path)
    counts: dict[str, int] = {}
    try:
        sheet = book.sheet("Definitions", definitions[0], [28, 100, 24])
        for row, values in enumerate(definitions[1:], start=1):
            sheet.write_row(row, 0, values, book.wrap)
        _finish(sheet, len(definitions[0]), len(definitions) - 1)
        for name, data in sheets:
            if isinstance(data, Listing):
                counts[name] = _write_listing(book, name, data)
            elif isinstance(data, Measures):
                _write_measures(book, name, data, suppressed=suppressed)
                counts[name] = len(data.rows)
            else:
                _write_crosstab(book, name, data, suppressed=suppressed)
                counts[name] = len(data.rows)
    finally:
        book.close()  # on failure too: releases the scratch files (the caller removes the file)
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
