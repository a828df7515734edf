"""Read, write and validate X12 005010X220A1 834 benefit enrollment files from the state's MMIS.

Pure module: the standard library and pyx12 only, no Django. The eligibility loader turns the
frozen dataclasses below into member rows and eligibility spans.

Two kinds of defect are told apart:

* File-level defects (wrong encoding, no ISA, broken envelope, wrong counts or control numbers,
  a transaction that is not an 834 005010X220A1) raise `X12FileError`: the whole file is refused.
  Messages name the problem and the 1-based segment number, never member names or ids.
* Member-level defects (no REF*0F id, no name, an impossible date, an unknown code) are recorded in
  `Member834.problems`; the loader rejects that member and loads the rest of the file.

`iter_members` streams (a 1,000,000-member file is never held in memory); `parse_834` is built on
the same reader. Members are yielded as they are read, so a defect found later (a wrong SE count,
a missing IEA) raises `X12FileError` from the iterator: stage what it yields and commit only after
the iterator is exhausted.

Segment positions count every segment of the file from 1 (ISA is segment 1), as pyx12 does.
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, Final, TextIO, cast

import pyx12.errors
import pyx12.params
import pyx12.x12n_document

IMPLEMENTATION: Final = "005010X220A1"
"""GS08 / ST03 of the 834 Benefit Enrollment and Maintenance implementation guide (TR3)."""

INS_MAINTENANCE: Final = frozenset({"001", "021", "024", "025", "030"})
"""INS03 codes: 001 change, 021 addition, 024 cancellation or termination, 025 reinstatement,
030 audit or compare (full file)."""

HD_MAINTENANCE: Final = frozenset({"001", "002", "021", "024", "025", "026", "030", "032"})
"""HD01 codes: 001 change, 002 delete, 021 addition, 024 cancellation or termination,
025 reinstatement, 026 correction, 030 audit or compare, 032 employee information not applicable."""

SEX_CODES: Final = frozenset({"M", "F", "U"})
"""DMG03 gender codes allowed by 005010X220A1."""

KNOWN_GUIDES: Final = {
    "005010X307": "834 enrollment in a qualified health plan through a health insurance exchange",
    "005010X318": "834 enrollment for a stand-alone dental plan",
    "004010X095A1": "the 4010 edition of the 834 benefit enrollment guide",
}

Source = bytes | bytearray | str | os.PathLike[str] | IO[bytes]
"""Input accepted by the readers: X12 text (`str`), raw bytes, a path or a binary file object."""

_CHUNK: Final = 1 << 20
_FEED_BLOCK: Final = 1 << 16
_HEAD: Final = 4096
_ISA_LENGTH: Final = 106
_ISA_SEPARATORS: Final = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
_SEGMENT_ID: Final = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
_ENVELOPE: Final = frozenset({"ISA", "IEA", "GS", "GE", "ST"})
_BLANK: Final = " \t\r\n"
_MEMBER_BEGIN: Final = "356"
_MEMBER_END: Final = "357"
_COVERAGE_BEGIN: Final = "348"
_COVERAGE_END: Final = "349"


class X12FileError(ValueError):
    """The whole file is refused. The message names the problem (and segment when known), no PHI."""


# --------------------------------------------------------------------------------------------
# Public data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage834:
    """One 2300 Health Coverage loop: HD plus its DTP*348 (begin) / DTP*349 (end) dates."""

    maintenance: str
    insurance_line: str
    plan_code: str
    begin: date | None
    end: date | None


@dataclass(frozen=True)
class Member834:
    """One 2000 Member Level Detail loop (INS) with its 2100A name/demographics and 2300 coverages.

    `position` is the 1-based segment number of the INS segment in the file. `problems` holds
    `(reason_code, message)` pairs; a member with problems is rejected by the loader.
    """

    position: int
    maintenance: str
    subscriber: bool
    medicaid_id: str | None
    last_name: str
    first_name: str
    middle_name: str
    birth_date: date | None
    sex: str
    eligibility_begin: date | None
    eligibility_end: date | None
    coverages: tuple[Coverage834, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Transaction834:
    """One ST/SE transaction set. BGN08 action: "2" update, "4" verify, "RX" replace; "" if absent.

    `iter_members` hands out the header with `members == ()`; `parse_834` fills `members`.
    """

    control_number: str
    purpose: str
    reference: str
    file_date: date
    action: str
    members: tuple[Member834, ...] = ()


@dataclass(frozen=True)
class Interchange834:
    """One ISA/IEA interchange: sender ISA06, receiver ISA08, control number ISA13, GS08."""

    sender: str
    receiver: str
    control_number: str
    implementation: str
    transactions: tuple[Transaction834, ...] = ()


@dataclass(frozen=True)
class Delimiters:
    """Delimiters read from the ISA: element (char 4), repetition (ISA11), component (ISA16),
    segment terminator (the character after ISA16, the 106th of the ISA)."""

    element: str
    repetition: str
    component: str
    segment: str


# --------------------------------------------------------------------------------------------
# Decoding and segmentation
# --------------------------------------------------------------------------------------------


def _byte_chunks(source: Source) -> Iterator[bytes]:
    """Raw bytes of `source` in chunks of at most 1 MiB."""
    if isinstance(source, bytes | bytearray):
        view = memoryview(source)
        for start in range(0, len(view), _CHUNK):
            yield bytes(view[start : start + _CHUNK])
    elif isinstance(source, os.PathLike):
        with open(source, "rb") as handle:
            yield from iter(lambda: handle.read(_CHUNK), b"")
    else:
        yield from iter(lambda: source.read(_CHUNK), b"")  # type: ignore[union-attr]


def _decode(chunks: Iterable[bytes]) -> Iterator[str]:
    """UTF-8 (hence ASCII) text of the byte chunks; any other encoding refuses the file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    for chunk in chunks:
        pending = decoder.getstate()[0]
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            data = pending + chunk
            where = offset - len(pending) + exc.start
            raise X12FileError(
                f"file is not UTF-8 or ASCII text: byte 0x{data[exc.start]:02X} at offset {where} "
                "cannot be decoded (Latin-1 or Windows-1252?); re-send the file as ASCII or UTF-8"
            ) from None
        offset += len(chunk)
        if text:
            yield text
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise X12FileError(
            "file is not UTF-8 text: it ends inside a multi-byte character"
        ) from None


