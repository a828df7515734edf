"""X12 834 (005010X220A1) files as staged rows: what each member loop asks the loader to do.

`members.x12_834` reads the file (streaming; envelope defects refuse the whole file); this module turns
each member (INS loop) into staged rows:

- a coverage (HD) with maintenance 021 add, 001 change, 030 audit, 026 correction, or 025 reinstatement
  with a begin date states a span: program = HD04 plan code, DTP*348/349 (else the member's DTP*356/357);
- a coverage with 024 termination or 002 delete ends the coverage in force on its end date (never deletes);
- a member without coverage loops: 024 ends every program on DTP*357; 025 reopens the latest ended span
  of each program; otherwise (021, 001, 030) only the demographics are applied.

BGN08 gives the mode when the load does not: RX (replace) and 4 (verify: a full-file audit) are full
files, 2 (update) is a delta; BGN03 gives the file's date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from members.choices import LoadMode, RejectionCode
from members.loading.rows import (
    MEDICAID_ID,
    MEMBER_ONLY,
    REINSTATE,
    STATE,
    TERMINATE,
    FileRefused,
    FirstRows,
    Rejection,
    StagedRow,
    day_number,
)
from members.x12_834 import (
    Coverage834,
    Member834,
    Transaction834,
    X12FileError,
    iter_members,
    validate_834,
)

SEGMENT_ERROR = re.compile(r"segment (\d+) \(")
FULL_ACTIONS = {"RX", "4"}
STATES = {"021", "001", "030", "026"}
ENDS = {"024", "002"}
PROBLEM_CODES = {
    "bad_date": RejectionCode.BAD_DATE,
    "bad_sex": RejectionCode.BAD_VALUE,
    "bad_maintenance": RejectionCode.BAD_VALUE,
    "missing_id": RejectionCode.BAD_ID,
    "conflicting_id": RejectionCode.BAD_ID,
    "missing_name": RejectionCode.MISSING_NAME,
}
NO_BEGIN = "HD{line} coverage has no begin date (DTP*348, or DTP*356 on the member)."
NO_END = "The termination has no end date (DTP*349, or DTP*357 on the member)."
UNKNOWN_PLAN = "HD04 plan code {code!r} is not one of our programs."
NO_COVERAGE = "No coverage (HD) loop: the member's details were recorded, no eligibility span."
BAD_ID = "REF*0F {value!r} is not a 9-character Medicaid id."


@dataclass
class Staged834:
    """What reading an 834 produced: rows (a generator, consumed by staging), then the rest."""

    rows: Iterator[StagedRow]
    rejections: list[Rejection] = field(default_factory=list)
    rows_read: int = 0
    header: Transaction834 | None = None


def read_834(stream: BinaryIO, *, programs: Mapping[str, int]) -> Staged834:
    """Staged rows for an 834; file-level defects raise FileRefused while the rows are consumed."""
    staged = Staged834(rows=iter(()))
    staged.rows = _rows(stream, programs, staged)
    return staged


def validation_warnings(path: str) -> tuple[list[str], list[Rejection]]:
    """pyx12's verdict on the file: envelope-level errors (the file is refused) and segment-level
    errors (recorded as warnings at their segment; the member loops are still read)."""
    envelope: list[str] = []
    warnings: list[Rejection] = []
    for error in validate_834(path):
        found = SEGMENT_ERROR.match(error)
        if found:
            position = int(found[1])
            warnings.append(Rejection(position, RejectionCode.X12_ERROR, error[:300], applied=True))
        else:
            envelope.append(error)
    return envelope, warnings


def mode_and_date(header: Transaction834) -> tuple[str, dt.date]:
    """The load mode BGN08 asks for, and the file's date (BGN03)."""
    return (LoadMode.FULL if header.action in FULL_ACTIONS else LoadMode.DELTA), header.file_date


