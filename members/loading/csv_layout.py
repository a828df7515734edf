"""Our CSV eligibility layout (docs/formats/eligibility.md): one row per member span.

Pure reading: bytes in, staged rows and rejections out; the program and town tables are passed in.
Every problem of a row is reported (one rejection per reason); the rest of the file loads. A file that
is not UTF-8, is empty, or lacks a required column is refused as a whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from members.choices import RejectionCode
from members.loading.rows import (
    LANGUAGE,
    MEDICAID_ID,
    RAW_LIMIT,
    STATE,
    DateReader,
    FileRefused,
    FirstRows,
    Rejection,
    StagedRow,
)

COLUMNS = (
    "medicaid_id",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "language",
    "town",
    "dcf_involved",
    "program",
    "start_date",
    "end_date",
)
REQUIRED = (
    "medicaid_id",
    "last_name",
    "first_name",
    "birth_date",
    "program",
    "start_date",
    "end_date",
)
SEXES = {"F", "M", "U"}
FLAGS = {"Y": True, "N": False}
FAST_SEXES = {"", *SEXES}  # exactly as written: anything else (case, spaces) takes the slow path
FAST_FLAGS = {"", *FLAGS}

EMPTY_FILE = "The file is empty."
NOT_UTF8 = "The file is not UTF-8 text (line {line}): save it as UTF-8 and load it again."
MISSING_COLUMNS = "The header row lacks required column(s): {columns}."
DUPLICATE_COLUMNS = "The header row names a column twice: {columns}."
NOT_CSV = "The file is not a CSV file in our layout: {reason}."


@dataclass
class CsvReading:
    """What reading a CSV file produced besides the rows: the rejections and the line count."""

    rejections: list[Rejection] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0


def read_csv(
    stream: BinaryIO,
    *,
    programs: Mapping[str, int],
    towns: Mapping[str, int],
    reading: CsvReading,
    progress: Callable[[int], None] | None = None,
) -> Iterator[StagedRow]:
    """Staged rows of a CSV file in our layout; rejections and counts are added to `reading`."""
    reader = csv.reader(_utf8_lines(stream))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise FileRefused(NOT_CSV.format(reason=exc)) from exc
    if not header or not any(h.strip() for h in header):
        raise FileRefused(EMPTY_FILE)
    index = _header_index(header)
    row_check = _RowCheck(index, programs, towns, len(header))
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            reading.rows_read += 1
            staged, problems = row_check(line, row)
            if problems:
                reading.rejections.extend(problems)
            if staged is None:
                reading.rows_rejected += 1
                continue
            yield staged
            if progress is not None and reading.rows_read % 50_000 == 0:
                progress(stream.tell())
    except csv.Error as exc:
        raise FileRefused(NOT_CSV.format(reason=f"line {line + 1}: {exc}")) from exc


def _utf8_lines(stream: BinaryIO) -> Iterator[str]:
    """The file's lines as text (a UTF-8 byte-order mark dropped), decoded a megabyte at a time; a
    line that is not UTF-8 refuses the file, naming the line."""
    lines_before = 0
    first = True
    while block := stream.read(1 << 20):
        block += stream.readline()  # end on a line break: no character is cut in two
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = lines_before + block.count(b"\n", 0, exc.start) + 1
            raise FileRefused(NOT_UTF8.format(line=line)) from exc
        if first:
            text, first = text.removeprefix("\ufeff"), False
        lines_before += block.count(b"\n")
        yield from io.StringIO(text, newline="")  # lines end at \n or \r only, as csv expects


def _header_index(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise FileRefused(DUPLICATE_COLUMNS.format(columns=", ".join(repeated)))
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise FileRefused(MISSING_COLUMNS.format(columns=", ".join(missing)))
    return {name: names.index(name) for name in COLUMNS if name in names}


class _RowCheck:
    """Validates one row against the layout: a staged row, or the reasons it cannot be loaded."""

    def __init__(
        self,
        index: dict[str, int],
        programs: Mapping[str, int],
        towns: Mapping[str, int],
        width: int,
    ) -> None:
        self.i = index
        self.programs = programs
        self.towns = {name.lower(): pk for name, pk in towns.items()}
        self.width = width
        self.dates = DateReader()
        self.first_rows = FirstRows()
        # Columns in COLUMNS order; a missing optional column reads as the empty string appended
        # to every row.
        self.pick = operator.itemgetter(*(index.get(name, width) for name in COLUMNS))
        self.has_middle = "middle_name" in index

    def _get(self, row: list[str], name: str) -> str:
        position = self.i.get(name)
        return row[position].strip() if position is not None else ""

    def __call__(self, line: int, row: list[str]) -> tuple[StagedRow | None, list[Rejection]]:
        """The fast path for a clean row (most of a million); anything unusual goes to `_detailed`,
        which names every problem. Both apply the same checks."""
        if len(row) == self.width:
            row.append("")
            mid, last, first, middle, birth, sex, lang, town, dcf, prog, start, end = self.pick(row)
            row.pop()
            last, first = last.strip(), first.strip()
            dates = self.dates.seen
            b, s = dates[birth], dates[start]
            e = dates[end] if end else None
            program_id = self.programs.get(prog)
            town_id = self.towns.get(town.lower()) if town else None
            if (
                b is not None
                and s is not None
                and (e is not None or not end)
                and (e is None or e >= s)
                and program_id is not None
                and last
                and first
                and (town_id is not None or not town)
                and sex in FAST_SEXES
                and dcf in FAST_FLAGS
                and (not lang or LANGUAGE.fullmatch(lang))
                and MEDICAID_ID.fullmatch(mid)
            ):
                return (
                    line,
                    mid,
                    last[:60],
                    first[:60],
                    middle.strip()[:60] if self.has_middle else None,
                    *(b, sex or None, lang or None, town_id, FLAGS.get(dcf), program_id, s, e),
                    STATE,
                    self.first_rows(mid),
                ), []
        return self._detailed(line, row)

    def _detailed(self, line: int, row: list[str]) -> tuple[StagedRow | None, list[Rejection]]:
        raw = ",".join(row)[:RAW_LIMIT]
        if len(row) != self.width:
            message = f"The row has {len(row)} columns; the header has {self.width}."
            return None, [Rejection(line, RejectionCode.BAD_ROW, message, raw=raw)]
        get = self._get
        medicaid_id = get(row, "medicaid_id").upper()
        problems: list[tuple[RejectionCode, str]] = []
        if not MEDICAID_ID.fullmatch(medicaid_id):
            problems.append((RejectionCode.BAD_ID, "The Medicaid id must be 9 letters or digits."))
        last, first = get(row, "last_name"), get(row, "first_name")
        if not last or not first:
            problems.append((RejectionCode.MISSING_NAME, "The last and first names are required."))
        birth = self._date(get(row, "birth_date"), "birth_date", problems, required=True)
        start = self._date(get(row, "start_date"), "start_date", problems, required=True)
        end = self._date(get(row, "end_date"), "end_date", problems, required=False)
        if start is not None and end is not None and end < start:
            problems.append((RejectionCode.END_BEFORE_START, "The span ends before it starts."))
        code = get(row, "program").upper()
        program_id = self.programs.get(code)
        if program_id is None:
            problems.append((RejectionCode.UNKNOWN_PROGRAM, f"Unknown program {code[:20]!r}."))
        sex, language, dcf = self._codes(row, problems)
        if problems:
            return None, [Rejection(line, c, m, medicaid_id[:20], raw) for c, m in problems]
        town_id, warnings = self._town(line, row, medicaid_id, raw)
        middle = get(row, "middle_name") if "middle_name" in self.i else None
        staged = (line, medicaid_id, last[:60], first[:60], None if middle is None else middle[:60])
        return (
            (
                *staged,
                *(birth, sex, language, town_id, dcf, program_id, start, end, STATE),
                self.first_rows(medicaid_id),
            ),
            warnings,
        )

    def _date(
        self,
        text: str,
        column: str,
        problems: list[tuple[RejectionCode, str]],
        *,
        required: bool,
    ) -> int | None:
        if not text:
            if required:
                problems.append((RejectionCode.BAD_DATE, f"{column} is required (YYYY-MM-DD)."))
            return None
        value = self.dates(text)
        if value is None:
            problems.append(
                (RejectionCode.BAD_DATE, f"{column} {text[:20]!r} is not a real date (YYYY-MM-DD).")
            )
        return value

    def _codes(
        self, row: list[str], problems: list[tuple[RejectionCode, str]]
    ) -> tuple[str | None, str | None, bool | None]:
        sex = self._get(row, "sex").upper() or None
        if sex is not None and sex not in SEXES:
            problems.append((RejectionCode.BAD_VALUE, f"sex {sex[:5]!r} is not F, M or U."))
        language = self._get(row, "language").lower() or None
        if language is not None and not LANGUAGE.fullmatch(language):
            problems.append(
                (RejectionCode.BAD_VALUE, f"language {language[:10]!r} is not a language code.")
            )
        flag = self._get(row, "dcf_involved").upper()
        dcf = FLAGS.get(flag) if flag else None
        if flag and dcf is None:
            problems.append((RejectionCode.BAD_VALUE, f"dcf_involved {flag[:5]!r} is not Y or N."))
        return sex, language, dcf

    def _town(
        self, line: int, row: list[str], medicaid_id: str, raw: str
    ) -> tuple[int | None, list[Rejection]]:
        name = self._get(row, "town")
        if not name:
            return None, []
        town_id = self.towns.get(name.lower())
        if town_id is not None:
            return town_id, []
        message = f"Unknown town {name[:40]!r}: the row was loaded without a town."
        warning = Rejection(line, RejectionCode.BAD_VALUE, message, medicaid_id, raw, applied=True)
        return None, [warning]


def is_utf8_sample(sample: bytes) -> bool:
    """Whether the first bytes of a file decode as UTF-8 (a cut multi-byte character at the end is fine)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True