def _text_chunks(source: Source) -> Iterator[str]:
    """Text of `source` without a UTF-8 byte-order mark. A `str` is X12 text, never a path."""
    chunks = iter([source]) if isinstance(source, str) else _decode(_byte_chunks(source))
    first = True
    for chunk in chunks:
        if first:
            chunk = chunk.removeprefix("\ufeff")
            first = False
        if chunk:
            yield chunk


def _head(chunks: Iterator[str], size: int) -> str:
    """At least `size` characters after any leading blanks (fewer only at end of file)."""
    head = ""
    for chunk in chunks:
        head = (head + chunk).lstrip(_BLANK)
        if len(head) >= size:
            break
    return head


def _read_isa(head: str) -> tuple[Delimiters, list[str]]:
    """Delimiters and elements of the fixed-width 106-character ISA interchange header."""
    if not head.strip():
        raise X12FileError("file is empty")
    if not head.startswith("ISA"):
        raise X12FileError("not an X12 file: it does not start with an ISA interchange header")
    element = head[3]
    found = [i for i, char in enumerate(head[:200]) if char == element][:16]
    if len(found) < 16 or len(head) < _ISA_LENGTH:
        raise X12FileError("ISA interchange header is incomplete: it must be 106 characters")
    if tuple(found) != _ISA_SEPARATORS:
        wrong = next(
            k for k, (at, want) in enumerate(zip(found, _ISA_SEPARATORS, strict=True)) if at != want
        )
        raise X12FileError(
            f"ISA interchange header is {found[-1] + 3} characters, not 106: ISA elements are "
            f"fixed width and ISA{wrong:02d} does not have its fixed length"
        )
    delimiters = Delimiters(element, head[82], head[104], head[105])
    _check_delimiters(delimiters, head)
    return delimiters, head[:105].split(element)


def _check_delimiters(found: Delimiters, head: str) -> None:
    """Element, component and segment delimiters must be distinct non-alphanumeric characters."""
    chars = (found.element, found.component, found.segment)
    if len(set(chars)) < 3 or any(c.isalnum() or c == " " for c in chars):
        raise X12FileError("ISA delimiters are not distinct non-alphanumeric characters")
    if found.segment in "\r\n":
        following = head[_ISA_LENGTH:].lstrip(_BLANK).split(found.segment, 1)[0].rstrip("\r")
        if following.endswith(found.component):
            raise X12FileError(
                "ISA interchange header is 105 characters, not 106: ISA16 (component element "
                f"separator) is missing, so {found.component!r} would be read as ISA16 and the line "
                "break as the segment terminator"
            )


def _split(chunks: Iterable[str], terminator: str) -> Iterator[str]:
    """Raw segments: the text between terminators. A final unterminated segment is kept."""
    rest = ""
    for chunk in chunks:
        parts = (rest + chunk).split(terminator)
        rest = parts.pop()
        yield from parts
    if rest.strip(_BLANK):
        yield rest


def _open(source: Source) -> tuple[Delimiters, list[str], Iterator[str]]:
    """Delimiters, ISA elements and an iterator of the segment texts, ISA first.

    Blanks before a segment (line breaks after terminators, pretty-printing indentation) and a
    trailing CR are dropped; empty segments are skipped and not counted.
    """
    chunks = _text_chunks(source)
    head = _head(chunks, _HEAD)
    delimiters, isa = _read_isa(head)
    return delimiters, isa, _clean(_split(_chain(head, chunks), delimiters.segment))


def _chain(head: str, chunks: Iterator[str]) -> Iterator[str]:
    yield head
    yield from chunks


def _clean(raw: Iterable[str]) -> Iterator[str]:
    """Segment texts without the blanks around them; empty segments are skipped."""
    for text in raw:
        segment = text.lstrip(_BLANK).rstrip("\r\n")
        if segment:
            yield segment


def _numbered(segments: Iterator[str], element: str) -> Iterator[tuple[int, list[str]]]:
    """Number the segments from 1 and split them into elements."""
    for position, segment in enumerate(segments, start=1):
        elements = segment.split(element)
        if not _SEGMENT_ID.match(elements[0]):
            raise X12FileError(f"segment {position} does not start with a valid segment identifier")
        yield position, elements


def _get(elements: list[str], index: int) -> str:
    """Element `index` (1-based, as in X12 "BGN08") or "" when the segment is shorter."""
    return elements[index] if index < len(elements) else ""


def _d8(value: str) -> date | None:
    """A CCYYMMDD (D8) date, or None when the value is not a real calendar date."""
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Member loops
# --------------------------------------------------------------------------------------------


class _Dates:
    """Begin/end collected from DTP segments; an RD8 range on the begin qualifier gives an end
    that an explicit end qualifier overrides."""

    __slots__ = ("begin", "end", "range_end")

    def __init__(self) -> None:
        self.begin: date | None = None
        self.end: date | None = None
        self.range_end: date | None = None

    def add(self, elements: list[str], begin: str, problems: list[tuple[str, str]]) -> None:
        """Apply a DTP: D8 CCYYMMDD or RD8 CCYYMMDD-CCYYMMDD (first date kept if repeated)."""
        qualifier, fmt, value = _get(elements, 1), _get(elements, 2), _get(elements, 3)
        span = _dtp_span(qualifier, fmt, value, problems)
        if span is None:
            return
        start, stop = span
        if qualifier == begin:
            self.begin = self.begin or start
            if fmt == "RD8":
                self.range_end = self.range_end or stop
        else:
            self.end = self.end or stop

    def final_end(self) -> date | None:
        return self.end or self.range_end


