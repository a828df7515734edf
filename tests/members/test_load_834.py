"""X12 834 eligibility loads: adds, changes, terminations, reinstatements, full-file audits, bad files,
and every real-format sample in the shared samples folder with its expected outcome."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from members.choices import LoadStatus, RejectionCode
from members.models import EligibilityLoad, EligibilitySpan, Member
from tests.members.factories import MemberFactory, span, spans_of
from tests.members.loads import run_load, x12_file, x12_member

pytestmark = pytest.mark.django_db

SAMPLES = Path("/work/shared/samples/x12-834")


@pytest.fixture
def load(ref, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def run(content: bytes, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("name", "state.834")
        kwargs.setdefault("validate_x12", False)  # pyx12 costs ~0.3 s a file: only where it matters
        return run_load(
            django_capture_on_commit_callbacks, content, mode=kwargs.pop("mode", ""), **kwargs
        )

    return run


def test_an_add_creates_the_member_and_the_span_from_hd_and_dtp_348(load):
    result = load(x12_file(x12_member("012345678", "021", program="HUSKY_A", begin="20260101")))
    assert (result.status, result.format, result.mode, str(result.as_of)) == (
        LoadStatus.SUCCEEDED,
        "x12_834",
        "delta",
        "2026-04-01",
    )
    jane = Member.objects.get(medicaid_id="012345678")
    assert (jane.last_name, jane.first_name, str(jane.birth_date), jane.sex) == (
        "DOE",
        "JANE",
        "1980-05-15",
        "F",
    )
    assert spans_of(jane) == [("HUSKY_A", "2026-01-01", None)]
    assert EligibilitySpan.history.get().load == result


def test_a_change_with_an_end_date_ends_the_span_retroactively(load):
    jane = MemberFactory(medicaid_id="012345678")
    span(jane, "HUSKY_A", "2024-01-01")
    result = load(x12_file(x12_member("012345678", "001", begin="20240101", end="20251231")))
    assert (
        spans_of(jane) == [("HUSKY_A", "2024-01-01", "2025-12-31")] and result.spans_terminated == 1
    )


def test_a_termination_ends_the_coverage_and_never_deletes_it(load):
    jane = MemberFactory(medicaid_id="012345678")
    kept = span(jane, "HUSKY_A", "2024-01-01")
    span(jane, "DCF_LB", "2024-01-01")
    result = load(x12_file(x12_member("012345678", "024", begin=None, end="20260331")))
    assert spans_of(jane) == [
        ("DCF_LB", "2024-01-01", None),
        ("HUSKY_A", "2024-01-01", "2026-03-31"),
    ]
    assert EligibilitySpan.objects.filter(pk=kept.pk).exists() and result.spans_terminated == 1


def test_a_member_level_termination_ends_every_program(load):
    jane = MemberFactory(medicaid_id="012345678")
    span(jane, "HUSKY_A", "2024-01-01")
    span(jane, "DCF_LB", "2025-01-01")
    load(x12_file(x12_member("012345678", "024", program=None, member_end="20260331")))
    assert spans_of(jane) == [
        ("DCF_LB", "2025-01-01", "2026-03-31"),
        ("HUSKY_A", "2024-01-01", "2026-03-31"),
    ]


def test_a_termination_of_coverage_already_ended_is_noted_and_changes_nothing(load):
    jane = MemberFactory(medicaid_id="012345678")
    span(jane, "HUSKY_A", "2024-01-01", "2025-01-31")
    result = load(x12_file(x12_member("012345678", "024", begin=None, end="20260331")))
    assert spans_of(jane) == [("HUSKY_A", "2024-01-01", "2025-01-31")]
    (note,) = result.rejections.all()
    assert (note.code, note.applied, result.rows_rejected) == (
        RejectionCode.NOTHING_TO_CHANGE,
        True,
        0,
    )


def test_a_reinstatement_with_a_begin_date_reopens_the_coverage(load):
    jane = MemberFactory(medicaid_id="012345678")
    span(jane, "HUSKY_A", "2024-01-01", "2025-12-31")
    load(x12_file(x12_member("012345678", "025", begin="20240101")))
    assert spans_of(jane) == [("HUSKY_A", "2024-01-01", None)]


def test_a_reinstatement_without_dates_reopens_the_latest_ended_span(load):
    jane = MemberFactory(medicaid_id="012345678")
    span(jane, "HUSKY_A", "2020-01-01", "2020-12-31")
    span(jane, "HUSKY_A", "2024-01-01", "2025-12-31")
    result = load(x12_file(x12_member("012345678", "025", program=None)))
    assert spans_of(jane) == [
        ("HUSKY_A", "2020-01-01", "2020-12-31"),
        ("HUSKY_A", "2024-01-01", None),
    ]
    assert result.spans_changed == 1


def test_a_full_file_audit_ends_coverage_of_members_it_does_not_list(load):
    listed, absent = MemberFactory(medicaid_id="012345678"), MemberFactory(medicaid_id="100000001")
    span(listed, "HUSKY_A", "2024-01-01")
    span(absent, "HUSKY_D", "2023-01-01")
    result = load(
        x12_file(x12_member("012345678", "030", begin="20240101"), action="RX", day="20260401")
    )
    assert (result.mode, str(result.as_of)) == ("full", "2026-04-01")
    assert spans_of(listed) == [("HUSKY_A", "2024-01-01", None)]
    assert spans_of(absent) == [("HUSKY_D", "2023-01-01", "2026-03-31")]


def test_bgn08_verify_is_a_full_file_and_the_command_can_say_delta(load):
    absent = MemberFactory(medicaid_id="100000001")
    span(absent, "HUSKY_D", "2023-01-01")
    content = x12_file(x12_member("012345678", "030"), action="4")
    assert load(content, mode="delta").mode == "delta"
    assert spans_of(absent) == [("HUSKY_D", "2023-01-01", None)]


def test_a_bad_member_is_rejected_and_the_rest_loads(load):
    content = x12_file(
        x12_member("012345678"),
        x12_member("BAD", "021"),
        x12_member("100000001", program="NOT_A_PROGRAM"),
        x12_member("100000002", birth=None),
    )
    result = load(content)
    assert result.status == LoadStatus.SUCCEEDED
    assert sorted(Member.objects.values_list("medicaid_id", flat=True)) == ["012345678"]
    assert sorted(result.rejections.filter(applied=False).values_list("code", flat=True)) == [
        RejectionCode.BAD_ID,
        RejectionCode.MISSING_NAME,
        RejectionCode.UNKNOWN_PROGRAM,
    ]
    assert result.rows_rejected == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"medicaid_id,last_name\n1,2\n", "ISA"),
        ("ISA*00*\xe9".encode("latin-1") + b"x" * 200, "not UTF-8"),
    ],
    ids=["empty", "not-an-834", "wrong-encoding"],
)
def test_a_file_that_is_not_a_readable_834_fails_and_changes_nothing(load, content, message):
    result = load(content, file_format="x12_834")
    assert result.status == LoadStatus.FAILED and message in result.message
    assert not Member.objects.exists() and not result.rejections.exists()


def test_a_truncated_834_fails_after_reading_members_and_keeps_nothing(load):
    whole = x12_file(x12_member("012345678"), x12_member("100000001"))
    result = load(whole[: whole.index(b"SE*")])
    assert result.status == LoadStatus.FAILED and "834" in result.message
    assert not Member.objects.exists() and not EligibilitySpan.objects.exists()


def test_wrong_trailer_counts_are_refused_with_the_reason_recorded(load):
    result = load(_one_more_segment_counted(x12_file(x12_member("012345678"))), validate_x12=True)
    assert result.status == LoadStatus.FAILED and "SE" in result.message
    assert EligibilityLoad.objects.get(pk=result.pk).message == result.message
    assert not Member.objects.exists()


def test_pyx12_segment_errors_are_recorded_as_warnings(load):
    extra = b"NM1*IL*1*DOE*JANE~\nDTP*358*D8*20260101"
    content = x12_file(x12_member("012345678")).replace(b"NM1*IL*1*DOE*JANE", extra)
    content = _one_more_segment_counted(content)
    result = load(content, validate_x12=True)
    assert result.status == LoadStatus.SUCCEEDED and Member.objects.exists()
    assert result.rejections.filter(code=RejectionCode.X12_ERROR, applied=True).exists()


def _one_more_segment_counted(content: bytes) -> bytes:
    return re.sub(rb"SE\*(\d+)\*", lambda m: b"SE*%d*" % (int(m[1]) + 1), content)


# --- every shared sample --------------------------------------------------------------------------

FAILED = "failed"
# file -> (status, message part or "", members added, sorted rejection codes not applied)
EXPECTED = {
    "impendjcs-validator__valid-834_actually-malformed.edi": (FAILED, "ISA16", 0, []),
    "lfh__X307-enroll-individuals-in-qualified-health-plan-through-health-insurance-exchange.copy.edi": (
        FAILED,
        "005010X307",
        0,
        [],
    ),
    "lfh__X307-enroll-individuals-in-qualified-health-plan-through-health-insurance-exchange.edi": (
        FAILED,
        "1000A",
        0,
        [],
    ),
    "lfh__X307-shop-enrollment-in-qualified-health-plan-through-health-insurance-exchange.edi": (
        FAILED,
        "005010X307",
        0,
        [],
    ),
    "lfh__add-dependent.834": ("succeeded", "", 0, ["unknown_program"]),  # HD04 plan code blank
    "lfh__add-subscriber-coverage.834": ("succeeded", "", 0, ["unknown_program"]),
    "lfh__cancel-dependent.834": ("succeeded", "", 0, ["nothing_to_change"]),  # not a member
    "lfh__change-subscriber-information.834": ("succeeded", "", 1, []),  # demographics only
    "lfh__enroll-employee-managed-care.834": ("succeeded", "", 0, ["unknown_program"]),
    "lfh__enroll-employee-multiple-products.834": (
        "succeeded",
        "",
        0,
        ["unknown_program", "unknown_program"],
    ),
    "lfh__reinstate-employee-coverage-level.834": ("succeeded", "", 0, ["unknown_program"]),
    "lfh__reinstate-employee.834": ("succeeded", "", 0, ["nothing_to_change"]),
    "lfh__reinstate-member-eligiblity-ins.834": ("succeeded", "", 0, ["nothing_to_change"]),
    "lfh__terminate-subscriber-eligibility.834": ("succeeded", "", 0, ["nothing_to_change"]),
    "oopfactory__Dhcs_Example1_5010.txt": ("succeeded", "", 0, ["unknown_program"]),
    "oopfactory__Dhcs_Example2_5010.txt": ("succeeded", "", 0, ["unknown_program"]),
    "oopfactory__Example1_IG_4010.txt": (FAILED, "004010", 0, []),
    "pyx12__834_deident_family.txt": ("succeeded", "", 0, ["bad_id", "bad_id", "bad_id"]),
    "pyx12__834_deident_new_enroll.txt": ("succeeded", "", 0, ["bad_id"]),
    "pyx12__834_deident_term.txt": ("succeeded", "", 0, ["bad_id", "bad_id"]),
    "pyx12__834_ls_le_ls.txt": ("succeeded", "", 0, ["bad_id"]),  # REF*0F placeholder "REF OF"
    "pyx12__834_lui_id_004010.txt": (FAILED, "004010", 0, []),
}
SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir()) if SAMPLES.is_dir() else []
needs_samples = pytest.mark.skipif(not SAMPLE_FILES, reason=f"no sample directory {SAMPLES}")


@needs_samples
def test_every_sample_has_an_expected_load_outcome():
    assert sorted(EXPECTED) == SAMPLE_FILES


@needs_samples
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_loads_as_expected(load, name):
    status, message, added, rejected = EXPECTED[name]
    result = load((SAMPLES / name).read_bytes(), name=name, validate_x12=True)
    assert (result.status, result.members_added) == (status, added), result.message
    assert message in result.message
    codes = sorted(result.rejections.filter(applied=False).values_list("code", flat=True))
    assert codes == rejected
    if status == FAILED:
        assert not Member.objects.exists() and not EligibilitySpan.objects.exists()


@needs_samples
def test_a_known_member_in_a_sample_is_changed_and_terminated(load):
    """The LFH samples share id 123456789: once the member is known, their change and
    termination apply to our data."""
    member = MemberFactory(medicaid_id="123456789", last_name="DOE", first_name="JAMES")
    span(member, "HUSKY_A", "1990-01-01")
    load((SAMPLES / "lfh__terminate-subscriber-eligibility.834").read_bytes(), name="term.834")
    assert spans_of(member) == [("HUSKY_A", "1990-01-01", "1996-08-01")]
    changed = load(
        (SAMPLES / "lfh__change-subscriber-information.834").read_bytes(), name="chg.834"
    )
    member.refresh_from_db()
    assert changed.members_changed == 1 and str(member.birth_date) == "1950-04-15"
