"""X12 005010X220A1 834 reader, writer and pyx12 validation (members/x12_834.py).

Pure tests: no Django and no database. The shared public sample files are read from
$X12_834_SAMPLES (default /work/shared/samples/x12-834); their tests skip when it is absent.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members import x12_834
from members.x12_834 import (
    Coverage834,
    Enrollee834,
    Envelope834,
    Interchange834,
    Member834,
    Transaction834,
    X12FileError,
    iter_members,
    parse_834,
    validate_834,
    write_834,
    write_834_to,
)

SAMPLES = Path(os.environ.get("X12_834_SAMPLES", "/work/shared/samples/x12-834"))
FILE_DAY = date(2026, 4, 1)

# --------------------------------------------------------------------------------------------
# Building test files
# --------------------------------------------------------------------------------------------

ISA = (
    "ISA*00*          *00*          *ZZ*STATEMMIS      *ZZ*BHASO          *260401*0900*^*00501*"
    "000000042*0*P*:~"
)
HEADER = [
    "BGN*00*REF42*20260401*0900****{action}",
    "N1*P5*STATE DSS*FI*999999999",
    "N1*IN*BH ASO*FI*999999998",
]


def x12(*members: str, action: str = "2") -> str:
    """A complete interchange around member segments given as 'SEG*...' lines (counts computed)."""
    body = ["ST*834*0001*005010X220A1"] + [line.format(action=action) for line in HEADER]
    body += [line.strip() for block in members for line in block.strip().splitlines()]
    body.append(f"SE*{len(body) + 1}*0001")
    segments = [ISA.removesuffix("~"), "GS*BE*STATEMMIS*BHASO*20260401*0900*42*X*005010X220A1"]
    segments += body + ["GE*1*42", "IEA*1*000000042"]
    return "~\n".join(segments) + "~\n"


ADD = """
INS*Y*18*021*28*A
REF*0F*012345678
DTP*356*D8*20260101
NM1*IL*1*DOE*JANE*Q
DMG*D8*19800515*F
HD*021**HLT*HUSKY_A
DTP*348*D8*20260101
"""

CHANGE = """
INS*Y*18*001*AI*A
REF*0F*000000007
NM1*IL*1*ROE*RICHARD
DMG*D8*19700131*M
HD*001**HLT*HUSKY_D
DTP*348*D8*20250101
"""

TERMINATE = """
INS*Y*18*024*07*A
REF*0F*123450000
DTP*356*D8*20240101
DTP*357*D8*20260331
NM1*IL*1*POE*EDGAR
DMG*D8*19900119*M
HD*024**HLT*HUSKY_A
DTP*348*D8*20240101
DTP*349*D8*20260331
"""

REINSTATE = """
INS*Y*18*025*41*A
REF*0F*555000111
DTP*356*D8*20250701
NM1*IL*1*LANE*LOIS
DMG*D8*19850305*F
HD*025**AK*DMHAS_BH
DTP*348*D8*20250701
"""

AUDIT = """
INS*Y*18*030*XN*A
REF*0F*{id}
DTP*356*D8*20230101
NM1*IL*1*KENT*CLARK
DMG*D8*19780618*M
HD*030**HLT*HUSKY_C
DTP*348*D8*20230101
"""


def only_member(text: str | bytes) -> Member834:
    (transaction,) = parse_834(text).transactions
    (member,) = transaction.members
    return member


def codes(member: Member834) -> list[str]:
    return [code for code, _ in member.problems]


def enrollee(**changes: object) -> Enrollee834:
    base = Enrollee834(
        "012345678", "DOE", "JANE", date(1980, 5, 15), "F", "HUSKY_A", date(2026, 1, 1)
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def written(*people: Enrollee834, action: str = "2") -> str:
    return write_834(people, Envelope834(file_date=FILE_DAY, action=action))


# --------------------------------------------------------------------------------------------
# Happy paths by maintenance type
# --------------------------------------------------------------------------------------------


def test_add_021_reads_ids_names_demographics_and_coverage() -> None:
    interchange = parse_834(x12(ADD))
    assert (interchange.sender, interchange.receiver) == ("STATEMMIS", "BHASO")
    assert (interchange.control_number, interchange.implementation) == ("000000042", "005010X220A1")
    (transaction,) = interchange.transactions
    assert (transaction.control_number, transaction.purpose) == ("0001", "00")
    assert (transaction.reference, transaction.file_date, transaction.action) == (
        "REF42",
        FILE_DAY,
        "2",
    )
    (member,) = transaction.members
    assert member == Member834(
        position=7,
        maintenance="021",
        subscriber=True,
        medicaid_id="012345678",
        last_name="DOE",
        first_name="JANE",
        middle_name="Q",
        birth_date=date(1980, 5, 15),
        sex="F",
        eligibility_begin=date(2026, 1, 1),
        eligibility_end=None,
        coverages=(Coverage834("021", "HLT", "HUSKY_A", date(2026, 1, 1), None),),
        problems=(),
    )


def test_change_001() -> None:
    member = only_member(x12(CHANGE))
    assert (member.maintenance, member.medicaid_id, member.last_name) == ("001", "000000007", "ROE")
    assert member.coverages == (Coverage834("001", "HLT", "HUSKY_D", date(2025, 1, 1), None),)
    assert member.eligibility_begin is None and member.problems == ()


def test_termination_024_with_dtp_357_and_hd_349() -> None:
    member = only_member(x12(TERMINATE))
    assert member.maintenance == "024"
    assert (member.eligibility_begin, member.eligibility_end) == (
        date(2024, 1, 1),
        date(2026, 3, 31),
    )
    assert member.coverages == (
        Coverage834("024", "HLT", "HUSKY_A", date(2024, 1, 1), date(2026, 3, 31)),
    )


def test_reinstatement_025() -> None:
    member = only_member(x12(REINSTATE))
    assert (member.maintenance, member.eligibility_begin) == ("025", date(2025, 7, 1))
    assert member.coverages[0].insurance_line == "AK"  # X12 1205 code for mental health
    assert member.coverages[0].plan_code == "DMHAS_BH"


def test_audit_030_full_file_with_bgn08_rx() -> None:
    blocks = [AUDIT.replace("{id}", f"{n:09d}") for n in range(3)]
    (transaction,) = parse_834(x12(*blocks, action="RX")).transactions
    assert transaction.action == "RX"
    assert [m.medicaid_id for m in transaction.members] == ["000000000", "000000001", "000000002"]
    assert {m.maintenance for m in transaction.members} == {"030"}
    assert [m.position for m in transaction.members] == [7, 14, 21]


def test_hand_written_fixtures_pass_pyx12(tmp_path: Path) -> None:
    path = tmp_path / "fixtures.834"
    path.write_text(x12(ADD, CHANGE, TERMINATE, REINSTATE, AUDIT.replace("{id}", "1"), action="RX"))
    assert validate_834(path) == []


def test_several_members_of_each_kind_in_one_file_keep_file_order() -> None:
    (transaction,) = parse_834(x12(ADD, CHANGE, TERMINATE, REINSTATE)).transactions
    assert [m.maintenance for m in transaction.members] == ["021", "001", "024", "025"]


def test_several_transaction_sets_and_groups() -> None:
    lines = x12(ADD).split("~\n")
    body = lines[2 : lines.index("GE*1*42")]
    second = [re.sub(r"^(ST\*834\*|SE\*\d+\*)0001", r"\g<1>0002", line) for line in body]
    group = lines[1].replace("*42*X", "*43*X")
    doc = [lines[0], lines[1], *body, *second, "GE*2*42", group, *body, "GE*1*43"]
    interchange = parse_834("~".join([*doc, "IEA*2*000000042~"]))
    found = [(t.control_number, t.members[0].position) for t in interchange.transactions]
    assert found == [("0001", 7), ("0002", 19), ("0001", 33)]


def test_line_feed_segment_terminator_and_unterminated_last_segment() -> None:
    assert only_member(x12(ADD).replace("~\n", "\n")) == only_member(x12(ADD))
    assert only_member(x12(ADD).rstrip("~\n")) == only_member(x12(ADD))


def test_member_ids_are_kept_exactly_as_sent() -> None:
    member = only_member(x12(ADD.replace("012345678", "000012345")))
    assert member.medicaid_id == "000012345"


def test_rd8_ranges_give_begin_and_end() -> None:
    text = ADD.replace("DTP*356*D8*20260101", "DTP*356*RD8*20260101-20261231")
    text = text.replace("DTP*348*D8*20260101", "DTP*348*RD8*20260101-20260630\nDTP*349*D8*20260331")
    member = only_member(x12(text))
    assert (member.eligibility_begin, member.eligibility_end) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert (member.coverages[0].begin, member.coverages[0].end) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )


def test_loops_that_are_not_the_member_are_ignored() -> None:
    """2100B incorrect-member DMG, 2320 COB dates and LS/LE 2700 REF*0F/DTP do not leak in."""
    text = ADD.replace("HD*021", "NM1*70*1*WRONG*NAME\nDMG*D8*19990101*M\nHD*021")
    text += "COB*P*123*5\nDTP*349*D8*20260201\nLS*2700\nLX*1\nN1*75*X\nREF*0F*999999999\n"
    text += "DTP*007*D8*20200101\nLE*2700\n"
    member = only_member(x12(text))
    assert (member.medicaid_id, member.birth_date, member.sex) == (
        "012345678",
        date(1980, 5, 15),
        "F",
    )
    assert member.coverages[0].end is None and member.problems == ()


def test_corrected_member_name_nm1_74_is_the_member_name() -> None:
    member = only_member(x12(ADD.replace("NM1*IL*1*DOE*JANE*Q", "NM1*74*1*DOE*JANE")))
    assert (member.last_name, member.first_name, member.problems) == ("DOE", "JANE", ())


# --------------------------------------------------------------------------------------------
# Tolerated layouts: BOM, CRLF, indentation, other delimiters, chunk boundaries
# --------------------------------------------------------------------------------------------


def test_bom_crlf_and_indentation_are_tolerated() -> None:
    lines = x12(ADD).splitlines()
    pretty = "\r\n".join(("    " * (i % 3)) + line for i, line in enumerate(lines))
    member = only_member(("\ufeff" + pretty).encode("utf-8"))
    assert member == only_member(x12(ADD))


def test_delimiters_come_from_the_isa() -> None:
    text = x12(ADD).replace("*", "|").replace("~\n", "\n").replace("^", "!")
    text = text.replace("|P|:\n", "|P|>\n", 1)
    assert text[3] == "|" and text[104:106] == ">\n"
    assert only_member(text) == only_member(x12(ADD))


def test_utf8_names_are_read() -> None:
    member = only_member(x12(ADD.replace("DOE*JANE", "MUÑOZ*JOSÉ")).encode("utf-8"))
    assert (member.last_name, member.first_name) == ("MUÑOZ", "JOSÉ")


def test_tiny_read_chunks_give_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunk boundaries inside segments, delimiters and a 2-byte UTF-8 character."""
    data = x12(ADD.replace("DOE", "MUÑOZ"), CHANGE, TERMINATE).encode("utf-8")
    expected = parse_834(data)
    monkeypatch.setattr(x12_834, "_CHUNK", 7)
    assert parse_834(io.BytesIO(data)) == expected
    assert parse_834(data) == expected