def _dtp_span(
    qualifier: str, fmt: str, value: str, problems: list[tuple[str, str]]
) -> tuple[date, date] | None:
    """(first, last) day of a DTP value; a defect is recorded as a `bad_date` problem."""
    if fmt == "D8":
        day = _d8(value)
        if day is not None:
            return day, day
    elif fmt == "RD8":
        first, _, last = value.partition("-")
        start, stop = _d8(first), _d8(last)
        if start is not None and stop is not None and start <= stop:
            return start, stop
    else:
        shown = fmt or "(missing)"
        problems.append(("bad_date", f"DTP*{qualifier} date format {shown} is not D8 or RD8"))
        return None
    problems.append(("bad_date", f"DTP*{qualifier} date {value} is not a valid {fmt} date"))
    return None


class _CoverageDraft:
    """A 2300 loop being read."""

    __slots__ = ("dates", "insurance_line", "maintenance", "plan_code")

    def __init__(self, elements: list[str]) -> None:
        self.maintenance = _get(elements, 1)
        self.insurance_line = _get(elements, 3).strip()
        self.plan_code = _get(elements, 4).strip()
        self.dates = _Dates()

    def finish(self) -> Coverage834:
        return Coverage834(
            self.maintenance,
            self.insurance_line,
            self.plan_code,
            self.dates.begin,
            self.dates.final_end(),
        )


class _MemberDraft:
    """A 2000 loop being read. `loop` tracks where a REF, DTP or DMG belongs: 2000 (member
    level), 2100A (member name), 2100X (other 2100 names: 2100B incorrect member, mailing ...),
    2300 (coverage) or 2300X (2310 provider, 2320 coordination of benefits). Segments inside the
    LS/LE 2700 reporting-category wrapper are ignored."""

    def __init__(self, position: int, elements: list[str]) -> None:
        self.position = position
        self.maintenance = _get(elements, 3)
        self.subscriber = _get(elements, 1) == "Y"
        self.medicaid_id: str | None = None
        self.last_name = self.first_name = self.middle_name = ""
        self.birth_date: date | None = None
        self.sex = ""
        self.dates = _Dates()
        self.coverages: list[_CoverageDraft] = []
        self.problems: list[tuple[str, str]] = []
        self.loop = "2000"
        self.in_reporting = False

    def add(self, elements: list[str]) -> None:
        """Route one segment of the member loop to its handler."""
        segment_id = elements[0]
        if segment_id == "LS":
            self.in_reporting = True
        elif segment_id == "LE":
            self.in_reporting = False
        elif not self.in_reporting:
            handler = _MEMBER_HANDLERS.get(segment_id)
            if handler is not None:
                handler(self, elements)

    def ref(self, elements: list[str]) -> None:
        """REF*0F subscriber identifier (2000 level only), kept exactly as sent."""
        if self.loop != "2000" or _get(elements, 1) != "0F":
            return
        value = _get(elements, 2)
        if self.medicaid_id is None and value:
            self.medicaid_id = value
        elif self.medicaid_id is not None and value != self.medicaid_id:
            self.problems.append(("conflicting_id", "REF*0F appears twice with different values"))

    def dtp(self, elements: list[str]) -> None:
        """DTP*356/357 at the 2000 level, DTP*348/349 in the current 2300 loop."""
        qualifier = _get(elements, 1)
        if self.loop == "2000" and qualifier in (_MEMBER_BEGIN, _MEMBER_END):
            self.dates.add(elements, _MEMBER_BEGIN, self.problems)
        elif self.loop == "2300" and qualifier in (_COVERAGE_BEGIN, _COVERAGE_END):
            self.coverages[-1].dates.add(elements, _COVERAGE_BEGIN, self.problems)

    def nm1(self, elements: list[str]) -> None:
        """NM1*IL (or NM1*74, corrected insured) opens 2100A; other 2100 names open 2100X."""
        if self.loop not in ("2000", "2100A", "2100X"):
            return
        if _get(elements, 1) in ("IL", "74") and self.loop == "2000":
            self.last_name = _get(elements, 3).strip()
            self.first_name = _get(elements, 4).strip()
            self.middle_name = _get(elements, 5).strip()
            self.loop = "2100A"
        else:
            self.loop = "2100X"

    def dmg(self, elements: list[str]) -> None:
        """DMG*D8*CCYYMMDD*sex of the member (2100A); DMG of other 2100 loops is ignored."""
        if self.loop != "2100A":
            return
        fmt, value, sex = _get(elements, 1), _get(elements, 2), _get(elements, 3)
        if value:
            self.birth_date = _d8(value) if fmt == "D8" else None
            if self.birth_date is None:
                self.problems.append(("bad_date", "DMG02 birth date is not a valid D8 date"))
        if sex and sex not in SEX_CODES:
            self.problems.append(("bad_sex", f"DMG03 gender code {sex} is not M, F or U"))
        self.sex = sex

    def hd(self, elements: list[str]) -> None:
        """HD opens a 2300 health coverage loop."""
        self.coverages.append(_CoverageDraft(elements))
        self.loop = "2300"
        code = self.coverages[-1].maintenance
        if code not in HD_MAINTENANCE:
            self.problems.append(("bad_maintenance", f"HD01 maintenance type {code} is unknown"))

    def sub_loop(self, elements: list[str]) -> None:
        """LX (2310 provider) or COB (2320 coordination of benefits) inside a 2300 loop."""
        if self.loop in ("2300", "2300X"):
            self.loop = "2300X"

    def finish(self) -> Member834:
        """The frozen member, with the problems that make the loader reject it."""
        return Member834(
            position=self.position,
            maintenance=self.maintenance,
            subscriber=self.subscriber,
            medicaid_id=self.medicaid_id,
            last_name=self.last_name,
            first_name=self.first_name,
            middle_name=self.middle_name,
            birth_date=self.birth_date,
            sex=self.sex if self.sex in SEX_CODES else "",
            eligibility_begin=self.dates.begin,
            eligibility_end=self.dates.final_end(),
            coverages=tuple(coverage.finish() for coverage in self.coverages),
            problems=tuple(self._required() + self.problems),
        )

    def _required(self) -> list[tuple[str, str]]:
        """Problems for what every member must carry: INS03, REF*0F and a last name."""
        missing: list[tuple[str, str]] = []
        if self.maintenance not in INS_MAINTENANCE:
            text = f"INS03 maintenance type {self.maintenance or '(missing)'} is not one of "
            missing.append(("bad_maintenance", text + ", ".join(sorted(INS_MAINTENANCE))))
        if not self.medicaid_id:
            missing.append(("missing_id", "REF*0F subscriber id is missing"))
        if not self.last_name:
            missing.append(("missing_name", "NM1*IL member last name is missing"))
        return missing