def _rows(stream: BinaryIO, programs: Mapping[str, int], staged: Staged834) -> Iterator[StagedRow]:
    first_rows = FirstRows()
    try:
        for header, member in iter_members(stream):
            staged.header = staged.header or header
            staged.rows_read += 1
            rows, rejections = member_rows(member, programs)
            staged.rejections += rejections
            for row in rows:
                yield (*row, first_rows(row[1]))
    except X12FileError as exc:
        raise FileRefused(f"The 834 file is refused: {exc}.") from exc


def member_rows(
    member: Member834, programs: Mapping[str, int]
) -> tuple[list[StagedRow], list[Rejection]]:
    """The staged rows (without the first-row flag) and rejections for one INS member loop."""
    position, medicaid_id = member.position, (member.medicaid_id or "").strip().upper()
    if member.problems:
        return [], [
            Rejection(position, PROBLEM_CODES.get(code, RejectionCode.X12_ERROR), text, medicaid_id)
            for code, text in member.problems
        ]
    if not MEDICAID_ID.fullmatch(medicaid_id):
        message = BAD_ID.format(value=medicaid_id[:20])
        return [], [Rejection(position, RejectionCode.BAD_ID, message, medicaid_id[:20])]
    person = (
        position,
        medicaid_id,
        member.last_name[:60] or None,
        member.first_name[:60] or None,
        member.middle_name[:60] if member.last_name else None,
        day_number(member.birth_date) if member.birth_date else None,
        member.sex or None,
        None,  # language: not read from the 834
        None,  # town
        None,  # DCF involvement
    )
    if member.coverages:
        return _coverage_rows(member, person, programs)
    return _member_level_rows(member, person)


def _coverage_rows(
    member: Member834, person: tuple, programs: Mapping[str, int]
) -> tuple[list[StagedRow], list[Rejection]]:
    rows: list[StagedRow] = []
    rejections: list[Rejection] = []
    position, medicaid_id = person[0], person[1]
    for coverage in member.coverages:
        program_id = programs.get(coverage.plan_code.strip().upper())
        if program_id is None:
            message = UNKNOWN_PLAN.format(code=coverage.plan_code[:20])
            rejections.append(
                Rejection(position, RejectionCode.UNKNOWN_PROGRAM, message, medicaid_id)
            )
            continue
        row, problem = _coverage_row(member, coverage, program_id)
        if problem:
            rejections.append(Rejection(position, problem[0], problem[1], medicaid_id))
        elif row is not None:
            rows.append((*person, *row))
    return rows, rejections


def _coverage_row(
    member: Member834, coverage: Coverage834, program_id: int
) -> tuple[tuple | None, tuple[RejectionCode, str] | None]:
    """(program, start, end, action) for one HD loop, or why it cannot be applied."""
    code = coverage.maintenance or member.maintenance
    begin = coverage.begin or member.eligibility_begin
    end = coverage.end or member.eligibility_end
    if code in ENDS:
        if end is None:
            return None, (RejectionCode.BAD_DATE, NO_END)
        return (program_id, None, day_number(end), TERMINATE), None
    if code == "025" and begin is None:
        return (program_id, None, None, REINSTATE), None
    if code in STATES or code == "025":
        if begin is None:
            return None, (RejectionCode.BAD_DATE, NO_BEGIN.format(line=coverage.insurance_line))
        if end is not None and end < begin:
            return None, (RejectionCode.END_BEFORE_START, "The coverage ends before it begins.")
        return (program_id, day_number(begin), day_number(end) if end else None, STATE), None
    return None, None  # 032: employee information not applicable


def _member_level_rows(member: Member834, person: tuple) -> tuple[list[StagedRow], list[Rejection]]:
    if member.maintenance == "024":
        if member.eligibility_end is None:
            return [], [Rejection(person[0], RejectionCode.BAD_DATE, NO_END, person[1])]
        return [(*person, None, None, day_number(member.eligibility_end), TERMINATE)], []
    if member.maintenance == "025":
        return [(*person, None, None, None, REINSTATE)], []
    warnings = []
    if member.maintenance in {"021", "030"}:
        warnings.append(
            Rejection(person[0], RejectionCode.NO_COVERAGE, NO_COVERAGE, person[1], applied=True)
        )
    return [(*person, None, None, None, MEMBER_ONLY)], warnings
