"""Scorecard workbooks and the staff pages that start runs and loads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from aso.core.models import Job
from par.models import ClaimLine, ScoreRun
from providers.models import Region
from tests.par.test_claims_load import GOOD, HEADER
from tests.par.test_pages import add_score, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnm(make_user, par_world):  # type: ignore[no-untyped-def]
    user = make_user("network_manager")
    Region.objects.filter(pk=par_world.sites["a"].region_id).update(network_manager=user)
    return user


def workbook(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def test_the_provider_workbook_has_definitions_formatting_and_charts(client, rnm, par_world):
    older, run = make_run("2025Q4", "2025-10-01", "2025-12-31"), make_run()
    add_score(older, par_world.hospital_a, "FUH_7", 35.0)
    add_score(run, par_world.hospital_a, "FUH_7", 45.0, met=False)
    add_score(run, par_world.hospital_a, "IP_ALOS", 12.0, met=True)
    client.force_login(rnm)
    response = client.get(
        reverse("par:provider_workbook", args=[par_world.hospital_a.pk]), {"run": run.pk}
    )
    assert 'filename="par-scorecard-provider-' in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == ["Scorecard", "Charts", "Splits", "Trend", "Definitions"]
    sheet = book["Scorecard"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=6, values_only=True)}
    assert rows["FUH_7"][6] == 45.0 and rows["FUH_7"][10] is False and rows["FUH_7"][7] == 55.0
    assert len(sheet.conditional_formatting) >= 1 and "Scorecard" in sheet.tables
    assert len(book["Charts"]._charts) == 2 and len(book["Trend"]._charts) == 12
    definitions = {r[0]: r for r in book["Definitions"].iter_rows(min_row=2, values_only=True)}
    assert "HEDIS FUH shape" in definitions["FUH_7"][3] and len(definitions) == 12


def test_the_region_workbook_colours_targets_and_charts_them(client, rnm, par_world):
    run = make_run()
    add_score(run, par_world.hospital_a, "FUH_7", 45.0, met=False)
    add_score(run, par_world.clinic, "FUH_7", 80.0, met=True)
    client.force_login(rnm)
    book = workbook(
        client.get(reverse("par:region_workbook", args=[par_world.sites["a"].region_id]))
    )
    assert book.sheetnames == ["Region", "Scores", "Targets", "Definitions"]
    region = book["Region"]
    header = [c.value for c in region[5]]
    values = {r[0]: r for r in region.iter_rows(min_row=6, values_only=True)}
    fuh = header.index("FUH_7")
    assert values["Hartford General"][fuh] == 45.0 and values["Capitol Clinic"][fuh] == 80.0
    assert "Stamford Shore" not in values and values["State"][fuh] == 55.0
    rules = [rule.formula[0] for cf in region.conditional_formatting for rule in cf.rules]
    assert any(">=50.0" in f for f in rules) and any("<50.0" in f for f in rules)
    targets = {r[0]: r[1:] for r in book["Targets"].iter_rows(min_row=2, values_only=True)}
    assert targets["FUH_7"] == (1, 1, 0) and len(book["Targets"]._charts) == 1


def test_staff_start_a_run_from_the_page(
    client, make_user, par_world, django_capture_on_commit_callbacks
):
    client.force_login(make_user("data_ops"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("par:run_list"), {"period": "2026Q1"})
    job = Job.objects.get(kind="par_run")
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:job_detail", args=[job.pk]
    )
    assert job.status == "succeeded" and ScoreRun.objects.get().label == "2026Q1"
    listing = client.get(reverse("par:run_list")).content.decode()
    assert "2026Q1" in listing and "Succeeded" in listing
    bad = client.post(reverse("par:run_list"), {"period": "2026Q1", "start": "2026-01-01"})
    assert "Give a period as 2026Q3" in bad.content.decode() and ScoreRun.objects.count() == 1


def test_data_ops_upload_a_claims_file_through_a_job(
    client, make_user, par_world, django_capture_on_commit_callbacks
):
    user = make_user("data_ops")
    client.force_login(user)
    upload = SimpleUploadedFile("claims.csv", ("\n".join([HEADER, *GOOD]) + "\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("par:claims_loads"), {"file": upload})
    job = Job.objects.get(kind="par_claims_load")
    assert response.status_code == 302 and job.status == "succeeded", job.error
    assert ClaimLine.objects.count() == 4 and job.counts["lines loaded"] == 4
    detail = client.get(reverse("par:claims_load_detail", args=[job.result["load_id"]]))
    assert detail.status_code == 200 and "claims.csv" in detail.content.decode()


def test_an_agency_reads_the_state_figures_only(client, make_user, par_world):
    run = make_run()
    add_score(run, par_world.hospital_a, "FUH_7", 45.0)
    client.force_login(make_user("agency_viewer"))
    page = client.get(reverse("par:run_detail", args=[run.pk])).content.decode()
    assert "55.0" in page and "Hartford General" not in page
    assert client.get(reverse("par:provider", args=[par_world.hospital_a.pk])).status_code == 404