_MEMBER_HANDLERS: Final[dict[str, Callable[[_MemberDraft, list[str]], None]]] = {
    "REF": _MemberDraft.ref,
    "DTP": _MemberDraft.dtp,
    "NM1": _MemberDraft.nm1,
    "DMG": _MemberDraft.dmg,
    "HD": _MemberDraft.hd,
    "LX": _MemberDraft.sub_loop,
    "COB": _MemberDraft.sub_loop,
}


# --------------------------------------------------------------------------------------------
# Envelope: ISA / GS / ST ... SE / GE / IEA
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MemberRead:
    transaction: Transaction834
    member: Member834


@dataclass(frozen=True)
class _TransactionRead:
    transaction: Transaction834


@dataclass(frozen=True)
class _InterchangeRead:
    interchange: Interchange834


_Event = _MemberRead | _TransactionRead | _InterchangeRead


def _version_message(version: str, where: str = "") -> str:
    """The refusal for an interchange, group or transaction that is not 005010X220A1."""
    if version.startswith("00401"):
        return f"X12 version 004010 is not supported; send {IMPLEMENTATION}"
    guide = KNOWN_GUIDES.get(version)
    named = f" ({guide})" if guide else ""
    return (
        f"implementation guide {version or '(missing)'}{named} in {where} is not supported; "
        f"send {IMPLEMENTATION} (834 benefit enrollment and maintenance)"
    )


@dataclass
class _Transaction:
    """An open ST transaction set."""

    control_number: str
    start: int
    count: int = 1
    header: Transaction834 | None = None
    sponsor: bool = False
    payer: bool = False
    member: _MemberDraft | None = None

    def where(self) -> str:
        return f"transaction set {self.control_number} (ST at segment {self.start})"


@dataclass
class _Group:
    """An open GS functional group."""

    control_number: str
    start: int
    transactions: int = 0


def _count(value: str, what: str, position: int) -> int:
    """A trailer count element (SE01, GE01, IEA01) as an integer."""
    if not value.isdigit():
        raise X12FileError(f"{what} at segment {position} is not a number")
    return int(value)