def test_path_and_binary_file_sources(tmp_path: Path) -> None:
    path = tmp_path / "in.834"
    path.write_text(x12(ADD, CHANGE))
    with path.open("rb") as handle:
        assert parse_834(path) == parse_834(handle) == parse_834(x12(ADD, CHANGE))


# --------------------------------------------------------------------------------------------
# Member-level problems: the member is rejected, the file still loads
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "code", "message"),
    [
        ("REF*0F*012345678\n", "", "missing_id", "REF*0F subscriber id is missing"),
        ("REF*0F*012345678", "REF*0F*", "missing_id", "REF*0F subscriber id is missing"),
        ("NM1*IL*1*DOE*JANE*Q", "NM1*IL*1**JANE", "missing_name", "NM1*IL member last name"),
        ("NM1*IL*1*DOE*JANE*Q\n", "", "missing_name", "NM1*IL member last name is missing"),
        (
            "DTP*348*D8*20260101",
            "DTP*348*D8*20211345",
            "bad_date",
            "DTP*348 date 20211345 is not a valid D8 date",
        ),
        ("DTP*356*D8*20260101", "DTP*356*D8*2026011", "bad_date", "DTP*356 date 2026011 is"),
        ("DTP*356*D8*20260101", "DTP*356*RD8*20261231-20260101", "bad_date", "not a valid RD8"),
        ("DTP*356*D8*20260101", "DTP*356*D6*260101", "bad_date", "format D6 is not D8 or RD8"),
        ("DMG*D8*19800515*F", "DMG*D8*19800230*F", "bad_date", "DMG02 birth date is not valid"),
        ("DMG*D8*19800515*F", "DMG*D8*19800515*X", "bad_sex", "DMG03 gender code X is not M"),
        ("INS*Y*18*021*28*A", "INS*Y*18*022*28*A", "bad_maintenance", "INS03 maintenance type"),
        ("HD*021**HLT", "HD*099**HLT", "bad_maintenance", "HD01 maintenance type 099"),
        (
            "REF*0F*012345678",
            "REF*0F*012345678\nREF*0F*876543210",
            "conflicting_id",
            "REF*0F appears twice",
        ),
    ],
)
def test_member_problems(old: str, new: str, code: str, message: str) -> None:
    assert old in ADD
    (transaction,) = parse_834(x12(CHANGE, ADD.replace(old, new), TERMINATE)).transactions
    first, broken, last = transaction.members
    assert first.problems == () and last.problems == ()
    assert code in codes(broken)
    text = dict(broken.problems)[code]
    assert all(word in text for word in message.split() if word not in ("is", "not"))


