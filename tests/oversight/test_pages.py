"""The export page -> a job -> the progress page -> the download; bad input refused with nothing queued;
the management commands (export and purge)."""

from __future__ import annotations

import datetime as dt
import io
import os

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from aso.core.jobs import job_run
from aso.core.models import AccessLog, Job
from oversight import catalog
from oversight.catalog import CATALOG
from oversight.jobs import OVERSIGHT_EXPORT, oversight_files_purge
from oversight.rules import last_full_quarter

pytestmark = pytest.mark.django_db
URL = "/oversight/"


def test_the_url():
    assert reverse("oversight:export") == URL


def test_the_page_shows_the_agency_and_the_catalog(scene, agency_user, client):
    client.force_login(agency_user("DCF"))
    page = client.get(URL).content.decode()
    assert "members under 18 on the period end, and DCF-involved members" in page
    assert "Registrations, requests and decisions" in page
    assert 'name="agency"' not in page  # an agency user cannot name another agency


def test_an_export_runs_as_a_job_to_a_download(
    scene, agency_user, client, django_capture_on_commit_callbacks
):
    client.force_login(agency_user("DSS"))
    data = {"workbook": "utilization", "period": "2026Q2", "suppression": "off", "format": "xlsx"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data)
    job = Job.objects.get(kind=OVERSIGHT_EXPORT)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.progress, job.error) == ("succeeded", 100, "")
    assert job.params["agency"] == "DSS" and job.params["suppress"] is False
    progress = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert reverse("core:job_download", args=[job.pk]) in progress
    download = client.get(reverse("core:job_download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames[0] == "Definitions"
    listed = client.get(URL).content.decode()
    assert reverse("core:job_detail", args=[job.pk]) in listed
    assert AccessLog.objects.filter(purpose__startswith=f"download of the result of job {job.pk}")


def test_only_the_person_who_exported_downloads_the_file(
    scene, agency_user, client, django_capture_on_commit_callbacks
):
    client.force_login(agency_user("DSS"))
    data = {"workbook": "authorization_detail", "period": "2026Q2", "suppression": "default"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, data | {"format": "xlsx"})
    job = Job.objects.get(kind=OVERSIGHT_EXPORT)
    watcher = agency_user("", role="data_ops")  # sees every job, not the agency's file
    client.force_login(watcher)
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 200
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period": "2030Q1"}, "starts after today"),
        ({"start": "2026-06-30", "end": "2026-04-01"}, "before it starts"),
        ({"period": "2026"}, "Give a month"),
        ({"period": ""}, "Give a period"),
        ({"period": "2026Q2", "workbook": "secret"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_and_queues_nothing(scene, agency_user, client, data, message):
    client.force_login(agency_user("DSS"))
    response = client.post(URL, {"workbook": "utilization", "suppression": "default", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_an_agency_user_without_an_agency_is_refused(scene, agency_user, client):
    client.force_login(agency_user(""))
    response = client.post(URL, {"workbook": "utilization", "period": "2026Q2"})
    assert "not linked to a state agency" in response.content.decode()
    assert not Job.objects.exists()


def test_an_administrator_names_the_agency(scene, agency_user, client):
    client.force_login(agency_user("", role="admin"))
    response = client.post(URL, {"workbook": "utilization", "period": "2026Q2"})
    assert "Unknown agency" in response.content.decode()
    response = client.post(
        URL,
        {"workbook": "utilization", "period": "2026Q2", "agency": "DMHAS", "suppression": "on"}
        | {"format": "csv"},
    )
    assert response.status_code == 302
    assert Job.objects.get().params["agency"] == "DMHAS"


def _job(user, **params) -> Job:  # type: ignore[no-untyped-def]
    base = {"agency": user.agency, "workbook": "utilization", "start": "2026-04-01"}
    base |= {"end": "2026-06-30", "suppress": None, "format": "xlsx"}
    job = Job.objects.create(kind=OVERSIGHT_EXPORT, params=base | params, created_by=user)
    return job_run(job.pk)


def test_a_job_asking_for_another_agency_fails_without_a_file(scene, agency_user):
    job = _job(agency_user("DCF"), agency="DSS")
    assert job.status == "failed"
    assert "only your own agency" in job.error
    assert not job.result_file


def test_a_job_that_fails_midway_keeps_no_file_and_says_why(scene, agency_user, monkeypatch):
    def broken(ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    spec = CATALOG["utilization"]
    sheet = catalog.SheetSpec(**{**spec.sheets[-1].__dict__, "builder": broken})
    monkeypatch.setitem(
        catalog.CATALOG,
        spec.code,
        catalog.WorkbookSpec(**{**spec.__dict__, "sheets": (*spec.sheets[:-1], sheet)}),
    )
    job = _job(agency_user("DSS"))
    assert job.status == "failed"
    assert "the database went away" in job.error
    assert not job.result_file


def test_the_command_writes_every_workbook_of_the_agency(scene, agency_user, tmp_path):
    agency_user("DCF")
    out = io.StringIO()
    call_command(
        "export_oversight",
        "--agency=DCF",
        "--period=2026Q2",
        f"--output={tmp_path}",
        "--user=agency_viewer_DCF",
        stdout=out,
    )
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "oversight_DCF_authorization_detail_2026Q2.xlsx",
        "oversight_DCF_eligibility_2026Q2.xlsx",
        "oversight_DCF_icm_2026Q2.xlsx",
        "oversight_DCF_inpatient_2026Q2.xlsx",
        "oversight_DCF_utilization_2026Q2.xlsx",
    ]


def test_the_command_defaults_to_the_last_full_quarter(scene, agency_user, tmp_path):
    agency_user("DSS")
    call_command(
        "export_oversight",
        "--agency=DSS",
        "--workbook=eligibility",
        f"--output={tmp_path}",
        "--user=agency_viewer_DSS",
        stdout=io.StringIO(),
    )
    label = last_full_quarter(timezone.localdate()).label
    assert [p.name for p in tmp_path.iterdir()] == [f"oversight_DSS_eligibility_{label}.xlsx"]


def test_a_scheduled_run_is_logged_under_the_service_account(scene, tmp_path):
    call_command(
        "export_oversight",
        "--agency=DMHAS",
        "--workbook=authorization_detail",
        "--period=2026Q2",
        f"--output={tmp_path}",
        stdout=io.StringIO(),
    )
    account = get_user_model().objects.get(username="scheduled_oversight_export")
    assert not account.has_usable_password()
    assert AccessLog.objects.filter(user=account).exists()
    assert [p.name for p in tmp_path.iterdir()] == [
        "oversight_DMHAS_authorization_detail_2026Q2.xlsx"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency=DOC"], "Unknown agency"),
        (["--agency=DCF", "--period=2030Q1"], "starts after today"),
        (["--agency=DCF", "--workbook=nope"], "Unknown workbook"),
        (["--agency=DCF", "--user=nobody"], "No active user named 'nobody'"),
    ],
)
def test_the_command_refuses_bad_input(scene, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_oversight", *args, f"--output={tmp_path}")
    assert list(tmp_path.iterdir()) == []


def test_old_files_are_purged(scene, agency_user, settings):
    user = agency_user("DSS")
    old, recent = _job(user), _job(user)
    assert old.result_file and recent.result_file
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    settings.OVERSIGHT_FILE_RETENTION_DAYS = 7
    path = old.result_file.path
    assert oversight_files_purge() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.result_file and recent.result_file
    assert not os.path.exists(path)
    out = io.StringIO()
    call_command("purge_oversight_files", stdout=out)
    assert "0 file(s) removed" in out.getvalue()


def test_the_menu_links_the_page_for_agency_viewers_and_administrators(scene, agency_user):
    from aso.core.navigation import nav_items_for

    assert ("Oversight exports", URL) in nav_items_for(agency_user("DCF"))
    assert ("Oversight exports", URL) in nav_items_for(agency_user("", role="admin"))
    assert ("Oversight exports", URL) not in nav_items_for(agency_user("", role="care_manager"))


def test_the_page_costs_a_fixed_number_of_queries(
    scene, agency_user, client, django_assert_max_num_queries
):
    user = agency_user("DSS")
    for _ in range(5):
        _job(user)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_the_purge_runs_nightly_through_celery_beat(db):
    from django_celery_beat.models import PeriodicTask

    from oversight.tasks import oversight_files_purge_task

    task = PeriodicTask.objects.get(task="oversight.files_purge")
    assert task.enabled and task.crontab.hour == "3"
    assert oversight_files_purge_task() == 0


def test_the_command_writes_csv_without_suppression_when_asked(scene, agency_user, tmp_path):
    import zipfile

    import pandas as pd

    agency_user("DMHAS")
    call_command(
        "export_oversight",
        "--agency=dmhas",
        "--workbook=utilization",
        "--period=2026-05",
        "--format=csv",
        "--suppress=off",
        f"--output={tmp_path}",
        "--user=agency_viewer_DMHAS",
        stdout=io.StringIO(),
    )
    path = tmp_path / "oversight_DMHAS_utilization_2026-05.zip"
    with zipfile.ZipFile(path) as archive:
        decisions = pd.read_csv(archive.open("decisions.csv"))
        definitions = pd.read_csv(archive.open("definitions.csv"))
    assert decisions["Total"].tolist() == [1, 1]  # May: request 3 denied, and the total row
    assert definitions["Meaning"].str.startswith("not applied", na=False).any()
