"""Benchmark: writing the oversight member-level detail sheet, without the database (the floor).

The same pre-built rows (14 columns, the detail sheet's shape) written by: the oversight writer
(rustpy-xlsxwriter since issue 9, with the definitions sheet and number formats), the same through
xlsxwriter constant-memory (the writer it replaced), the CSV zip writer,
openpyxl in write-only mode (the writer it replaced), and pandas `to_excel` (what a quick script would
do). Ratios are against the oversight xlsx writer. Rows: OVERSIGHT_BENCH_ROWS (default 20,000: small
on purpose; the issue's target is 1,000,000 rows under 30 s: bench/bench_oversight.py measures it from
the database, see docs/oversight.md).

    .venv/bin/python bench/bench_oversight_writers.py
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from common import Measurement, Result, django_setup

ROWS = int(os.environ.get("OVERSIGHT_BENCH_ROWS", "20000"))


def _rows(n: int) -> Iterator[tuple[Any, ...]]:
    day = dt.date(2026, 4, 1)
    for i in range(n):
        yield (
            f"{300000000 + i:09d}",
            f"A2604{i:08d}",
            f"R2604{i:08d}",
            "OP",
            "no",
            "Capitol Hospital",
            "1234567893",
            "001",
            day,
            day + dt.timedelta(days=i % 180),
            26,
            "visit",
            "Approved",
            "active",
        )


def _timed(label: str, write: Callable[[Path], None], folder: Path) -> Measurement:
    path = folder / label.replace(" ", "_")
    begin = time.perf_counter()
    write(path)
    seconds = time.perf_counter() - begin
    size = path.stat().st_size / 1e6
    return Measurement(label=label, seconds=seconds, rows=ROWS, note=f"{size:.1f} MB")


def main() -> None:
    django_setup()
    import openpyxl
    import pandas as pd

    from oversight.exports import write_csv_zip, write_xlsx
    from oversight.sheets import DETAIL_HEADERS, Listing

    definitions = [["Item", "Meaning", "Sheet"], ["Workbook", "bench", ""]]

    def oversight_xlsx(path: Path) -> None:
        listing = Listing(DETAIL_HEADERS, _rows(ROWS), formats={8: "yyyy-mm-dd", 9: "yyyy-mm-dd"})
        write_xlsx(path, definitions=definitions, sheets=[("Detail", listing)], suppressed=False)

    def oversight_xlsxwriter(path: Path) -> None:
        listing = Listing(DETAIL_HEADERS, _rows(ROWS), formats={8: "yyyy-mm-dd", 9: "yyyy-mm-dd"})
        write_xlsx(
            path,
            definitions=definitions,
            sheets=[("Detail", listing)],
            suppressed=False,
            fast_listings=False,
        )

    def oversight_csv(path: Path) -> None:
        listing = Listing(DETAIL_HEADERS, _rows(ROWS))
        write_csv_zip(path, definitions=definitions, sheets=[("Detail", listing)], suppressed=False)

    def openpyxl_write_only(path: Path) -> None:
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Detail")
        sheet.append(DETAIL_HEADERS)
        for row in _rows(ROWS):
            sheet.append(row)
        book.save(path)

    def pandas_to_excel(path: Path) -> None:
        frame = pd.DataFrame(list(_rows(ROWS)), columns=list(DETAIL_HEADERS))
        frame.to_excel(path, index=False, engine="openpyxl")

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        figure = _timed("oversight xlsx (rustpy-xlsxwriter)", oversight_xlsx, folder)
        baselines = [
            _timed("xlsxwriter constant-memory", oversight_xlsxwriter, folder),
            _timed("oversight csv zip", oversight_csv, folder),
            _timed("openpyxl write-only, no formats", openpyxl_write_only, folder),
            _timed("pandas to_excel", pandas_to_excel, folder),
        ]
    for m in [figure, *baselines]:
        ratio = m.seconds / figure.seconds
        print(f"{m.label:42} {m.seconds:7.2f} s  x{ratio:4.2f}  {m.note}")
    Result(
        name="oversight_writers",
        title=f"Oversight detail sheet, {ROWS:,} pre-built rows, no database",
        target="1,000,000 rows under 30 s (issue 9)",
        database="none",
        figure=figure,
        baselines=baselines,
    ).write()


if __name__ == "__main__":
    main()