class _Reader:
    """Feeds segments through the envelope rules and yields what it has read."""

    def __init__(self, isa: list[str]) -> None:
        version = isa[12]
        if version != "00501":
            if version.startswith("00401"):
                raise X12FileError(_version_message(version))
            raise X12FileError(
                f"X12 interchange version {version} (ISA12) is not supported; send {IMPLEMENTATION}"
            )
        self.isa = isa
        self.interchange: Interchange834 | None = None
        self.group: _Group | None = None
        self.transaction: _Transaction | None = None
        self.groups = 0
        self.closed = False
        self.last = 1

    def feed(self, position: int, elements: list[str]) -> Iterator[_Event]:
        """Apply one segment (ISA already read) and yield members and closed envelopes."""
        self.last = position
        segment_id = elements[0]
        if self.transaction is not None:
            yield from self._in_transaction(self.transaction, position, elements)
        elif self.closed:
            raise X12FileError(
                f"unexpected data after the IEA trailer at segment {position} "
                "(a file holds one interchange)"
            )
        elif self.group is not None:
            if segment_id == "ST":
                self._open_transaction(position, elements)
            elif segment_id == "GE":
                self._close_group(self.group, position, elements)
            else:
                raise X12FileError(
                    f"segment {position} ({segment_id}) is outside a transaction "
                    "set: expected ST or GE"
                )
        elif segment_id == "GS":
            self._open_group(position, elements)
        elif segment_id == "IEA":
            yield self._close_interchange(position, elements)
        else:
            raise X12FileError(
                f"segment {position} ({segment_id}) is outside a functional "
                "group: expected GS or IEA"
            )

    def finish(self) -> None:
        """At end of file: the IEA must have been read."""
        if self.closed:
            return
        if self.transaction is not None:
            raise X12FileError(
                f"file is truncated: {self.transaction.where()} has no SE trailer "
                f"and the file ends at segment {self.last} without an IEA"
            )
        raise X12FileError(
            f"file is truncated: no IEA interchange trailer after segment {self.last}"
        )

    def _open_group(self, position: int, elements: list[str]) -> None:
        """GS: functional identifier BE (834) and version 005010X220A1 in GS08."""
        if _get(elements, 1) != "BE":
            raise X12FileError(
                f"functional group at segment {position} is {_get(elements, 1)!r}, "
                "not BE (benefit enrollment, 834)"
            )
        if _get(elements, 8) != IMPLEMENTATION:
            raise X12FileError(_version_message(_get(elements, 8), f"GS08 at segment {position}"))
        self.group = _Group(_get(elements, 6), position)
        self.groups += 1
        if self.interchange is None:
            isa = self.isa
            self.interchange = Interchange834(
                isa[6].strip(), isa[8].strip(), isa[13], _get(elements, 8)
            )

    def _close_group(self, group: _Group, position: int, elements: list[str]) -> None:
        """GE01 counts the transaction sets of the group; GE02 repeats GS06."""
        if _count(_get(elements, 1), "GE01", position) != group.transactions:
            raise X12FileError(
                f"GE01 at segment {position} says {_get(elements, 1)} transaction "
                f"sets but the group has {group.transactions}"
            )
        if _get(elements, 2) != group.control_number:
            raise X12FileError(
                f"GE02 {_get(elements, 2)!r} at segment {position} does not match "
                f"GS06 {group.control_number!r} (segment {group.start})"
            )
        self.group = None

    def _close_interchange(self, position: int, elements: list[str]) -> _InterchangeRead:
        """IEA01 counts the functional groups; IEA02 repeats ISA13."""
        if self.interchange is None:
            raise X12FileError("interchange has no 834 functional group (GS)")
        if _count(_get(elements, 1), "IEA01", position) != self.groups:
            raise X12FileError(
                f"IEA01 at segment {position} says {_get(elements, 1)} functional "
                f"groups but the interchange has {self.groups}"
            )
        if _get(elements, 2) != self.isa[13]:
            raise X12FileError(
                f"IEA02 {_get(elements, 2)!r} at segment {position} does not "
                f"match ISA13 {self.isa[13]!r}"
            )
        self.closed = True
        return _InterchangeRead(self.interchange)

    def _open_transaction(self, position: int, elements: list[str]) -> None:
        """ST: an 834 with ST03 005010X220A1."""
        if _get(elements, 1) != "834":
            raise X12FileError(
                f"transaction set at segment {position} is a {_get(elements, 1)!r},"
                f" not an 834 benefit enrollment; only 834 {IMPLEMENTATION} is read"
            )
        if _get(elements, 3) != IMPLEMENTATION:
            raise X12FileError(_version_message(_get(elements, 3), f"ST03 at segment {position}"))
        self.transaction = _Transaction(_get(elements, 2), position)

    def _in_transaction(
        self, transaction: _Transaction, position: int, elements: list[str]
    ) -> Iterator[_Event]:
        """A segment between ST and SE: BGN first, 1000 loops, then 2000 member loops."""
        transaction.count += 1
        segment_id = elements[0]
        if segment_id == "SE":
            yield from self._close_transaction(transaction, position, elements)
        elif segment_id in _ENVELOPE:
            raise X12FileError(
                f"{transaction.where()} has no SE trailer: {segment_id} found at segment {position}"
            )
        elif transaction.header is None:
            transaction.header = _bgn(transaction, position, elements)
        elif segment_id == "INS":
            yield from self._finish_member(transaction)
            _check_parties(transaction, position)
            transaction.member = _MemberDraft(position, elements)
        elif transaction.member is not None:
            transaction.member.add(elements)
        elif segment_id == "N1":
            transaction.sponsor |= _get(elements, 1) == "P5"
            transaction.payer |= _get(elements, 1) == "IN"

    def _finish_member(self, transaction: _Transaction) -> Iterator[_Event]:
        if transaction.member is not None and transaction.header is not None:
            yield _MemberRead(transaction.header, transaction.member.finish())
            transaction.member = None

    def _close_transaction(
        self, transaction: _Transaction, position: int, elements: list[str]
    ) -> Iterator[_Event]:
        """SE01 counts the segments from ST to SE inclusive; SE02 repeats ST02."""
        if transaction.header is None:
            raise X12FileError(f"{transaction.where()} has no BGN segment")
        _check_parties(transaction, position)
        yield from self._finish_member(transaction)
        if _count(_get(elements, 1), "SE01", position) != transaction.count:
            raise X12FileError(
                f"SE01 at segment {position} says {_get(elements, 1)} segments but "
                f"{transaction.where()} has {transaction.count}"
            )
        if _get(elements, 2) != transaction.control_number:
            raise X12FileError(
                f"SE02 {_get(elements, 2)!r} at segment {position} does not match "
                f"ST02 {transaction.control_number!r} (segment {transaction.start})"
            )
        assert self.group is not None
        self.group.transactions += 1
        self.transaction = None
        yield _TransactionRead(transaction.header)


def _bgn(transaction: _Transaction, position: int, elements: list[str]) -> Transaction834:
    """BGN must follow ST: BGN01 purpose, BGN02 reference, BGN03 file date, BGN08 action."""
    if elements[0] != "BGN":
        raise X12FileError(
            f"{transaction.where()}: segment {position} is {elements[0]}, but BGN must follow ST"
        )
    file_date = _d8(_get(elements, 3))
    if file_date is None:
        raise X12FileError(
            f"BGN03 file date {_get(elements, 3)!r} at segment {position} is not a "
            "valid CCYYMMDD date"
        )
    return Transaction834(
        control_number=transaction.control_number,
        purpose=_get(elements, 1),
        reference=_get(elements, 2),
        file_date=file_date,
        action=_get(elements, 8),
    )


