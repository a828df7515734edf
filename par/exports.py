"""Scorecard workbooks (xlsx, openpyxl): a provider's or a region's scores with a definitions sheet,
formatted tables, target met / missed as conditional formatting, and native Excel charts.

Only provider-level aggregates and state figures: no member data, so no access-log row.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from par.models import Measure, ScoreRun
from par.scorecards import provider_scorecard, region_table
from providers.models import Provider, Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MET = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
MISSED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
NUMBER = "#,##0.0"


@dataclass(frozen=True)
class Built:
    filename: str
    content: bytes


def workbook_response(built: Built) -> HttpResponse:
    response = HttpResponse(built.content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{built.filename}"'
    return response


def _save(book: Workbook, filename: str) -> Built:
    buffer = io.BytesIO()
    book.save(buffer)
    return Built(filename, buffer.getvalue())


def _heading(sheet: Worksheet, title: str, run: ScoreRun) -> int:
    sheet["A1"] = title
    sheet["A1"].font = TITLE
    sheet["A2"] = (
        f"Period {run.label} ({run.period_start:%Y-%m-%d} to {run.period_end:%Y-%m-%d}), run {run.pk}"
    )
    sheet["A3"] = (
        f"Generated {timezone.localtime():%Y-%m-%d %H:%M} · input hash {run.input_hash[:16]}"
    )
    return 5


def _table(sheet: Worksheet, name: str, header: list[str], rows: list[list], first_row: int) -> str:
    """Write a formatted Excel table; returns its range."""
    for col, title in enumerate(header, start=1):
        cell = sheet.cell(row=first_row, column=col, value=title)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, start=first_row + 1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, float):
                cell.number_format = NUMBER
    last = first_row + max(len(rows), 1)
    ref = f"A{first_row}:{get_column_letter(len(header))}{last}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = sheet.cell(row=first_row + 1, column=2)
    for col, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = max(12, min(42, len(title) + 4))
    return ref


def _met_formatting(sheet: Worksheet, cells: str, met_column: str, first_row: int) -> None:
    """Green where the target is met, red where it is missed (the met column says TRUE/FALSE)."""
    sheet.conditional_formatting.add(
        cells, FormulaRule(formula=[f"${met_column}{first_row}=TRUE"], fill=MET)
    )
    sheet.conditional_formatting.add(
        cells, FormulaRule(formula=[f"${met_column}{first_row}=FALSE"], fill=MISSED)
    )


def _definitions(book: Workbook, measures: list[Measure]) -> None:
    sheet = book.create_sheet("Definitions")
    header = ["Code", "Name", "Description", "Definition", "Levels of care", "Better when"]
    header += ["Unit", "Minimum cases", "Target", "Parameters", "In force from"]
    rows = [
        [
            m.code,
            m.name,
            m.description,
            m.definition,
            ", ".join(m.levels_of_care),
            m.get_direction_display(),
            m.unit,
            m.min_denominator,
            m.target,
            ", ".join(f"{k}={v}" for k, v in sorted(m.params.items())),
            m.effective_from,
        ]
        for m in measures
    ]
    _table(sheet, "Definitions", header, rows, 1)
    sheet.column_dimensions["C"].width = 50
    sheet.column_dimensions["D"].width = 90
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


# --- provider workbook -------------------------------------------------------------------------

SCORE_HEADER = ["Code", "Measure", "Better when", "Unit", "Cases", "Numerator", "Value"]
SCORE_HEADER += ["State", "Percentile", "Target", "Target met", "Too few cases"]


def provider_workbook(*, provider: Provider, run: ScoreRun) -> Built:
    """Scorecard, splits, trend and definitions of one provider for one run."""
    card = provider_scorecard(provider=provider, run=run, charts=False)
    book = Workbook()
    sheet = book.active
    sheet.title = "Scorecard"
    first = _heading(sheet, f"PAR scorecard: {provider.name}", run)
    rows = []
    for c in card.cards:
        s, m = c.score, c.measure
        shown = s is not None and not s.suppressed
        rows.append(
            [
                m.code,
                m.name,
                m.get_direction_display(),
                m.unit,
                s.denominator if s else 0,
                s.numerator if s else None,
                s.value if shown and s else None,
                c.state.value if c.state else None,
                s.percentile if shown and s else None,
                m.target,
                s.met_target if s else None,
                bool(s and s.suppressed),
            ]
        )
    _table(sheet, "Scorecard", SCORE_HEADER, rows, first)
    last = first + max(len(rows), 1)
    _met_formatting(sheet, f"G{first + 1}:G{last}", "K", first + 1)
    _charts_sheet(book, card.cards)
    _splits_sheet(book, card)
    _trend_sheet(book, card)
    _definitions(book, [c.measure for c in card.cards])
    return _save(book, f"par-scorecard-provider-{provider.pk}-{run.label}.xlsx")


def _charts_sheet(book: Workbook, cards: list) -> None:
    """Provider and state side by side, one clustered bar chart per unit (percent, days): units
    are never mixed on one axis."""
    sheet = book.create_sheet("Charts")
    row = 1
    for unit, title in (("percent", "Percent measures"), ("days", "Measures in days")):
        shown = [c for c in cards if c.measure.unit == unit]
        if not shown:
            continue
        for col, text in enumerate([title, "This provider", "State"], start=1):
            sheet.cell(row=row, column=col, value=text).font = BOLD
        for offset, c in enumerate(shown, start=1):
            mine = c.score.value if c.score and not c.score.suppressed else None
            sheet.cell(row=row + offset, column=1, value=c.measure.code)
            sheet.cell(row=row + offset, column=2, value=mine)
            sheet.cell(row=row + offset, column=3, value=c.state.value if c.state else None)
        chart = BarChart()
        chart.type, chart.title, chart.height, chart.width = "bar", title, 8, 16
        last = row + len(shown)
        data = Reference(sheet, min_col=2, max_col=3, min_row=row, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=row + 1, max_row=last))
        sheet.add_chart(chart, f"E{row}")
        row = max(last + 2, row + 18)
    sheet.column_dimensions["A"].width = 18


def _splits_sheet(book: Workbook, card) -> None:  # type: ignore[no-untyped-def]
    sheet = book.create_sheet("Splits")
    rows = [
        [
            c.measure.code,
            label,
            s.denominator if s else 0,
            s.reading.text if s else "no cases",
            state,
        ]
        for c in card.cards
        for label, s, state in c.splits
    ]
    _table(sheet, "Splits", ["Code", "Split", "Cases", "Provider", "State"], rows, 1)


def _trend_sheet(book: Workbook, card) -> None:  # type: ignore[no-untyped-def]
    """Periods down, provider and state per measure across; a line chart per measure."""
    sheet = book.create_sheet("Trend")
    labels = card.trend_labels
    header = ["Period"]
    for c in card.cards:
        header += [f"{c.measure.code} provider", f"{c.measure.code} state"]
    rows = []
    for i, label in enumerate(labels):
        row: list = [label]
        for c in card.cards:
            _, mine, state = c.trend[i]
            row += [mine, state]
        rows.append(row)
    _table(sheet, "Trend", header, rows, 1)
    if len(labels) < 2:
        return
    for index, c in enumerate(card.cards):
        chart = LineChart()
        chart.title, chart.height, chart.width = c.measure.name, 7, 12
        col = 2 + 2 * index
        chart.add_data(
            Reference(sheet, min_col=col, max_col=col + 1, min_row=1, max_row=len(labels) + 1),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(labels) + 1))
        sheet.add_chart(
            chart, f"{get_column_letter(2 + 8 * (index % 3))}{len(labels) + 4 + 15 * (index // 3)}"
        )


# --- region workbook ---------------------------------------------------------------------------


def region_workbook(*, region: Region, run: ScoreRun) -> Built:
    """Every provider of the region x every measure, with the state row and a met/missed chart."""
    table = region_table(region=region, run=run, sort="name", descending=False)
    book = Workbook()
    sheet = book.active
    sheet.title = "Region"
    first = _heading(sheet, f"PAR scorecard: {region.name}", run)
    header = ["Provider", *[m.code for m in table.measures]]
    rows: list[list] = [["State", *[s.value if s else None for s in table.state]]]
    for row in table.rows:
        rows.append(
            [row.name]
            + [(c.value if not c.suppressed else "too few") if c else None for c in row.cells]
        )
    _table(sheet, "Region", header, rows, first)
    sheet.column_dimensions["A"].width = 42
    _target_formatting(sheet, table.measures, first, first + len(rows))
    _long_scores(book, table)
    _targets_chart(book, table)
    _definitions(book, table.measures)
    return _save(book, f"par-scorecard-region-{region.code}-{run.label}.xlsx")


def _target_formatting(sheet: Worksheet, measures: list[Measure], first: int, last: int) -> None:
    """Per measure column: green when the value meets the target (direction-aware), red when not."""
    for index, m in enumerate(measures, start=2):
        if m.target is None:
            continue
        col = get_column_letter(index)
        cells, top = f"{col}{first + 2}:{col}{last}", f"{col}{first + 2}"
        good = "<=" if m.direction == "lower" else ">="
        bad = ">" if m.direction == "lower" else "<"
        sheet.conditional_formatting.add(
            cells, FormulaRule(formula=[f"AND(ISNUMBER({top}),{top}{good}{m.target})"], fill=MET)
        )
        sheet.conditional_formatting.add(
            cells, FormulaRule(formula=[f"AND(ISNUMBER({top}),{top}{bad}{m.target})"], fill=MISSED)
        )


def _long_scores(book: Workbook, table) -> None:  # type: ignore[no-untyped-def]
    sheet = book.create_sheet("Scores")
    header = ["Provider", "Code", "Cases", "Value", "Percentile", "Target met", "Too few cases"]
    rows = [
        [
            row.name,
            m.code,
            c.denominator,
            None if c.suppressed else c.value,
            c.percentile,
            c.met_target,
            c.suppressed,
        ]
        for row in table.rows
        for m, c in zip(table.measures, row.cells, strict=True)
        if c is not None
    ]
    _table(sheet, "Scores", header, rows, 1)
    _met_formatting(sheet, f"D2:D{len(rows) + 1}", "F", 2)


def _targets_chart(book: Workbook, table) -> None:  # type: ignore[no-untyped-def]
    """How many providers met, missed or had too few cases, per measure with a target."""
    sheet = book.create_sheet("Targets")
    rows = []
    for index, m in enumerate(table.measures):
        if m.target is None:
            continue
        cells = [r.cells[index] for r in table.rows if r.cells[index] is not None]
        rows.append(
            [
                m.code,
                sum(1 for c in cells if c.met_target is True),
                sum(1 for c in cells if c.met_target is False),
                sum(1 for c in cells if c.suppressed),
            ]
        )
    _table(sheet, "Targets", ["Code", "Met", "Missed", "Too few cases"], rows, 1)
    if not rows:
        return
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title, chart.height, chart.width = "Providers meeting the target", 9, 18
    chart.add_data(
        Reference(sheet, min_col=2, max_col=4, min_row=1, max_row=len(rows) + 1),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
    sheet.add_chart(chart, "F2")
