"""The claims loader: layout, row rules with reasons, idempotence per file, one transaction."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

from par import services
from par.claims_file import COLUMNS, LayoutError, read_chunks
from par.models import ClaimLine, ClaimRejection, ClaimsLoad
from par.services import claims_load_run

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)
# claim_id,line,member_id,billing_npi,site_number,service_from,service_to,procedure,revenue,dx,pos,paid
GOOD = [
    "C1,1,100000001,1234567893,001,2026-03-01,2026-03-05,,0114,F32.9,21,2026-03-20",
    "C1,2,100000001,1234567893,001,2026-03-01,2026-03-05,90792,0114,F32.9,21,2026-03-20",
    "C2,1,100000002,1003000126,001,2026-03-07,,90834,,f32.9,11,2026-03-30",
    "C3,1,100000002,1234567893,001,2026-03-09,2026-03-09,99284,450,F41.1,23,2026-03-30",
]


def write(tmp_path: Path, rows: list[str], name: str = "claims.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def load(path: Path, user=None):  # type: ignore[no-untyped-def]
    return claims_load_run(acting_user=user, path=path, file_name=path.name)


def test_good_lines_load_with_their_level_of_care(par_world, tmp_path):
    result = load(write(tmp_path, GOOD))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 4, 0)
    lines = {(c.claim_id, c.line): c for c in ClaimLine.objects.all()}
    assert lines[("C1", 1)].level_of_care == "IP_PSY"  # revenue code
    assert lines[("C1", 2)].level_of_care == "IP_PSY"  # revenue code wins over procedure
    assert lines[("C2", 1)].level_of_care == "OP"  # procedure code when no revenue code
    assert lines[("C3", 1)].level_of_care == "ED" and lines[("C3", 1)].revenue_code == "0450"
    c2 = lines[("C2", 1)]
    assert (c2.service_from, c2.service_to) == (dt.date(2026, 3, 7), dt.date(2026, 3, 7))
    assert (c2.primary_dx, c2.member_id, c2.site_id) == (
        "F329",
        par_world.members[1].pk,
        par_world.sites["c"].pk,
    )
    batch = ClaimsLoad.objects.get()
    assert (batch.first_service, batch.last_service) == (dt.date(2026, 3, 1), dt.date(2026, 3, 9))


BAD = {
    "unknown_member": "B1,1,999999999,1234567893,001,2026-03-01,2026-03-01,90834,,F329,11,2026-03-20",
    "unknown_provider": "B2,1,100000001,1000000004,001,2026-03-01,2026-03-01,90834,,F329,11,2026-03-20",
    "unknown_site": "B3,1,100000001,1234567893,009,2026-03-01,2026-03-01,90834,,F329,11,2026-03-20",
    "bad_date": "B4,1,100000001,1234567893,001,2026-02-30,2026-03-01,90834,,F329,11,2026-03-20",
    "dates_order": "B5,1,100000001,1234567893,001,2026-03-05,2026-03-01,90834,,F329,11,2026-03-20",
    "paid_before_service": "B6,1,100000001,1234567893,001,2026-03-05,2026-03-05,90834,,F329,11,2026-03-01",
    "unknown_code": "B7,1,100000001,1234567893,001,2026-03-05,2026-03-05,99213,,F329,11,2026-03-20",
    "missing_value": ",1,100000001,1234567893,001,2026-03-05,2026-03-05,90834,,F329,11,2026-03-20",
    "bad_line_number": "B9,X,100000001,1234567893,001,2026-03-05,2026-03-05,90834,,F329,11,2026-03-20",
    "too_long": "B10,1,100000001,1234567893,001,2026-03-05,2026-03-05,90834,,F329.12345,11,2026-03-20",
}


def test_each_bad_row_is_rejected_with_its_reason_and_the_rest_loads(par_world, tmp_path):
    rows = [GOOD[2], *BAD.values(), GOOD[2]]  # the last row repeats the first: a duplicate
    result = load(write(tmp_path, rows))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (12, 1, 11)
    rejected = {r.line_number: r for r in ClaimRejection.objects.all()}
    expected = {line: reason for line, reason in enumerate(BAD, start=3)}
    expected[13] = "duplicate_in_file"
    assert {line: r.reason for line, r in rejected.items()} == expected
    assert result.rejected_by_reason["unknown_member"] == 1
    assert rejected[3].raw == BAD["unknown_member"]
    assert all(
        "100000001" not in r.message and "999999999" not in r.message for r in rejected.values()
    )
    assert "service_from is not a YYYY-MM-DD date" in rejected[6].message


def test_a_row_with_several_problems_names_them_all(par_world, tmp_path):
    load(write(tmp_path, [",1,999999999,1234567893,001,2026-13-01,,,,F329,11,2026-03-20"]))
    rejection = ClaimRejection.objects.get()
    assert rejection.reason == "missing_value"
    for words in ("claim_id is missing", "both missing", "not a YYYY-MM-DD", "No member"):
        assert words in rejection.message


def test_the_same_file_twice_is_a_no_op(par_world, tmp_path):
    path = write(tmp_path, GOOD)
    first = load(path)
    again = load(path)
    assert again.already_loaded and again.load_id == first.load_id
    assert "already loaded" in again.message
    assert ClaimsLoad.objects.count() == 1 and ClaimLine.objects.count() == 4


def test_a_line_loaded_by_an_earlier_file_is_rejected(par_world, tmp_path):
    load(write(tmp_path, GOOD[:2], name="first.csv"))
    result = load(write(tmp_path, GOOD[1:], name="second.csv"))
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert ClaimRejection.objects.get().reason == "already_loaded"
    assert ClaimLine.objects.count() == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER.replace(",paid_date", "") + "\n", "missing paid_date"),
        (HEADER + ",amount\n", "unexpected amount"),
        ("", "The file is empty"),
        ("claim_id;line;member_id\n", "unexpected claim_id;line;member_id"),
    ],
)
def test_a_wrong_layout_fails_and_writes_nothing(par_world, tmp_path, content, message):
    path = tmp_path / "wrong.csv"
    path.write_text(content)
    with pytest.raises(LayoutError, match=message):
        load(path)
    assert not ClaimsLoad.objects.exists() and not ClaimLine.objects.exists()


def test_a_broken_row_late_in_the_file_rolls_back_everything(par_world, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "read_chunks", functools.partial(read_chunks, chunk_rows=2))
    rows = [*GOOD, GOOD[0].replace("C1,1", "C9,1") + ",extra,columns"]
    with pytest.raises(LayoutError, match="Line 6 does not have the 12 columns"):
        load(write(tmp_path, rows))
    assert not ClaimsLoad.objects.exists() and not ClaimLine.objects.exists()


def test_a_file_that_is_not_utf8_fails(par_world, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\n").encode() + "C1,1,1000000é1\n".encode("latin-1"))
    with pytest.raises(LayoutError, match="not UTF-8"):
        load(path)


def test_the_command_loads_through_a_job_and_reports_counts(par_world, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from aso.core.models import Job

    out = StringIO()
    call_command("load_claims", str(write(tmp_path, [*GOOD, BAD["unknown_code"]])), stdout=out)
    job = Job.objects.get(kind="par_claims_load")
    assert job.status == "succeeded" and job.counts["rejected: unknown_code"] == 1
    assert "4 lines loaded, 1 rejected" in out.getvalue()
    assert ClaimsLoad.objects.get().job == job


def test_the_command_fails_on_a_wrong_layout_and_writes_nothing(par_world, tmp_path):
    from django.core.management import CommandError, call_command

    from aso.core.models import Job

    with pytest.raises(CommandError, match="missing paid_date"):
        call_command("load_claims", str(write(tmp_path, GOOD, header=HEADER[:-10])))
    assert Job.objects.get(kind="par_claims_load").status == "failed"
    assert not ClaimsLoad.objects.exists() and not ClaimLine.objects.exists()