def _check_parties(transaction: _Transaction, position: int) -> None:
    """005010X220A1 requires the 1000A sponsor (N1*P5) and 1000B payer (N1*IN) loops before
    the first member loop."""
    if transaction.member is not None:
        return
    for present, loop in (
        (transaction.sponsor, "1000A sponsor (N1*P5)"),
        (transaction.payer, "1000B payer (N1*IN)"),
    ):
        if not present:
            raise X12FileError(
                f"{transaction.where()} has no {loop} loop before segment "
                f"{position}; {IMPLEMENTATION} requires it"
            )


# --------------------------------------------------------------------------------------------
# Public readers
# --------------------------------------------------------------------------------------------


def _events(source: Source) -> Iterator[_Event]:
    """Everything read from `source`, in file order; X12FileError on a file-level defect."""
    delimiters, isa, texts = _open(source)
    reader = _Reader(isa)
    segments = _numbered(texts, delimiters.element)
    next(segments)  # the ISA, already read by _open
    for position, elements in segments:
        yield from reader.feed(position, elements)
    reader.finish()


def iter_members(source: Source) -> Iterator[tuple[Transaction834, Member834]]:
    """Stream `(transaction header, member)` pairs; the header's `members` is always `()`.

    Reads in 1 MiB chunks, so memory stays flat for a 1,000,000-member file given as a path or a
    binary file object. A file-level defect raises X12FileError, possibly after members were
    yielded (a wrong SE count is only seen at SE): commit nothing until the iterator is exhausted.
    """
    for event in _events(source):
        if isinstance(event, _MemberRead):
            yield event.transaction, event.member


def parse_834(data: Source) -> Interchange834:
    """Parse a whole 834 005010X220A1 interchange (`str` is X12 text, not a path)."""
    members: list[Member834] = []
    transactions: list[Transaction834] = []
    interchange: Interchange834 | None = None
    for event in _events(data):
        if isinstance(event, _MemberRead):
            members.append(event.member)
        elif isinstance(event, _TransactionRead):
            transactions.append(_with_members(event.transaction, tuple(members)))
            members = []
        else:
            interchange = event.interchange
    assert interchange is not None, "the reader raises when the IEA is missing"
    return Interchange834(
        interchange.sender,
        interchange.receiver,
        interchange.control_number,
        interchange.implementation,
        tuple(transactions),
    )


def _with_members(header: Transaction834, members: tuple[Member834, ...]) -> Transaction834:
    return Transaction834(
        header.control_number,
        header.purpose,
        header.reference,
        header.file_date,
        header.action,
        members,
    )


# --------------------------------------------------------------------------------------------
# Writer
# --------------------------------------------------------------------------------------------

_INS_REASON: Final = {"001": "AI", "021": "28", "024": "07", "025": "41", "030": "XN"}
"""INS04 maintenance reason written for each INS03: AI no reason given, 28 initial enrollment,
07 termination of benefits, 41 re-enrollment, XN notification only."""

_WRITE_SPECIAL: Final = frozenset("*~:^")
"""The writer's delimiters: element *, segment ~, component :, repetition ^."""


@dataclass(frozen=True)
class Enrollee834:
    """One member for `write_834`: a subscriber (INS*Y*18) with one coverage, the state program.

    `begin`/`end` are written both as DTP*356/357 (eligibility) and DTP*348/349 (coverage). DMG is
    written only with a birth date (DMG02 is required there) and then sex defaults to U.
    """

    medicaid_id: str
    last_name: str
    first_name: str
    birth_date: date | None
    sex: str
    plan_code: str
    begin: date
    end: date | None = None
    maintenance: str = "021"
    middle_name: str = ""
    insurance_line: str = "HLT"


@dataclass(frozen=True)
class Envelope834:
    """Header values for `write_834`. BGN08 action: "2" update, "4" verify, "RX" replace."""

    file_date: date
    sender: str = "STATEMMIS"
    receiver: str = "BHASO"
    control_number: int = 1
    action: str = "2"
    reference: str = ""
    sponsor_name: str = "STATE MEDICAID AGENCY"
    sponsor_id: str = "999999999"
    payer_name: str = "BEHAVIORAL HEALTH ASO"
    payer_id: str = "999999998"
    production: bool = True


def write_834(enrollees: Iterable[Enrollee834], envelope: Envelope834) -> str:
    """A valid 005010X220A1 834 text for `enrollees`, one segment per line."""
    out = io.StringIO()
    write_834_to(out, enrollees, envelope)
    return out.getvalue()


def write_834_to(stream: TextIO, enrollees: Iterable[Enrollee834], envelope: Envelope834) -> int:
    """Write the 834 to `stream` segment by segment (memory stays flat); return the member count.

    SE01 counts ST through SE; GE01 and IEA01 are 1 (one transaction set, one group); GE02
    repeats GS06 and IEA02 repeats ISA13.
    """
    members = 0
    body = 4  # ST, BGN, N1*P5, N1*IN
    stream.writelines(f"{segment}~\n" for segment in _header_segments(envelope))
    for enrollee in enrollees:
        segments = _member_segments(enrollee)
        members += 1
        body += len(segments)
        stream.writelines(f"{segment}~\n" for segment in segments)
    control = f"{envelope.control_number:09d}"
    trailer = (f"SE*{body + 1}*0001", f"GE*1*{envelope.control_number}", f"IEA*1*{control}")
    stream.writelines(f"{segment}~\n" for segment in trailer)
    return members


