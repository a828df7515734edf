"""The NPPES refresh against the official data-dissemination sample (tests/providers/data)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from providers.choices import ChangeAction, ImportStatus
from providers.imports.nppes import DEACTIVATED, NOT_NPPES
from providers.models import Provider
from tests.providers.files import csv_bytes, row

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "nppes_first10.csv"
HOSPITAL_NPI = "1497758544"  # CUMBERLAND COUNTY HOSPITAL SYSTEM, INC (organization, 251G00000X)
DOCTOR_NPI = "1679576722"  # DAVID A WIEBE (individual, 207X00000X, Kearney NE)


@pytest.fixture
def known(make_provider):  # type: ignore[no-untyped-def]
    hospital = make_provider(1, npi=HOSPITAL_NPI, name="Cumberland County Hospital System, Inc")
    doctor = make_provider(2, npi=DOCTOR_NPI, name="Wiebe Psychiatry", kind="individual")
    return hospital, doctor


def test_known_npis_get_names_practice_addresses_and_taxonomies_others_are_ignored(
    run_import, known
):
    done = run_import(SAMPLE.read_bytes(), source="nppes", name="npidata.csv")
    assert done.status == ImportStatus.APPLIED
    assert done.counts["rows_read"] == 10 and done.counts["rows_ignored"] == 8
    hospital, doctor = (Provider.objects.get(pk=p.pk) for p in known)
    # the same name but for case and punctuation is not a change
    assert hospital.name == "Cumberland County Hospital System, Inc"
    assert (hospital.taxonomy, hospital.practice_city, hospital.practice_state) == (
        "251G00000X",
        "FAYETTEVILLE",
        "NC",
    )
    assert hospital.practice_street == "3418 VILLAGE DR"
    assert doctor.name == "DAVID A WIEBE"
    assert (doctor.practice_street, doctor.practice_zip) == ("3500 CENTRAL AVE", "68847-2944")
    changed = {(c.key.split()[0], c.field) for c in done.changes.filter(action="changed")}
    assert ("000000002", "name") in changed and ("000000001", "name") not in changed
    last = doctor.history.first()
    assert last.history_user == done.created_by and last.history_change_reason.startswith(
        "NPPES refresh import #"
    )


def test_the_same_nppes_file_twice_changes_nothing(run_import, known):
    run_import(SAMPLE.read_bytes(), source="nppes")
    again = run_import(SAMPLE.read_bytes(), source="nppes")
    assert again.status == ImportStatus.UNCHANGED and not again.changes.exists()


def test_a_deactivated_npi_is_flagged_for_review_never_terminated(run_import, known):
    rows = list(csv.reader(io.StringIO(SAMPLE.read_text())))
    header, data = rows[0], rows[1:]
    hospital_row = next(r for r in data if r[0] == HOSPITAL_NPI)
    hospital_row[header.index("NPI Deactivation Date")] = "03/01/2026"
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([header, hospital_row])
    done = run_import(out.getvalue().encode(), source="nppes")
    (flag,) = done.changes.filter(action=ChangeAction.FLAGGED)
    assert flag.reason == DEACTIVATED.format(date="2026-03-01")
    assert Provider.objects.get(npi=HOSPITAL_NPI).status == "active"


def test_a_provider_file_given_as_nppes_fails_and_changes_nothing(run_import, known):
    done = run_import(csv_bytes([row()]), source="nppes")
    assert done.status == ImportStatus.FAILED
    assert done.error.startswith(NOT_NPPES.split("{")[0])
    assert Provider.objects.get(npi=DOCTOR_NPI).name == "Wiebe Psychiatry"


def test_the_refresh_command_reports_and_applies(known):
    out = io.StringIO()
    call_command("refresh_from_nppes", str(SAMPLE), stdout=out)
    assert "NPPES refresh" in out.getvalue() and "rows ignored: 8" in out.getvalue()
    assert Provider.objects.get(npi=DOCTOR_NPI).name == "DAVID A WIEBE"
