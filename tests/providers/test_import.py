"""The provider-file import: adds, changes, terminations by absence, rejects, idempotence, wrong files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from aso.core.choices import JobStatus
from providers.choices import ChangeAction, ImportStatus, ProviderStatus
from providers.imports import runs
from providers.imports.layout import COLUMN_NAMES, MISSING_COLUMNS, NOT_A_TABLE, OLD_XLS
from providers.imports.runs import STALE_REPORT, provider_import_apply_request
from providers.models import Provider, ProviderGroupObjectPermission, ServiceOffering, Site
from providers.services import provider_update
from tests.providers.files import FILE_DATE, csv_bytes, npi, row, second_org

pytestmark = pytest.mark.django_db

NETWORK = [
    row(),
    row(level_of_care="IOP", offering_start="2021-03-01"),
    row(site_number="002", site_name="Harbor Clinic New Britain", town="New Britain", zip="06051"),
    second_org(),
]


def lines(provider_import, action):  # type: ignore[no-untyped-def]
    return list(provider_import.changes.filter(action=action).order_by("seq"))


def test_a_first_file_adds_providers_sites_and_offerings_with_staff_groups_and_history(
    run_import,
):
    done = run_import(csv_bytes(NETWORK))
    assert done.status == ImportStatus.APPLIED
    assert (done.counts["providers_added"], done.counts["sites_added"]) == (2, 3)
    assert done.counts["offerings_added"] == 4 and done.counts["rows_rejected"] == 0
    harbor = Provider.objects.get(medicaid_id="100000001")
    assert (harbor.name, harbor.npi, harbor.kind) == ("Harbor Clinic", npi(1), "clinic")
    assert set(harbor.sites.values_list("town__name", "region__code")) == {
        ("Hartford", "R4"),
        ("New Britain", "R4"),
    }
    assert ServiceOffering.objects.filter(site__provider=harbor).count() == 3
    # one guardian group per organization, holding view_provider on it
    assert ProviderGroupObjectPermission.objects.filter(
        content_object=harbor, group=harbor.staff_group
    ).exists()
    created = harbor.history.get()
    assert created.history_user == done.created_by
    assert created.history_change_reason == f"State provider file import #{done.pk}"


def test_changed_fields_are_reported_old_to_new_and_applied(run_import):
    run_import(csv_bytes(NETWORK))
    changed = [row(legal_name="Harbor Clinic, Inc.", zip="06106"), *NETWORK[1:]]
    changed[1] = row(
        legal_name="Harbor Clinic, Inc.",
        zip="06106",
        level_of_care="IOP",
        offering_start="2021-03-01",
        max_age="17",
    )
    changed[2] = {**NETWORK[2], "legal_name": "Harbor Clinic, Inc."}
    done = run_import(csv_bytes(changed))
    report = {(c.entity, c.field): (c.old_value, c.new_value) for c in lines(done, "changed")}
    assert report[("provider", "legal_name")] == ("Harbor Clinic", "Harbor Clinic, Inc.")
    assert report[("site", "zip")] == ("06103", "06106")
    assert report[("offering", "max_age")] == ("120", "17")
    assert done.counts["providers_changed"] == 1 and done.counts["offerings_changed"] == 1
    harbor = Provider.objects.get(medicaid_id="100000001")
    assert harbor.name == "Harbor Clinic, Inc."
    assert harbor.history.first().history_type == "~"


def test_the_same_file_twice_changes_nothing_the_second_time(run_import):
    data = csv_bytes(NETWORK)
    run_import(data)
    history = Provider.history.count() + Site.history.count() + ServiceOffering.history.count()
    again = run_import(data)
    assert again.status == ImportStatus.UNCHANGED and again.change_count == 0
    assert not again.changes.exists()
    after = Provider.history.count() + Site.history.count() + ServiceOffering.history.count()
    assert after == history


def test_a_full_file_terminates_what_it_no_longer_lists_as_of_the_file_date(run_import):
    run_import(csv_bytes(NETWORK))
    done = run_import(csv_bytes(NETWORK[:2]), file_date=dt.date(2026, 12, 1))
    beacon = Provider.objects.get(medicaid_id="100000002")
    assert beacon.status == ProviderStatus.TERMINATED
    assert beacon.termination_date == dt.date(2026, 12, 1)
    assert "Not in the full provider file of 2026-12-01" in beacon.termination_reason
    assert not Site.objects.get(provider=beacon).active
    assert set(
        ServiceOffering.objects.filter(site__provider=beacon).values_list("effective_to", flat=True)
    ) == {dt.date(2026, 12, 1)}
    closed = Site.objects.get(provider__medicaid_id="100000001", site_number="002")
    assert not closed.active
    assert (done.counts["providers_terminated"], done.counts["sites_terminated"]) == (1, 2)
    assert done.counts["offerings_terminated"] == 2
    assert Provider.objects.count() == 2 and ServiceOffering.objects.count() == 4  # none deleted


def test_a_delta_file_terminates_nothing_by_absence(run_import):
    run_import(csv_bytes(NETWORK))
    done = run_import(csv_bytes([row(phone="860-555-0199")]), full=False)
    assert done.counts.get("providers_terminated", 0) == 0
    assert Provider.objects.get(medicaid_id="100000002").status == ProviderStatus.ACTIVE
    assert Site.objects.get(provider__medicaid_id="100000001", site_number="001").phone.endswith(
        "0199"
    )


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (row(npi="1234567890"), "NPI '1234567890' is not 10 digits with a valid check digit"),
        (row(level_of_care="ZZZ"), "unknown level of care 'ZZZ'"),
        (row(town="Gotham"), "unknown town 'Gotham'"),
        (row(legal_name=""), "missing required value: legal_name"),
        (row(offering_end="2019-12-31"), "offering_end 2019-12-31 is before offering_start"),
        (row(provider_termination_date="2014-01-01"), "is before provider_effective_date"),
        (row(offering_start="31/01/2020"), "offering_start '31/01/2020' is not a date"),
        (row(provider_kind="spa"), "unknown provider kind 'spa'"),
        (row(min_age="18", max_age="12"), "min_age 18 is above max_age 12"),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_reason_and_the_rest_imports(
    run_import, bad, reason
):
    done = run_import(csv_bytes([second_org(), bad]))
    (rejected,) = lines(done, ChangeAction.REJECTED)
    assert rejected.line == 3 and reason in rejected.reason
    assert done.counts["rows_rejected"] == 1
    assert Provider.objects.filter(medicaid_id="100000002").exists()
    assert not Provider.objects.filter(medicaid_id="100000001").exists()


def test_duplicate_and_inconsistent_rows_are_rejected_naming_the_first_line(run_import):
    done = run_import(
        csv_bytes(
            [
                row(),
                row(),  # same provider, site and level
                row(level_of_care="IOP", legal_name="Harbor Clinic LLC"),
                row(level_of_care="PHP", site_name="Another name"),
                second_org(npi=npi(1)),  # the NPI of 100000001
            ]
        )
    )
    reasons = {c.line: c.reason for c in lines(done, ChangeAction.REJECTED)}
    assert reasons[3] == "duplicate of line 2: the same provider, site and level of care"
    assert reasons[4] == "provider details differ from line 2 (legal_name)"
    assert reasons[5] == "site details differ from line 2 (site_name)"
    assert reasons[6] == f"NPI {npi(1)} belongs to provider 100000001"
    assert Provider.objects.get().name == "Harbor Clinic"


def test_a_rejected_row_never_terminates_the_provider_it_names(run_import):
    run_import(csv_bytes(NETWORK))
    broken = [*NETWORK[:3], second_org(town="Gotham")]
    done = run_import(csv_bytes(broken))
    assert Provider.objects.get(medicaid_id="100000002").status == ProviderStatus.ACTIVE
    assert done.counts.get("providers_terminated", 0) == 0


def test_an_offering_that_would_overlap_another_is_rejected_naming_both(run_import):
    run_import(csv_bytes([row(offering_start="2013-01-01", offering_end="2019-12-31")]), full=False)
    run_import(csv_bytes([row(offering_start="2020-01-01")]), full=False)
    done = run_import(csv_bytes([row(offering_start="2018-06-01")]), full=False)
    (rejected,) = lines(done, ChangeAction.REJECTED)
    assert rejected.reason.startswith(
        "The OP offering at Harbor Clinic Hartford (001) from 2018-06-01 with no end date would "
        "overlap the OP offering at Harbor Clinic Hartford (001) from 2013-01-01 to 2019-12-31"
    )
    assert "from 2013-01-01 to 2019-12-31 (offering #" in rejected.reason


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NOT_A_TABLE),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, OLD_XLS),
        (b"NPI,Entity Type Code\n1234567893,2\n", MISSING_COLUMNS.split(":")[0]),
        (csv_bytes([row()], header=(*COLUMN_NAMES, "favourite_colour")), "does not define"),
        (b"", "The file is empty"),
    ],
    ids=["binary", "xls", "wrong-header", "unknown-column", "empty"],
)
def test_a_wrong_file_fails_the_whole_job_and_changes_nothing(run_import, data, message):
    done = run_import(data)
    assert done.status == ImportStatus.FAILED and message in done.error
    assert done.job.status == JobStatus.FAILED and message in done.job.error
    assert not Provider.objects.exists() and not done.changes.exists()


def test_an_xlsx_workbook_imports_like_the_csv(run_import):
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMN_NAMES))
    for values in NETWORK:
        cells: list[object] = [values[c] for c in COLUMN_NAMES]
        cells[COLUMN_NAMES.index("npi")] = int(values["npi"])  # typed as a number in Excel
        cells[COLUMN_NAMES.index("offering_start")] = dt.date.fromisoformat(
            values["offering_start"]
        )
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    done = run_import(buffer.getvalue(), name="file.xlsx")
    assert done.status == ImportStatus.APPLIED and done.counts["offerings_added"] == 4
    assert run_import(csv_bytes(NETWORK)).status == ImportStatus.UNCHANGED


def test_a_report_waits_for_review_then_applies_in_a_job(
    run_import, make_user, django_capture_on_commit_callbacks
):
    pending = run_import(csv_bytes(NETWORK), apply=False)
    assert pending.status == ImportStatus.READY and pending.counts["providers_added"] == 2
    assert not Provider.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        provider_import_apply_request(acting_user=make_user("network_ops"), provider_import=pending)
    pending.refresh_from_db()
    assert pending.status == ImportStatus.APPLIED and Provider.objects.count() == 2


def test_a_report_gone_stale_is_not_applied(
    run_import, make_user, django_capture_on_commit_callbacks
):
    run_import(csv_bytes(NETWORK))
    pending = run_import(csv_bytes([row(legal_name="Harbor Renamed"), *NETWORK[1:]]), apply=False)
    harbor = Provider.objects.get(medicaid_id="100000001")
    provider_update(acting_user=make_user("network_ops"), provider=harbor, tax_id="069999999")
    with django_capture_on_commit_callbacks(execute=True):
        provider_import_apply_request(acting_user=make_user("network_ops"), provider_import=pending)
    pending.refresh_from_db()
    assert pending.status == ImportStatus.FAILED and pending.error == STALE_REPORT
    assert Provider.objects.get(medicaid_id="100000001").name == "Harbor Clinic"


def test_an_error_while_applying_leaves_nothing_half_written(run_import, monkeypatch):
    real = runs.plan_apply

    def failing(plan, **kwargs):  # type: ignore[no-untyped-def]
        real(plan, **kwargs)  # everything written, then the last step fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "plan_apply", failing)
    done = run_import(csv_bytes(NETWORK))
    assert done.status == ImportStatus.FAILED and "could not be applied" in done.error
    assert not Provider.objects.exists() and not Site.objects.exists()


def test_the_command_imports_a_file_and_refuses_a_wrong_one(tmp_path, make_user):
    make_user("network_ops", username="ops_cli")
    good = tmp_path / "providers.csv"
    good.write_bytes(csv_bytes(NETWORK))
    out = io.StringIO()
    call_command(
        "load_provider_file",
        str(good),
        "--file-date",
        "2026-11-01",
        "--user",
        "ops_cli",
        stdout=out,
    )
    assert "Applied" in out.getvalue() and "providers added: 2" in out.getvalue()
    assert Provider.objects.get(medicaid_id="100000001").history.get().history_user.username == (
        "ops_cli"
    )
    bad = tmp_path / "notes.csv"
    bad.write_text("hello,world\n1,2\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("load_provider_file", str(bad), stdout=io.StringIO())
    assert Provider.objects.count() == 2


def test_dry_run_stores_the_report_only(tmp_path):
    path = tmp_path / "providers.csv"
    path.write_bytes(csv_bytes(NETWORK))
    out = io.StringIO()
    call_command("load_provider_file", str(path), "--dry-run", stdout=out)
    assert "Not applied (dry run)" in out.getvalue() and not Provider.objects.exists()


def test_file_date_defaults_are_used_for_terminations(run_import):
    run_import(csv_bytes(NETWORK))
    run_import(csv_bytes(NETWORK[:3]))
    assert Provider.objects.get(medicaid_id="100000002").termination_date == FILE_DATE


def test_the_job_plans_once_when_nothing_changed_between_report_and_apply(run_import, monkeypatch):
    calls = []
    real = runs.plan_for
    monkeypatch.setattr(runs, "plan_for", lambda imp: calls.append(imp.pk) or real(imp))
    assert run_import(csv_bytes(NETWORK)).status == ImportStatus.APPLIED
    assert len(calls) == 1


def test_a_write_between_report_and_apply_is_noticed_and_nothing_is_applied(
    run_import, monkeypatch, make_user
):
    run_import(csv_bytes(NETWORK))
    real, edited = runs.plan_for, []

    def plan_then_someone_edits(provider_import):  # type: ignore[no-untyped-def]
        plan = real(provider_import)
        if not edited:
            harbor = Provider.objects.get(medicaid_id="100000001")
            provider_update(
                acting_user=make_user("network_ops"), provider=harbor, tax_id="069999999"
            )
            edited.append(harbor)
        return plan

    monkeypatch.setattr(runs, "plan_for", plan_then_someone_edits)
    done = run_import(csv_bytes([row(legal_name="Renamed"), *NETWORK[1:]]))
    assert done.status == ImportStatus.FAILED and done.error == STALE_REPORT
    harbor = Provider.objects.get(medicaid_id="100000001")
    assert (harbor.name, harbor.tax_id) == ("Harbor Clinic", "069999999")