def _header_segments(envelope: Envelope834) -> list[str]:
    """ISA (fixed width, 106 characters with its terminator), GS, ST, BGN and the 1000A sponsor
    and 1000B payer N1 segments."""
    _check_envelope(envelope)
    day, number = envelope.file_date, envelope.control_number
    reference = envelope.reference or f"{day:%Y%m%d}{number:09d}"
    usage = "P" if envelope.production else "T"
    return [
        (
            f"ISA*00*{'':10}*00*{'':10}*ZZ*{envelope.sender:<15}*ZZ*{envelope.receiver:<15}*"
            f"{day:%y%m%d}*0000*^*00501*{number:09d}*0*{usage}*:"
        ),
        (
            f"GS*BE*{envelope.sender}*{envelope.receiver}*{day:%Y%m%d}*0000*{number}*X*"
            f"{IMPLEMENTATION}"
        ),
        f"ST*834*0001*{IMPLEMENTATION}",
        f"BGN*00*{reference}*{day:%Y%m%d}*0000****{envelope.action}",
        f"N1*P5*{envelope.sponsor_name}*FI*{envelope.sponsor_id}",
        f"N1*IN*{envelope.payer_name}*FI*{envelope.payer_id}",
    ]


def _check_envelope(envelope: Envelope834) -> None:
    """Refuse header values the 834 cannot carry (ValueError)."""
    if envelope.action not in ("2", "4", "RX"):
        raise ValueError(f"BGN08 action {envelope.action!r} is not 2, 4 or RX")
    if not 0 < envelope.control_number < 10**9:
        raise ValueError("control_number must be between 1 and 999999999")
    if len(envelope.sender) > 15 or len(envelope.receiver) > 15:
        raise ValueError("sender and receiver ids are at most 15 characters (ISA06, ISA08)")
    values = (
        envelope.sender,
        envelope.receiver,
        envelope.reference,
        envelope.sponsor_name,
        envelope.sponsor_id,
        envelope.payer_name,
        envelope.payer_id,
    )
    for value in values:
        _check_text(value, "envelope value")


def _member_segments(enrollee: Enrollee834) -> list[str]:
    """INS, REF*0F, DTP*356/357, NM1*IL, DMG, HD, DTP*348/349 for one enrollee."""
    _check_enrollee(enrollee)
    code = enrollee.maintenance
    segments = [f"INS*Y*18*{code}*{_INS_REASON[code]}*A", f"REF*0F*{enrollee.medicaid_id}"]
    segments += _dates("356", "357", enrollee.begin, enrollee.end)
    name = [enrollee.last_name, enrollee.first_name, enrollee.middle_name]
    segments.append("*".join(["NM1", "IL", "1", *name]).rstrip("*"))
    if enrollee.birth_date is not None:
        segments.append(f"DMG*D8*{enrollee.birth_date:%Y%m%d}*{enrollee.sex or 'U'}")
    plan = f"*{enrollee.plan_code}" if enrollee.plan_code else ""
    segments.append(f"HD*{code}**{enrollee.insurance_line}{plan}")
    segments += _dates("348", "349", enrollee.begin, enrollee.end)
    return segments


def _dates(begin_code: str, end_code: str, begin: date | None, end: date | None) -> list[str]:
    found = [(begin_code, begin), (end_code, end)]
    return [f"DTP*{code}*D8*{day:%Y%m%d}" for code, day in found if day is not None]


def _check_enrollee(enrollee: Enrollee834) -> None:
    """Refuse values the 834 cannot carry (ValueError): no id or last name, unknown codes,
    delimiter characters inside a value."""
    if not enrollee.medicaid_id or not enrollee.last_name.strip():
        raise ValueError("an enrollee needs a medicaid_id and a last_name")
    if enrollee.maintenance not in INS_MAINTENANCE:
        raise ValueError(f"maintenance {enrollee.maintenance!r} is not an INS03 code")
    if enrollee.sex and enrollee.sex not in SEX_CODES:
        raise ValueError(f"sex {enrollee.sex!r} is not M, F or U")
    for value in (
        enrollee.medicaid_id,
        enrollee.last_name,
        enrollee.first_name,
        enrollee.middle_name,
        enrollee.plan_code,
        enrollee.insurance_line,
    ):
        _check_text(value, "enrollee value")


def _check_text(value: str, what: str) -> None:
    """A written value is printable ASCII (the X12 basic and extended character sets; pyx12
    rejects anything else) without the writer's delimiters * ~ : ^."""
    if not (value.isascii() and value.isprintable()):
        raise ValueError(f"{what} is not printable ASCII, which X12 requires")
    if any(char in value for char in _WRITE_SPECIAL):
        raise ValueError(f"{what} contains an X12 delimiter (* ~ : ^)")


# --------------------------------------------------------------------------------------------
# Validation with pyx12
# --------------------------------------------------------------------------------------------

_ELEMENT_ERRORS: Final = {
    "1": "required element is missing",
    "2": "conditionally required element is missing",
    "3": "too many data elements",
    "4": "value is too short",
    "5": "value is too long",
    "6": "value has an invalid character or format",
    "8": "value is not a valid date",
    "9": "value is not a valid time",
    "10": "element is marked Not Used in 005010X220A1 but has a value",
    "12": "too many repetitions",
    "13": "too many components",
}
"""Descriptions of the 999 IK403 element error codes. Values are withheld: they may be PHI."""


class _TextFeed(io.TextIOBase):
    """A read-only text stream over an iterator of strings (what pyx12's reader consumes)."""

    def __init__(self, pieces: Iterator[str]) -> None:
        super().__init__()
        self._pieces = pieces
        self._buffer = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        """Up to `size` characters (all that is left when size is None or negative)."""
        if size is None or size < 0:
            text, self._buffer = self._buffer + "".join(self._pieces), ""
            return text
        while len(self._buffer) < size:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._buffer += piece
        text, self._buffer = self._buffer[:size], self._buffer[size:]
        return text