def test_invalid_birth_date_message_withholds_the_date() -> None:
    member = only_member(x12(ADD.replace("19800515", "19801301")))
    assert member.birth_date is None
    assert member.problems == (("bad_date", "DMG02 birth date is not a valid D8 date"),)
    assert "19801301" not in repr(member.problems)


def test_unknown_sex_is_reported_and_not_kept() -> None:
    member = only_member(x12(ADD.replace("*F\n", "*Z\n")))
    assert member.sex == "" and codes(member) == ["bad_sex"]


# --------------------------------------------------------------------------------------------
# Whole-file refusals
# --------------------------------------------------------------------------------------------

GOOD = x12(ADD, CHANGE)


def without(text: str, segment: str) -> str:
    return text.replace(segment + "~\n", "", 1)


REFUSALS: list[tuple[str, str | bytes, str]] = [
    ("empty", b"", "file is empty"),
    ("blank", "  \r\n\n", "file is empty"),
    (
        "not x12",
        b"medicaid_id,name,dob\n012345678,DOE JANE,1980-05-15\n",
        "not an X12 file: it does not start with an ISA",
    ),
    (
        "latin-1",
        x12(ADD.replace("DOE", "MUÑOZ")).encode("latin-1"),
        "not UTF-8 or ASCII text: byte 0xD1 at offset",
    ),
    ("truncated", GOOD[: GOOD.index("NM1*IL*1*ROE")], "file is truncated: transaction set 0001"),
    ("no IEA", without(GOOD, "IEA*1*000000042"), "file is truncated: no IEA interchange trailer"),
    ("no SE", without(GOOD, "SE*18*0001"), "transaction set 0001 (ST at segment 3) has no SE"),
    ("SE01", GOOD.replace("SE*18*0001", "SE*17*0001"), "SE01 at segment 20 says 17 segments"),
    ("SE02", GOOD.replace("SE*18*0001", "SE*18*0002"), "SE02 '0002' at segment 20 does not"),
    ("GE01", GOOD.replace("GE*1*42", "GE*2*42"), "GE01 at segment 21 says 2 transaction sets"),
    ("GE02", GOOD.replace("GE*1*42", "GE*1*43"), "GE02 '43' at segment 21 does not match GS06"),
    ("IEA01", GOOD.replace("IEA*1*", "IEA*2*"), "IEA01 at segment 22 says 2 functional groups"),
    ("IEA02", GOOD.replace("IEA*1*000000042", "IEA*1*000000043"), "does not match ISA13"),
    ("ST01", GOOD.replace("ST*834*", "ST*270*"), "is a '270', not an 834 benefit enrollment"),
    ("GS01", GOOD.replace("GS*BE*", "GS*HS*"), "is 'HS', not BE"),
    (
        "4010",
        GOOD.replace("*00501*", "*00401*"),
        "X12 version 004010 is not supported; send 005010X220A1",
    ),
    (
        "4010 GS08",
        GOOD.replace("X*005010X220A1", "X*004010X095A1"),
        "X12 version 004010 is not supported; send 005010X220A1",
    ),
    (
        "X307",
        GOOD.replace("X*005010X220A1", "X*005010X307"),
        (
            "implementation guide 005010X307 (834 enrollment in a qualified health plan through a "
            "health insurance exchange) in GS08 at segment 2 is not supported; send 005010X220A1"
        ),
    ),
    (
        "ST03",
        GOOD.replace("ST*834*0001*005010X220A1", "ST*834*0001*005010X220"),
        "implementation guide 005010X220 in ST03 at segment 3 is not supported",
    ),
    (
        "ISA width",
        GOOD.replace("STATEMMIS      *", "STATEMMIS     *", 1),
        "ISA interchange header is 105 characters, not 106: ISA elements are fixed width and ISA06",
    ),
    ("ISA short", GOOD[:80], "ISA interchange header is incomplete"),
    ("no GS", ISA + "IEA*0*000000042~", "interchange has no 834 functional group (GS)"),
    ("no BGN", without(GOOD, "BGN*00*REF42*20260401*0900****2"), "BGN must follow ST"),
    ("BGN03", GOOD.replace("*20260401*0900****", "*20260431*0900****"), "BGN03 file date"),
    ("no sponsor", without(GOOD, "N1*P5*STATE DSS*FI*999999999"), "no 1000A sponsor (N1*P5)"),
    ("no payer", without(GOOD, "N1*IN*BH ASO*FI*999999998"), "no 1000B payer (N1*IN)"),
    (
        "segment id",
        GOOD.replace("DMG*D8*19700131", "dmg*D8*19700131"),
        "segment 17 does not start with a valid segment identifier",
    ),
    ("after IEA", GOOD + "ISA*00*" + "~\n", "unexpected data after the IEA trailer at segment 23"),
    (
        "outside group",
        GOOD.replace("GE*1*42~\n", "GE*1*42~\nREF*38*X~\n"),
        "segment 22 (REF) is outside a functional group",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_refusals_name_the_problem_without_phi(data: str | bytes, message: str) -> None:
    with pytest.raises(X12FileError) as caught:
        parse_834(data)
    text = str(caught.value)
    assert message in text
    for phi in ("012345678", "000000007", "DOE", "JANE", "ROE", "RICHARD", "1980", "1970"):
        assert phi not in text


def test_x12_file_error_is_a_value_error() -> None:
    assert issubclass(X12FileError, ValueError)


def test_iter_members_yields_then_refuses_a_bad_trailer() -> None:
    """Streaming: members come out before SE is checked, so loaders commit after the end."""
    stream = iter_members(GOOD.replace("SE*18*0001", "SE*17*0001"))
    header, first = next(stream)
    assert (header.members, first.medicaid_id) == ((), "012345678")
    with pytest.raises(X12FileError, match="SE01"):
        list(stream)


def test_iter_members_matches_parse() -> None:
    text = x12(ADD, CHANGE, TERMINATE)
    pairs = list(iter_members(text))
    (transaction,) = parse_834(text).transactions
    assert [member for _, member in pairs] == list(transaction.members)
    assert {header for header, _ in pairs} == {dataclasses.replace(transaction, members=())}


def test_results_are_frozen() -> None:
    member = only_member(x12(ADD))
    with pytest.raises(dataclasses.FrozenInstanceError):
        member.medicaid_id = "1"  # type: ignore[misc]
    assert isinstance(parse_834(x12(ADD)), Interchange834)
    assert isinstance(parse_834(x12(ADD)).transactions[0], Transaction834)


# --------------------------------------------------------------------------------------------
# Writer and pyx12 validation
# --------------------------------------------------------------------------------------------


def test_written_file_round_trips_and_passes_pyx12(tmp_path: Path) -> None:
    people = [
        enrollee(),
        enrollee(
            medicaid_id="000000001",
            last_name="ROE",
            first_name="RICHARD",
            sex="M",
            plan_code="HUSKY_D",
            begin=date(2025, 1, 1),
            end=date(2026, 3, 31),
            maintenance="024",
            middle_name="Q",
        ),
        enrollee(
            medicaid_id="999999999",
            last_name="O'NEIL",
            first_name="ANA MARIA",
            birth_date=None,
            sex="",
            plan_code="DMHAS",
            maintenance="025",
            insurance_line="AK",
        ),
        enrollee(medicaid_id="100000000", maintenance="001"),
        enrollee(medicaid_id="200000000", maintenance="030"),
    ]
    text = written(*people, action="RX")
    path = tmp_path / "written.834"
    path.write_text(text)
    assert validate_834(path) == []
    (transaction,) = parse_834(path).transactions
    assert transaction.action == "RX"
    assert [summary(m) for m in transaction.members] == [expected(p) for p in people]


def summary(member: Member834) -> tuple[object, ...]:
    (coverage,) = member.coverages
    return (
        member.medicaid_id,
        member.last_name,
        member.first_name,
        member.middle_name,
        member.birth_date,
        member.sex,
        coverage.plan_code,
        coverage.insurance_line,
        member.eligibility_begin,
        member.eligibility_end,
        coverage.begin,
        coverage.end,
        member.maintenance,
        coverage.maintenance,
        member.problems,
    )


def expected(person: Enrollee834) -> tuple[object, ...]:
    sex = (person.sex or "U") if person.birth_date else ""
    return (
        person.medicaid_id,
        person.last_name,
        person.first_name,
        person.middle_name,
        person.birth_date,
        sex,
        person.plan_code,
        person.insurance_line,
        person.begin,
        person.end,
        person.begin,
        person.end,
        person.maintenance,
        person.maintenance,
        (),
    )


def test_write_834_to_streams_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "many.834"
    with path.open("w") as handle:
        count = write_834_to(
            handle,
            (enrollee(medicaid_id=f"{n:09d}") for n in range(250)),
            Envelope834(file_date=FILE_DAY, control_number=7),
        )
    assert count == 250
    text = path.read_text()
    assert f"SE*{4 + 250 * 7 + 1}*0001~" in text and "IEA*1*000000007~" in text
    assert len(parse_834(path).transactions[0].members) == 250


@pytest.mark.parametrize(
    "change",
    [
        {"last_name": "DOE*SMITH"},
        {"first_name": "A~B"},
        {"plan_code": "A:B"},
        {"medicaid_id": ""},
        {"maintenance": "002"},
        {"sex": "X"},
        {"last_name": "MUÑOZ"},
        {"first_name": "ANA\nMARIA"},
    ],
)
def test_writer_refuses_values_an_834_cannot_carry(change: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        written(enrollee(**change))


def test_broken_copy_fails_pyx12_with_clear_errors(tmp_path: Path) -> None:
    text = written(enrollee(), enrollee(medicaid_id="000000001", birth_date=date(1970, 1, 31)))
    assert "DMG*D8*19700131*F~" in text and "SE*19*0001~" in text
    broken = text.replace("DMG*D8*19700131", "DMG*D8*19701301").replace("SE*19*", "SE*18*")
    path = tmp_path / "broken.834"
    path.write_text(broken)
    errors = validate_834(path)
    assert errors == [
        "transaction set 0001: SE count of 18 for SE02=0001 is wrong. I count 19",
        "segment 18 (DMG): DMG02 Member Birth Date: value is not a valid date",
    ]
    assert not any("19701301" in error for error in errors)
    with pytest.raises(X12FileError, match="SE01 at segment 21 says 18 segments"):
        parse_834(path)
    fixed = broken.replace("SE*18*", "SE*19*")
    assert codes(parse_834(fixed).transactions[0].members[1]) == ["bad_date"]


def test_validate_reports_refusals_as_errors(tmp_path: Path) -> None:
    path = tmp_path / "latin1.834"
    path.write_bytes(x12(ADD.replace("DOE", "MUÑOZ")).encode("latin-1"))
    (error,) = validate_834(path)
    assert error.startswith("file is not UTF-8 or ASCII text")
    path.write_text("")
    assert validate_834(str(path)) == ["file is empty"]
    path.write_text(GOOD.replace("X*005010X220A1", "X*005010X307"))
    assert "005010X307" in validate_834(path)[0]


def test_validate_tolerates_bom_crlf_and_indentation(tmp_path: Path) -> None:
    path = tmp_path / "pretty.834"
    pretty = "\r\n".join("  " + line for line in written(enrollee()).splitlines())
    path.write_bytes(("\ufeff" + pretty).encode("utf-8"))
    assert validate_834(path) == []


# --------------------------------------------------------------------------------------------
# Property: write then parse returns the same members
# --------------------------------------------------------------------------------------------

NAME = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ '-.", min_size=1, max_size=30).map(str.strip)
DAY = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def enrollees(draw: st.DrawFn) -> Enrollee834:
    begin = draw(DAY)
    end = draw(st.one_of(st.none(), DAY))
    birth = draw(st.one_of(st.none(), DAY))
    return Enrollee834(
        medicaid_id=draw(st.text("0123456789ABCDEFGHJKLMNPRSTUVWXYZ", min_size=1, max_size=12)),
        last_name=draw(NAME.filter(bool)),
        first_name=draw(NAME),
        middle_name=draw(NAME.map(lambda name: name[:25].strip())),  # NM105: at most 25
        birth_date=birth,
        sex=draw(st.sampled_from("MFU")) if birth else "",
        plan_code=draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", max_size=20)),
        begin=begin,
        end=max(begin, end) if end else None,
        maintenance=draw(st.sampled_from(sorted(x12_834.INS_MAINTENANCE))),
        insurance_line=draw(st.sampled_from(["HLT", "AK", "HMO"])),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(enrollees(), max_size=8), st.sampled_from(["2", "4", "RX"]))
def test_property_write_then_parse_returns_the_same_members(
    people: list[Enrollee834], action: str
) -> None:
    (transaction,) = parse_834(written(*people, action=action)).transactions
    assert transaction.action == action
    assert [summary(m) for m in transaction.members] == [expected(p) for p in people]


@settings(max_examples=15, deadline=None)
@given(st.lists(enrollees(), min_size=1, max_size=4))
def test_property_written_files_pass_pyx12(people: list[Enrollee834]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "written.834"
        path.write_text(written(*people))
        assert validate_834(path) == []


# --------------------------------------------------------------------------------------------
# Every shared sample file, with its expected outcome
# --------------------------------------------------------------------------------------------


class M(NamedTuple):
    """Expected member: id, INS03, subscriber, last, first, birth date, sex, 2000 dates, HD."""

    medicaid_id: str | None
    maintenance: str
    subscriber: bool
    last_name: str
    first_name: str
    birth_date: date | None
    sex: str
    eligibility: tuple[date | None, date | None]
    coverages: tuple[Coverage834, ...]


class Outcome(NamedTuple):
    refused: str | None = None  # text in the X12FileError message
    action: str = ""
    members: tuple[M, ...] = ()
    validation: tuple[str, ...] = ()  # texts that must appear in validate_834's errors


def d(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def hd(code: str, line: str, plan: str, begin: str | None, end: str | None = None) -> Coverage834:
    return Coverage834(code, line, plan, d(begin) if begin else None, d(end) if end else None)


NONE: tuple[None, None] = (None, None)
X307 = "implementation guide 005010X307 (834 enrollment in a qualified health plan through a health"
V4010 = "X12 version 004010 is not supported; send 005010X220A1"
DHCS = M(
    "91234567S",
    "001",
    True,
    "JOHN",
    "DOE",
    d("19450206"),
    "M",
    NONE,
    (hd("021", "HLT", "123;01", "20110801", "20110831"),),
)

EXPECTED: dict[str, Outcome] = {
    # ISA16 missing: the 106-character rule would make "~" the component separator.
    "impendjcs-validator__valid-834_actually-malformed.edi": Outcome(
        refused="ISA16 (component element separator) is missing",
        validation=("ISA16 (component element separator) is missing",),
    ),
    "lfh__X307-enroll-individuals-in-qualified-health-plan-through-health-insurance-exchange"
    ".copy.edi": Outcome(refused=X307, validation=(X307,)),
    # Says X220A1 but is header only: no 1000A/1000B loops (and no members).
    "lfh__X307-enroll-individuals-in-qualified-health-plan-through-health-insurance-exchange"
    ".edi": Outcome(
        refused="no 1000A sponsor (N1*P5) loop before segment 10",
        validation=('Mandatory loop "Sponsor Name" (1000A) missing',),
    ),
    "lfh__X307-shop-enrollment-in-qualified-health-plan-through-health-insurance-exchange.edi": Outcome(
        refused=X307, validation=(X307,)
    ),
    # DTP*351 (education end) is not an eligibility date: ignored.
    "lfh__add-dependent.834": Outcome(
        action="2",
        members=(
            M(
                "123456789",
                "021",
                False,
                "DOE",
                "JOHN",
                d("19770816"),
                "M",
                NONE,
                (hd("021", "HLT", "", "19960601"),),
            ),
        ),
    ),
    "lfh__add-subscriber-coverage.834": Outcome(
        action="2",
        members=(
            M(
                "123456789",
                "001",
                True,
                "SMITH",
                "WILLIAM",
                None,
                "",
                NONE,
                (hd("021", "DEN", "", "20020701"),),
            ),
        ),
    ),
    "lfh__cancel-dependent.834": Outcome(
        action="2",
        members=(
            M(
                "123456789",
                "024",
                False,
                "DOE",
                "JAMES",
                d("19770816"),
                "M",
                (None, d("19960801")),
                (),
            ),
        ),
    ),
    # The second DMG belongs to NM1*70 (incorrect member, 2100B): not the member's birth date.
    "lfh__change-subscriber-information.834": Outcome(
        action="2",
        members=(M("123456789", "001", True, "DOE", "JAMES", d("19500415"), "M", NONE, ()),),
    ),
    # DTP*358 is not an X220A1 member date qualifier: ignored by the reader, flagged by pyx12.
    "lfh__enroll-employee-managed-care.834": Outcome(
        action="2",
        members=(
            M(
                "123456789",
                "021",
                True,
                "SMITH",
                "WILLIAM",
                d("19700614"),
                "M",
                NONE,
                (hd("021", "HMO", "", "19960601"),),
            ),
        ),
        validation=("segment 10 (DTP): Segment DTP*358 not found",),
    ),
    "lfh__enroll-employee-multiple-products.834": Outcome(
        action="2",
        members=(
            M(
                "123456789",
                "021",
                True,
                "DOE",
                "JOHN",
                d("19400816"),
                "M",
                (d("19960523"), None),
                (hd("021", "HLT", "", "19960601"), hd("021", "VIS", "", "19960601")),
            ),
        ),
    ),
    "lfh__reinstate-employee-coverage-level.834": Outcome(
        action="2",
        members=(
            M(
                "202443307",
                "025",
                True,
                "SMITH",
                "WILLIAM",
                None,
                "",
                NONE,
                (hd("025", "DEN", "", "20020701"),),
            ),
        ),
    ),
    # DTP*303 (maintenance effective) is not an eligibility date: ignored.
    "lfh__reinstate-employee.834": Outcome(
        action="2", members=(M("123456789", "025", True, "DOE", "JAMES", None, "", NONE, ()),)
    ),
    "lfh__reinstate-member-eligiblity-ins.834": Outcome(
        action="2", members=(M("202443307", "025", True, "SMITH", "WILLIAM", None, "", NONE, ()),)
    ),
    # INS01=Y with INS02=19 (child) is inconsistent; subscriber follows INS01.
    "lfh__terminate-subscriber-eligibility.834": Outcome(
        action="2",
        members=(M("123456789", "024", True, "DOE", "JOHN", None, "", (None, d("19960801")), ()),),
    ),
    # BGN action "2" sits in BGN07, so BGN08 is absent (""); INS shift after INS06 does not touch
    # INS01/INS03; NM1*IL names are kept as sent (first/last look swapped in the source).
    "oopfactory__Dhcs_Example1_5010.txt": Outcome(
        action="",
        members=(DHCS,),
        validation=("BGN08 Action Code: required element is missing", "INS09 Student Status Code"),
    ),
    "oopfactory__Dhcs_Example2_5010.txt": Outcome(
        action="",
        members=(DHCS,),
        validation=(
            "BGN08 Action Code: required element is missing",
            "INS12 Member Individual Death Date: value is not a valid date",
        ),
    ),
    "oopfactory__Example1_IG_4010.txt": Outcome(refused=V4010, validation=(V4010,)),
    # Dependants without their own HD loop: members with no coverages.
    "pyx12__834_deident_family.txt": Outcome(
        action="2",
        members=(
            M(
                "M000002",
                "021",
                True,
                "SMITH",
                "ROBERT",
                d("19750820"),
                "M",
                (d("20260401"), None),
                (hd("021", "PPO", "", "20260401"),),
            ),
            M(
                "M000003",
                "021",
                False,
                "SMITH",
                "MARY",
                d("19770303"),
                "F",
                (d("20260401"), None),
                (),
            ),
            M(
                "M000004",
                "021",
                False,
                "SMITH",
                "MICHAEL",
                d("20100612"),
                "M",
                (d("20260401"), None),
                (),
            ),
        ),
    ),
    "pyx12__834_deident_new_enroll.txt": Outcome(
        action="2",
        members=(
            M(
                "M000001",
                "021",
                True,
                "DOE",
                "JANE",
                d("19800515"),
                "F",
                (d("20260401"), None),
                (hd("021", "HMO", "", "20260401"),),
            ),
        ),
    ),
    "pyx12__834_deident_term.txt": Outcome(
        action="2",
        members=(
            M(
                "M000010",
                "024",
                True,
                "JONES",
                "PATRICIA",
                d("19680924"),
                "F",
                (d("20210101"), d("20260331")),
                (hd("024", "PPO", "", None, "20260331"),),
            ),
            M(
                "M000011",
                "024",
                True,
                "BROWN",
                "THOMAS",
                d("19720415"),
                "M",
                (d("20210601"), d("20260331")),
                (hd("024", "PPO", "", None, "20260331"),),
            ),
        ),
    ),
    # NM1*74 (corrected insured) is the 2100A name; NM1*70 and its DMG are the old values;
    # REF/DTP inside LS/LE 2700 are ignored. "REF OF" is a placeholder id, kept as sent.
    "pyx12__834_ls_le_ls.txt": Outcome(
        action="2",
        members=(
            M(
                "REF OF",
                "001",
                True,
                "SUBSCRIBER LAST 1",
                "SUBSCRIBER FIRST 1",
                d("19830719"),
                "F",
                (d("20120901"), d("20130331")),
                (hd("001", "HMO", "12345678902012062020130415N", "20120901"),),
            ),
        ),
    ),
    "pyx12__834_lui_id_004010.txt": Outcome(refused=V4010, validation=(V4010,)),
}

SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir()) if SAMPLES.is_dir() else []
needs_samples = pytest.mark.skipif(not SAMPLE_FILES, reason=f"no sample directory {SAMPLES}")


@needs_samples
def test_every_sample_file_has_an_expected_outcome() -> None:
    assert sorted(EXPECTED) == SAMPLE_FILES


@needs_samples
@pytest.mark.parametrize("name", SAMPLE_FILES or sorted(EXPECTED))
def test_sample_file_outcome(name: str) -> None:
    outcome = EXPECTED[name]
    path = SAMPLES / name
    if outcome.refused:
        with pytest.raises(X12FileError) as caught:
            parse_834(path)
        assert outcome.refused in str(caught.value)
    else:
        (transaction,) = parse_834(path).transactions
        assert transaction.action == outcome.action
        got = [
            M(
                m.medicaid_id,
                m.maintenance,
                m.subscriber,
                m.last_name,
                m.first_name,
                m.birth_date,
                m.sex,
                (m.eligibility_begin, m.eligibility_end),
                m.coverages,
            )
            for m in transaction.members
        ]
        assert got == list(outcome.members)
        assert all(m.problems == () for m in transaction.members)
    errors = validate_834(path)
    for text in outcome.validation:
        assert any(text in error for error in errors), errors
    assert bool(errors) == bool(outcome.refused or outcome.validation)
