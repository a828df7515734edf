"""Files out of eligibility: the rejected rows of a load as an xlsx workbook."""

from __future__ import annotations

import io
from collections.abc import Iterator

import xlsxwriter

from members.models import EligibilityLoad

REJECTIONS_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ("Line or segment", "Medicaid id", "Code", "Applied anyway", "Message", "Row as sent")


def rejections_xlsx(load: EligibilityLoad) -> Iterator[bytes]:
    """The workbook, built with constant memory (rows streamed from the database) and then sent."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet("Rejections")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, HEADER, bold)
    sheet.set_column(0, 3, 14)
    sheet.set_column(4, 5, 60)
    rows = load.rejections.order_by("position", "pk").values_list(
        "position", "medicaid_id", "code", "applied", "message", "raw"
    )
    for number, (position, medicaid_id, code, applied, message, raw) in enumerate(
        rows.iterator(chunk_size=2000), start=1
    ):
        sheet.write_number(number, 0, position)
        sheet.write_string(number, 1, medicaid_id)
        sheet.write_string(number, 2, code)
        sheet.write_string(number, 3, "yes" if applied else "no")
        sheet.write_string(number, 4, message)
        sheet.write_string(number, 5, raw)
    info = book.add_worksheet("About")
    info.write_row(0, 0, ("Load", load.pk))
    info.write_row(1, 0, ("File", load.file_name))
    info.write_row(2, 0, ("Rows read", load.rows_read))
    info.write_row(3, 0, ("Rows rejected", load.rows_rejected))
    book.close()
    buffer.seek(0)
    while chunk := buffer.read(1 << 16):
        yield chunk