def _normalized(segments: Iterator[str], delimiters: Delimiters) -> Iterator[str]:
    """The segments re-joined without blanks between them, in blocks of about 64 KiB.

    A GS whose GS08 is not 005010X220A1 refuses the file (pyx12 has no map for X307 and
    would validate a 4010 file against its 4010 map).
    """
    block: list[str] = []
    size = 0
    gs = "GS" + delimiters.element
    for position, segment in enumerate(segments, start=1):
        if segment.startswith(gs):
            version = _get(segment.split(delimiters.element), 8)
            if version != IMPLEMENTATION:
                raise X12FileError(_version_message(version, f"GS08 at segment {position}"))
        block.append(segment + delimiters.segment)
        size += len(segment) + 1
        if size >= _FEED_BLOCK:
            yield "".join(block)
            block, size = [], 0
    yield "".join(block)


@contextmanager
def _quiet_pyx12() -> Iterator[None]:
    """pyx12 logs every error with the offending value (PHI) at ERROR level: keep it out of the
    application logs while validating."""
    logger = logging.getLogger("pyx12")
    handler = logging.NullHandler()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def validate_834(path: str | os.PathLike[str]) -> list[str]:
    """Validate a file against pyx12's 005010X220A1 map; return clear errors ([] = valid).

    Runs `pyx12.x12n_document.x12n_document` with the 999 acknowledgment written to a StringIO
    and the error tree written as JSON, then turns that tree into one line per error naming the
    segment number, segment, element and rule. The same tolerances as the parser apply first
    (UTF-8 BOM, line breaks and indentation between segments); what the parser refuses outright
    (encoding, ISA, a version other than 005010X220A1) is returned as the single error.

    Cost: pyx12 is pure Python and slow, about 0.65 ms of CPU per member (67 s of CPU for a
    100,000-member file, 36 MB peak memory; parse_834 takes 2.3 s on the same file). Run it in
    a background job, never inside a request.
    """
    try:
        delimiters, isa, segments = _open(Path(path))
        _Reader(isa)
        feed = _TextFeed(_normalized(segments, delimiters))
        return _run_pyx12(feed)
    except X12FileError as exc:
        return [str(exc)]


def _run_pyx12(feed: io.TextIOBase) -> list[str]:
    """x12n_document over `feed`; its JSON error tree flattened into messages."""
    ack, report = io.StringIO(), io.StringIO()
    with _quiet_pyx12():
        try:
            valid = pyx12.x12n_document.x12n_document(
                param=pyx12.params.params(),
                src_file=cast(TextIO, feed),
                fd_997=ack,
                fd_html=None,
                fd_json=report,
            )
        except pyx12.errors.EngineError as exc:
            return [f"pyx12 cannot validate the file: {exc}"]
        except (ArithmeticError, AttributeError, KeyError, IndexError, TypeError) as exc:
            return [f"pyx12 failed while validating the file ({type(exc).__name__})"]
    tree = json.loads(report.getvalue() or '{"interchanges": []}')
    errors = _tree_errors(tree)
    if not valid and not errors:
        errors.append("pyx12 rejected the file without naming a specific error")
    return errors


def _tree_errors(tree: dict[str, Any]) -> list[str]:
    """Messages for the interchange, group, transaction, segment and element errors."""
    found: list[str] = []
    for isa in tree["interchanges"]:
        found += [f"interchange {isa['isa_trn_set_id']}: {_scrub(e)}" for e in isa["errors"]]
        for gs in isa["groups"]:
            where = f"functional group {gs['gs_control_num']}"
            found += [f"{where}: {_scrub(e)}" for e in gs["errors"]]
            for st in gs["transactions"]:
                where = f"transaction set {st['trn_set_control_num']}"
                found += [f"{where}: {_scrub(e)}" for e in st["errors"]]
                for segment in st["segments"]:
                    found += _segment_errors(segment)
    return found


def _segment_errors(segment: dict[str, Any]) -> list[str]:
    """'segment 12 (DMG): DMG02 Member Birth Date: value is not a valid date'."""
    segment_id = segment["seg_id"]
    where = f"segment {segment['cur_line']} ({segment_id})"
    found = [f"{where}: {_scrub(error)}" for error in segment["errors"]]
    for element in segment["elements"]:
        reference = f"{segment_id}{element['ele_pos']:02d}"
        if element["subele_pos"]:
            reference += f"-{element['subele_pos']}"
        for error in element["errors"]:
            found.append(f"{where}: {reference} {element['name']}: {_element_text(error)}")
    return found


def _element_text(error: dict[str, Any]) -> str:
    """The rule an element breaks, from its 999 IK403 code; values are withheld, except short
    code values (an invalid code of up to 3 characters, such as MI, is not PHI)."""
    code, value = str(error["err_cde"]), str(error.get("err_val") or "")
    if code == "7":
        return f"{value} is not a valid code" if len(value) <= 3 else "value is not a valid code"
    if code in ("4", "5"):
        lengths = re.search(r"= (\d+) [<>] (\d+)", str(error.get("err_str", "")))
        if lengths:
            bound = "at least" if code == "4" else "at most"
            return f"{_ELEMENT_ERRORS[code]} ({lengths[1]} characters, {bound} {lengths[2]})"
    if code == "6":
        text = re.sub(r'^Data element "[^"]*" \([A-Z0-9-]+\) ', "", _scrub(error))
        return re.sub(r"[\s.]*\(+value withheld\)+$", "", text) or _ELEMENT_ERRORS[code]
    return _ELEMENT_ERRORS.get(code) or _scrub(error)


def _scrub(error: dict[str, Any]) -> str:
    """pyx12's error text with the offending value withheld (it may be a name, id or date)."""
    text = " ".join(str(error.get("err_str", "")).split())
    value = error.get("err_val")
    return text.replace(str(value), "(value withheld)") if value else text
