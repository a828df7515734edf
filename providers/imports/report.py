"""The change report: stored as rows before anything is applied, shown as a page, written as xlsx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import xlsxwriter

from providers.imports.plan import Plan
from providers.models import ProviderImport, ProviderImportChange

COLUMNS = (
    ("Action", 12),
    ("Record", 10),
    ("Line", 7),
    ("Key", 42),
    ("Field", 24),
    ("Old value", 32),
    ("New value", 32),
    ("Reason", 60),
)


def report_store(provider_import: ProviderImport, plan: Plan) -> int:
    """Replace the import's report lines with the plan's; returns how many were written."""
    provider_import.changes.all().delete()
    ProviderImportChange.objects.bulk_create(
        (
            ProviderImportChange(
                provider_import=provider_import,
                seq=seq,
                action=line.action,
                entity=line.entity,
                line=line.line,
                provider_id=line.provider_id,
                key=line.key[:200],
                field=line.field,
                old_value=line.old,
                new_value=line.new,
                reason=line.reason[:300],
            )
            for seq, line in enumerate(plan.lines, start=1)
        ),
        batch_size=2000,
    )
    return len(plan.lines)


def _rows(provider_import: ProviderImport) -> Iterator[tuple[object, ...]]:
    changes = provider_import.changes.order_by("seq").values_list(
        "action", "entity", "line", "key", "field", "old_value", "new_value", "reason"
    )
    yield from changes.iterator(chunk_size=5000)


def report_xlsx(provider_import: ProviderImport, target: IO[bytes]) -> None:
    """Write the report as a workbook: a summary sheet and one row per change or rejected line."""
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    bold = book.add_format({"bold": True})
    summary = book.add_worksheet("Summary")
    summary.set_column(0, 0, 28)
    summary.set_column(1, 1, 40)
    facts = [
        ("Import", f"#{provider_import.pk}"),
        ("Kind", provider_import.get_source_display()),
        ("File", provider_import.file_name),
        ("File date", provider_import.file_date.isoformat()),
        ("Full file", "yes" if provider_import.full_file else "no (delta)"),
        ("Status", provider_import.get_status_display()),
        ("SHA-256", provider_import.sha256),
    ]
    facts += [(name.replace("_", " "), value) for name, value in provider_import.counts.items()]
    for index, (name, value) in enumerate(facts):
        summary.write_string(index, 0, name, bold)
        if isinstance(value, int):
            summary.write_number(index, 1, value)
        else:
            summary.write_string(index, 1, str(value))
    sheet = book.add_worksheet("Changes")
    for col, (title, width) in enumerate(COLUMNS):
        sheet.write_string(0, col, title, bold)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    last = 0
    for last, row in enumerate(_rows(provider_import), start=1):
        for col, cell in enumerate(row):
            if isinstance(cell, int):
                sheet.write_number(last, col, cell)
            elif cell:
                # Always as text: a value starting with "=" must never become a formula.
                sheet.write_string(last, col, str(cell))
    sheet.autofilter(0, 0, max(last, 1), len(COLUMNS) - 1)
    book.close()
