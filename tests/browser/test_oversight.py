"""Journey: a DCF agency viewer exports a workbook; the job page's progress bar reaches the download."""

import io

import openpyxl

from aso.core.models import Job


def test_an_agency_viewer_exports_a_workbook_and_downloads_it(signed_in, shot):
    page = signed_in("agency_viewer", agency="DCF")
    page.goto("/oversight/")
    page.get_by_role("heading", name="Oversight exports").wait_for()
    page.locator("#id_workbook").select_option("eligibility")
    page.locator("#id_period").fill("2026Q2")
    shot(page, "oversight-form")
    page.get_by_role("button", name="Export").click()
    page.locator("#job-progress .status-succeeded").wait_for()
    assert page.locator("#job-progress progress").get_attribute("value") == "100"
    shot(page, "oversight-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the result").click()
    assert download.value.suggested_filename == "oversight_DCF_eligibility_2026Q2.xlsx"
    with open(download.value.path(), "rb") as handle:  # the saved download has no extension
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames == ["Definitions", "Eligibility"]
    assert Job.objects.get().params["agency"] == "DCF"
