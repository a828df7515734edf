"""Whole exports: files that open with openpyxl and pandas, the definitions sheet, formatting,
suppression in the file, CSV, the access log, and bad input or a failure leaving nothing behind."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest

from aso.core.models import AccessLog, AccessLogItem
from oversight import catalog, sheets
from oversight.catalog import CATALOG
from oversight.rules import SUPPRESSED
from oversight.services import REDISCLOSURE_LABEL, oversight_export_run
from tests.oversight.conftest import AT, Q2

pytestmark = pytest.mark.django_db


def _run(tmp_path, user, **kw):  # type: ignore[no-untyped-def]
    args = {"acting_user": user, "agency": "DSS", "workbook": "utilization", "period": Q2, "at": AT}
    args.update(kw)
    return oversight_export_run(directory=tmp_path, **args)


def _definitions(book) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {r[0]: r[1] for r in book["Definitions"].iter_rows(min_row=2, values_only=True) if r[0]}


def test_the_workbook_opens_with_definitions_and_formatting(scene, agency_user, tmp_path):
    result = _run(tmp_path, agency_user("DSS"), suppress=False)
    assert result.path.name == "oversight_DSS_utilization_2026Q2.xlsx"
    assert [p.name for p in tmp_path.iterdir()] == [result.path.name]
    book = openpyxl.load_workbook(result.path)
    assert book.sheetnames == ["Definitions", "Requests", "Turnaround", "Decisions"] + [
        "Denial reasons",
        "Appeals",
        "Grievances",
        "CMS PA metrics",
    ]
    defs = _definitions(book)
    assert defs["Period"].startswith("2026Q2: 2026-04-01 to 2026-06-30")
    assert defs["Data as of"].startswith("2026-11-01 12:00")
    assert defs["Small-cell suppression"].startswith("not applied")
    assert defs["Agency"] == "DSS"
    decisions = book["Decisions"]
    assert decisions.freeze_panes == "A2"
    assert decisions.auto_filter.ref == "A1:F5"
    assert decisions.column_dimensions["A"].width >= 10
    values = list(decisions.iter_rows(values_only=True))
    assert values[0] == ("Level of care", "Approved", "Partially approved", "Denied", "Refused")[
        :5
    ] + ("Total",)
    assert values[1] == ("IP_PSY", 1, 0, 1, 0, 2)
    assert values[-1] == ("Total", 2, 1, 1, 1, 5)
    assert decisions["B2"].number_format == "#,##0"
    turnaround = list(book["Turnaround"].iter_rows(values_only=True))
    assert turnaround[1] == ("Standard", 1, 1, 2, 0.5)
    assert book["Turnaround"]["E2"].number_format == "0.0%"
    frame = pd.read_excel(result.path, sheet_name="Decisions")
    assert frame["Total"].tolist() == [2, 2, 1, 5]


def test_public_workbooks_suppress_small_cells_by_default(scene, agency_user, tmp_path):
    assert CATALOG["utilization"].public
    result = _run(tmp_path, agency_user("DSS"))
    assert result.suppressed
    book = openpyxl.load_workbook(result.path)
    assert _definitions(book)["Small-cell suppression"].startswith("applied")
    rows = list(book["Decisions"].iter_rows(min_row=2, values_only=True))
    # every count is 1 to 10 or a zero beside them: all non-zero counts hidden, totals too
    assert rows[-1] == ("Total", SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED)
    assert all(v in (0, SUPPRESSED) for row in rows for v in row[1:])
    frame = pd.read_excel(result.path, sheet_name="Requests")
    assert (frame["Total"].astype(str) == SUPPRESSED).all()


def test_csv_zip(scene, agency_user, tmp_path):
    result = _run(tmp_path, agency_user("DSS"), fmt="csv", suppress=False)
    assert result.path.suffix == ".zip"
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        assert names[0] == "definitions.csv"
        assert "decisions.csv" in names
        frame = pd.read_csv(archive.open("decisions.csv"))
    assert frame["Total"].tolist() == [2, 2, 1, 5]


def test_detail_csv_streams_rows(scene, agency_user, tmp_path):
    result = _run(tmp_path, agency_user("DSS"), workbook="authorization_detail", fmt="csv")
    with zipfile.ZipFile(result.path) as archive:
        frame = pd.read_csv(archive.open("authorizations.csv"), dtype=str)
    assert frame["Medicaid id"].tolist() == ["300000001", "300000002"]
    assert result.rows == {"Authorizations": 2}


def test_every_export_is_logged(scene, agency_user, tmp_path):
    user = agency_user("DSS")
    _run(tmp_path, user)
    log = AccessLog.objects.get(user=user)
    assert (log.action, log.subject_count, log.purpose) == (
        "export",
        0,
        "DSS utilization workbook 2026Q2",
    )
    _run(tmp_path, user, workbook="authorization_detail")
    detail = AccessLog.objects.filter(user=user).order_by("-pk").first()
    items = set(AccessLogItem.objects.filter(log=detail).values_list("subject_id", flat=True))
    assert items == {scene.members["child"].pk, scene.members["teen"].pk}


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"workbook": "nope"}, "Unknown workbook"),
        ({"fmt": "pdf"}, "Unknown file format"),
        ({"agency": "DOC"}, "Unknown agency"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(scene, agency_user, tmp_path, kw, message):
    user = agency_user("DSS")
    with pytest.raises(ValueError, match=message):
        _run(tmp_path / "out", user, **kw)
    assert not (tmp_path / "out").exists()
    assert not AccessLog.objects.filter(user=user).exists()


def test_a_workbook_the_agency_is_not_entitled_to_is_refused(
    scene, agency_user, tmp_path, monkeypatch
):
    spec = CATALOG["authorization_detail"]
    monkeypatch.setitem(
        catalog.CATALOG, spec.code, catalog.WorkbookSpec(**{**spec.__dict__, "agencies": ("DSS",)})
    )
    with pytest.raises(ValueError, match="not entitled"):
        _run(tmp_path, agency_user("DCF"), agency="DCF", workbook="authorization_detail")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_midway_leaves_no_file_and_no_log(scene, agency_user, tmp_path, monkeypatch):
    def broken(ctx):  # type: ignore[no-untyped-def]
        listing = sheets.authorization_detail(ctx)
        original = listing.rows

        def rows():  # type: ignore[no-untyped-def]
            yield from original
            raise RuntimeError("database went away")

        listing.rows = rows()
        return listing

    spec = CATALOG["authorization_detail"]
    sheet = catalog.SheetSpec(**{**spec.sheets[0].__dict__, "builder": broken})
    monkeypatch.setitem(
        catalog.CATALOG, spec.code, catalog.WorkbookSpec(**{**spec.__dict__, "sheets": (sheet,)})
    )
    user = agency_user("DSS")
    with pytest.raises(RuntimeError):
        _run(tmp_path, user, workbook="authorization_detail")
    assert list(tmp_path.iterdir()) == []
    assert not AccessLog.objects.filter(user=user).exists()


def test_aggregates_include_substance_use_without_a_redisclosure_notice(
    scene, agency_user, tmp_path
):
    result = _run(tmp_path, agency_user("DSS"), suppress=False)
    book = openpyxl.load_workbook(result.path)
    assert REDISCLOSURE_LABEL not in _definitions(book)
    levels = [r[1] for r in book["Requests"].iter_rows(min_row=2, values_only=True)]
    assert "IP_DETOX" in levels


def test_the_inpatient_workbook_hides_figures_of_small_groups(scene, agency_user, tmp_path):
    result = _run(tmp_path, agency_user("DSS"), workbook="inpatient")
    book = openpyxl.load_workbook(result.path)
    assert book.sheetnames == [
        "Definitions",
        "Discharges",
        "Length of stay",
        "Delays by reason",
    ] + ["PAR by region"]
    rows = list(book["Length of stay"].iter_rows(values_only=True))
    assert rows[0] == ("Hospital", "Level of care", *sheets.STAY_HEADERS)
    assert rows[1] == ("Capitol Hospital", "IP_PSY", SUPPRESSED, None, None, SUPPRESSED, None)
    shown = _run(
        tmp_path, agency_user("DMHAS"), agency="DMHAS", workbook="inpatient", suppress=False
    )
    rows = list(openpyxl.load_workbook(shown.path)["Length of stay"].iter_rows(values_only=True))
    assert rows[2] == ("Capitol Hospital", "RES_DETOX", 1, 8, 8.0, 1, 3)
    assert pd.read_excel(shown.path, sheet_name="Delays by reason")["Delay days"].tolist() == [3]


def test_a_totals_row_is_hidden_when_a_row_above_is(scene, agency_user, tmp_path):
    result = _run(tmp_path, agency_user("DSS"))  # suppressed: a public workbook
    rows = list(openpyxl.load_workbook(result.path)["Grievances"].iter_rows(values_only=True))
    assert rows[1][:4] == ("2026-05", "Access to care or wait times", SUPPRESSED, SUPPRESSED)
    assert rows[-1][:4] == ("Total", "All categories", SUPPRESSED, SUPPRESSED)
    assert rows[-1][5] is None  # the share on time: a figure of hidden counts


def test_the_detail_sheet_reports_progress_while_it_streams(
    scene, agency_user, tmp_path, monkeypatch
):
    from oversight import services

    monkeypatch.setattr(services, "PROGRESS_EVERY", 1)
    seen: list[tuple[float, str]] = []
    _run(
        tmp_path,
        agency_user("DSS"),
        workbook="authorization_detail",
        progress=lambda pct, msg: seen.append((pct, msg)),
    )
    assert (95.0, "Writing rows: 2 of 2") in seen
    assert seen[-1] == (100, "Done")
    assert all("3000000" not in msg for _, msg in seen)  # counts only, no member ids


def test_the_detail_workbook_opens_with_openpyxl_and_pandas(scene, agency_user, tmp_path):
    """Written by rustpy-xlsxwriter: definitions, styled frozen header, filter, formats, rows."""
    result = _run(tmp_path, agency_user("DSS"), workbook="authorization_detail")
    assert result.rows == {"Authorizations": 2}
    book = openpyxl.load_workbook(result.path)
    assert book.sheetnames == ["Definitions", "Authorizations"]
    assert _definitions(book)["Agency"] == "DSS"
    detail = book["Authorizations"]
    assert detail.freeze_panes == "A2"
    assert detail.auto_filter.ref == "A1:N3"
    assert detail["A1"].font.b
    assert detail.column_dimensions["A"].width >= 14
    assert [c.value for c in detail[1]] == list(sheets.DETAIL_HEADERS)
    assert detail["I2"].number_format == "yyyy-mm-dd"
    assert detail["K2"].number_format == "#,##0"
    frame = pd.read_excel(result.path, sheet_name="Authorizations", dtype={"Medicaid id": str})
    assert frame["Medicaid id"].tolist() == ["300000001", "300000002"]
    assert list(frame.columns) == list(sheets.DETAIL_HEADERS)


def test_a_detail_workbook_without_rows_keeps_its_header(scene, agency_user, tmp_path):
    result = _run(tmp_path, agency_user("DMHAS"), agency="DMHAS", workbook="authorization_detail")
    assert result.rows == {"Authorizations": 0}
    rows = list(openpyxl.load_workbook(result.path)["Authorizations"].iter_rows(values_only=True))
    assert rows == [sheets.DETAIL_HEADERS]
