"""Bad CSV input: each bad row is rejected with its line, code and message and the rest loads; a file
that cannot be read at all fails with a clear message, changes nothing, and the load row says why."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from aso.core.jobs import JobReporter
from aso.core.models import Job
from members.choices import LoadStatus, RejectionCode
from members.models import EligibilityLoad, EligibilityRejection, EligibilitySpan, Member
from tests.members.factories import MemberFactory, span, spans_of
from tests.members.loads import HEADER, csv_file, row, run_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def load(ref, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def run(content: bytes, **kwargs):  # type: ignore[no-untyped-def]
        return run_load(django_capture_on_commit_callbacks, content, **kwargs)

    return run


@pytest.mark.parametrize(
    ("bad_row", "code", "message"),
    [
        (row("12345", "HUSKY_A", "2024-01-01"), RejectionCode.BAD_ID, "9 letters or digits"),
        (row("10000000!", "HUSKY_A", "2024-01-01"), RejectionCode.BAD_ID, "9 letters or digits"),
        (
            row("100000009", "HUSKY_A", "2024-02-30"),
            RejectionCode.BAD_DATE,
            "'2024-02-30' is not a real date",
        ),
        (row("100000009", "HUSKY_A", "01/05/2024"), RejectionCode.BAD_DATE, "not a real date"),
        (row("100000009", "HUSKY_A", ""), RejectionCode.BAD_DATE, "start_date is required"),
        (
            row("100000009", "HUSKY_A", "2024-01-01", birth="1990-13-01"),
            RejectionCode.BAD_DATE,
            "birth_date",
        ),
        (
            row("100000009", "HUSKY_A", "2024-05-01", "2024-04-30"),
            RejectionCode.END_BEFORE_START,
            "ends before it starts",
        ),
        (
            row("100000009", "HUSKY_Z", "2024-01-01"),
            RejectionCode.UNKNOWN_PROGRAM,
            "Unknown program 'HUSKY_Z'",
        ),
        (
            row("100000009", "HUSKY_A", "2024-01-01", last=""),
            RejectionCode.MISSING_NAME,
            "names are required",
        ),
        (
            row("100000009", "HUSKY_A", "2024-01-01", first=" "),
            RejectionCode.MISSING_NAME,
            "names are required",
        ),
        (row("100000009", "HUSKY_A", "2024-01-01", sex="X"), RejectionCode.BAD_VALUE, "sex 'X'"),
        (
            "100000009,Rivera,Ana,1990-04-12",
            RejectionCode.BAD_ROW,
            "has 4 columns; the header has 12",
        ),
    ],
    ids=[
        "short-id",
        "bad-character",
        "impossible-date",
        "not-iso",
        "no-start",
        "bad-birth-date",
        "end-before-start",
        "unknown-program",
        "no-last-name",
        "blank-first-name",
        "bad-sex",
        "short-row",
    ],
)
def test_a_bad_row_is_rejected_with_line_code_and_message_and_the_rest_loads(
    load, bad_row, code, message
):
    result = load(
        csv_file(
            row("012345678", "HUSKY_A", "2024-01-01"),
            bad_row,
            row("100000001", "HUSKY_D", "2024-01-01"),
        )
    )
    assert result.status == LoadStatus.SUCCEEDED
    assert (result.rows_read, result.rows_rejected, result.members_added) == (3, 1, 2)
    (rejection,) = result.rejections.all()
    assert (rejection.position, rejection.code, rejection.applied) == (3, code, False)
    assert message in rejection.message and rejection.raw.startswith(bad_row[:5])


def test_every_problem_of_a_row_is_listed_not_just_the_first(load):
    result = load(csv_file(row("BAD", "NOPE", "2024-02-30", last="")))
    assert sorted(result.rejections.values_list("code", flat=True)) == sorted(
        [
            RejectionCode.BAD_ID,
            RejectionCode.MISSING_NAME,
            RejectionCode.BAD_DATE,
            RejectionCode.UNKNOWN_PROGRAM,
        ]
    )
    assert result.rows_rejected == 1


def test_an_unknown_town_loads_the_row_without_a_town_and_says_so(load):
    result = load(csv_file(row("012345678", "HUSKY_A", "2024-01-01", town="Atlantis")))
    assert Member.objects.get().town is None and result.rows_rejected == 0
    (warning,) = result.rejections.all()
    assert warning.applied and "Atlantis" in warning.message


def test_spaces_and_lower_case_codes_read_the_same_as_a_clean_row(load):
    messy = (
        " 012345678 , Rivera , Ana ,, 1990-04-12 , f , ES , hartford , y , husky_a , 2024-01-01 , "
    )
    load(csv_file(messy))
    member = Member.objects.get()
    assert (member.medicaid_id, member.last_name, member.sex, member.language) == (
        "012345678",
        "Rivera",
        "F",
        "es",
    )
    assert (member.town.name, member.dcf_involved) == ("Hartford", True)
    assert spans_of(member) == [("HUSKY_A", "2024-01-01", None)]


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing(load):
    header = "program,start_date,end_date,medicaid_id,birth_date,first_name,last_name"
    load(csv_file("HUSKY_C,2024-01-01,,012345678,1950-02-03,Ana,Rivera", header=header))
    member = Member.objects.get()
    assert (member.sex, member.language, member.town) == ("U", "en", None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n", "The file is empty."),
        (
            b"medicaid_id,last_name\n012345678,Rivera\n",
            "lacks required column(s): first_name, birth_date",
        ),
        (b"medicaid_id,medicaid_id,x\n", "names a column twice: medicaid_id"),
        (
            (
                HEADER + "\n" + row("012345678", "HUSKY_A", "2024-01-01", last="Mu\xf1oz") + "\n"
            ).encode("latin-1"),
            "not UTF-8 text (line 2)",
        ),
    ],
    ids=["empty", "blank-lines", "missing-columns", "repeated-column", "latin-1"],
)
def test_a_file_that_cannot_be_read_fails_changes_nothing_and_says_why(load, content, message):
    ana = MemberFactory(medicaid_id="012345678")
    span(ana, "HUSKY_A", "2020-01-01")
    result = load(content, mode="full", as_of="2026-01-01")
    assert result.status == LoadStatus.FAILED and message in result.message
    assert EligibilityLoad.objects.get(pk=result.pk).message == result.message
    assert spans_of(ana) == [("HUSKY_A", "2020-01-01", None)]
    assert not EligibilityRejection.objects.exists()


def test_a_failure_in_the_middle_of_the_file_keeps_nothing_of_its_first_rows(load):
    good = "\n".join(row(f"{100000000 + n:09d}", "HUSKY_A", "2024-01-01") for n in range(50))
    content = (HEADER + "\n" + good + "\n").encode() + "Mu\xf1oz".encode("latin-1") + b"\n"
    result = load(content)
    assert result.status == LoadStatus.FAILED and "line 52" in result.message
    assert not Member.objects.exists() and not EligibilitySpan.objects.exists()


def test_a_full_file_where_nothing_can_be_applied_is_refused_rather_than_ending_everyone(load):
    ana = MemberFactory(medicaid_id="012345678")
    span(ana, "HUSKY_A", "2020-01-01")
    result = load(csv_file(row("BAD", "HUSKY_A", "2024-01-01")), mode="full", as_of="2026-01-01")
    assert result.status == LoadStatus.FAILED and "end everyone's coverage" in result.message
    assert spans_of(ana) == [("HUSKY_A", "2020-01-01", None)]


def test_a_failed_load_of_a_file_can_be_run_again_once_fixed(load):
    assert load(b"").status == LoadStatus.FAILED
    assert (
        load(b"", name="again.csv").status == LoadStatus.FAILED
    )  # not a duplicate: it never loaded


def test_progress_is_published_through_the_cache_while_the_transaction_is_open(
    load, monkeypatch, make_user
):
    seen: list[tuple[int, bool]] = []
    original = JobReporter.progress

    def spy(self, percent, message=""):  # type: ignore[no-untyped-def]
        original(self, percent, message)
        from django.db import connection

        cached = cache.get(f"job-progress:{self.job.pk}")
        seen.append((cached["progress"], connection.in_atomic_block))

    monkeypatch.setattr(JobReporter, "progress", spy)
    load(csv_file(row("012345678", "HUSKY_A", "2024-01-01")), user=make_user("data_ops"))
    assert any(inside for _, inside in seen) and [p for p, _ in seen][-1] == 100
    assert Job.objects.get().counts["spans added"] == 1
