"""X12 text as segments, and the interchange envelope (ISA/GS/ST ... SE/GE/IEA) checked.

Pure: the standard library only. The separators come from the ISA segment itself (element separator at
position 4, component separator ISA16, segment terminator right after ISA16); line breaks, indentation
and a byte-order mark around segments are tolerated, as clearinghouses send them.

Problems are `EnvelopeProblem`s: at the interchange level (answered with a TA1) or at the group or
transaction level (answered with a 999). Nothing is processed when any is found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ISA_LENGTH = 106
SUPPORTED_VERSION = "005010X217"
MAX_TRANSACTIONS = 100  # answered within the HTTP call; larger batches are split by the sender
TOO_MANY = f"At most {MAX_TRANSACTIONS} transaction sets per interchange: split the file."
VERSION_MESSAGE = (
    "Version {version} is not supported: send the 278 in " + SUPPORTED_VERSION + " (HIPAA 5010)."
)
# TA1 interchange note codes (TA105) and 999 implementation error codes used here.
TA1_BAD_ISA = "024"  # invalid interchange content (the ISA cannot be read)
TA1_COUNT = "021"  # invalid number of included groups
TA1_CONTROL = "001"  # interchange control numbers of header and trailer do not match
TA1_VERSION = "017"  # invalid interchange standards version
TA1_NO_TRAILER = "023"  # improper (premature) end-of-file
AK9_VERSION = "2"  # functional group version not supported
AK9_CONTROL = "4"  # group control number in the trailer does not match the header
AK9_COUNT = "5"  # number of included transaction sets does not match the actual count
IK5_NOT_SUPPORTED = "1"  # transaction set not supported
IK5_NO_TRAILER = "2"  # transaction set trailer missing
IK5_CONTROL = "3"  # control number in header and trailer do not match
IK5_COUNT = "4"  # number of included segments does not match actual count


class EnvelopeError(ValueError):
    """The text is not an interchange at all (answered with a TA1)."""

    def __init__(self, code: str, message: str, isa: list[str] | None = None) -> None:
        super().__init__(message)
        self.code, self.message = code, message
        self.isa = isa  # the ISA, when it could be read (its sender and control number are echoed)


@dataclass(frozen=True)
class Separators:
    element: str
    component: str
    segment: str
    repetition: str


@dataclass
class Transaction:
    """One ST..SE transaction set: its segments (ST and SE included) as element lists."""

    control: str
    version: str
    segments: list[list[str]]


@dataclass
class Group:
    """One GS..GE functional group."""

    control: str
    functional_code: str
    version: str
    sender: str
    receiver: str
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class Interchange:
    isa: list[str]
    separators: Separators
    groups: list[Group] = field(default_factory=list)
    # (level, control number, code, message): level is "group" or "transaction".
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def control(self) -> str:
        return self.isa[13]

    @property
    def transactions(self) -> list[Transaction]:
        return [t for g in self.groups for t in g.transactions]


def _separators(text: str) -> Separators:
    if not text.startswith("ISA") or len(text) < ISA_LENGTH:
        raise EnvelopeError(TA1_BAD_ISA, "The interchange must start with a complete ISA segment.")
    element = text[3]
    isa = text[:ISA_LENGTH]
    parts = isa[:-1].split(element)
    if len(parts) != 17 or len(parts[16]) != 1:
        raise EnvelopeError(
            TA1_BAD_ISA, "The ISA segment must have 16 fixed-width elements (106 characters)."
        )
    return Separators(element, parts[16], isa[-1], parts[11])


def split_segments(text: str) -> tuple[Separators, list[list[str]]]:
    """The interchange's segments as lists of elements (element 0 is the segment id)."""
    text = text.lstrip("\ufeff \t\r\n")
    seps = _separators(text)
    segments = []
    for raw in text.split(seps.segment):
        raw = raw.strip(" \t\r\n")
        if raw:
            segments.append(raw.split(seps.element))
    return seps, segments


def read_interchange(text: str) -> Interchange:
    """The interchange with its groups and transaction sets; envelope problems are collected, and
    an unreadable ISA or a missing or mismatched IEA raises EnvelopeError."""
    seps, segments = split_segments(text)
    isa = segments[0]
    try:
        return _read(isa, seps, segments)
    except EnvelopeError as error:
        error.isa = isa
        raise


def _read(isa: list[str], seps: Separators, segments: list[list[str]]) -> Interchange:
    if isa[12] != "00501" and isa[12] != "00401":
        raise EnvelopeError(TA1_VERSION, f"ISA12 version {isa[12]!r} is not supported (00501).")
    if segments[-1][0] != "IEA":
        raise EnvelopeError(TA1_NO_TRAILER, "The interchange has no IEA trailer.")
    iea = segments[-1]
    if len(iea) < 3 or iea[2] != isa[13]:
        raise EnvelopeError(TA1_CONTROL, "IEA02 does not match the ISA13 control number.")
    if sum(1 for seg in segments if seg[0] == "ST") > MAX_TRANSACTIONS:
        raise EnvelopeError(TA1_BAD_ISA, TOO_MANY)
    interchange = Interchange(isa=isa, separators=seps)
    _read_groups(interchange, segments[1:-1])
    if iea[1].lstrip("0") != str(len(interchange.groups)).lstrip("0"):
        raise EnvelopeError(TA1_COUNT, "IEA01 does not count the functional groups sent.")
    return interchange


def _read_groups(interchange: Interchange, segments: list[list[str]]) -> None:
    group: Group | None = None
    current: list[list[str]] | None = None
    for seg in segments:
        tag = seg[0]
        if tag == "GS":
            seg = seg + [""] * (9 - len(seg))
            group = Group(
                control=seg[6],
                functional_code=seg[1],
                version=seg[8],
                sender=seg[2],
                receiver=seg[3],
            )
            interchange.groups.append(group)
        elif tag == "GE" and group is not None:
            _check_group(interchange, group, seg)
            group = None
        elif group is None:
            raise EnvelopeError(TA1_BAD_ISA, f"Segment {tag} is outside a GS/GE functional group.")
        elif tag == "ST":
            current = [seg]
        elif tag == "SE" and current is not None:
            current.append(seg)
            _close_transaction(interchange, group, current)
            current = None
        elif current is not None:
            current.append(seg)
        else:
            raise EnvelopeError(TA1_BAD_ISA, f"Segment {tag} is outside an ST/SE transaction set.")
    if group is not None or current is not None:
        raise EnvelopeError(TA1_NO_TRAILER, "A functional group or transaction set is not closed.")


def _check_group(interchange: Interchange, group: Group, ge: list[str]) -> None:
    ge = ge + [""] * (3 - len(ge))
    if ge[2] != group.control:
        interchange.problems.append(
            ("group", group.control, AK9_CONTROL, "GE02 does not match the GS06 control number.")
        )
    if ge[1] != str(len(group.transactions)):
        interchange.problems.append(
            ("group", group.control, AK9_COUNT, "GE01 does not count the transaction sets sent.")
        )
    if not group.version.startswith("005010"):
        interchange.problems.append(
            (
                "group",
                group.control,
                AK9_VERSION,
                VERSION_MESSAGE.format(version=group.version or "(none)"),
            )
        )


def _close_transaction(interchange: Interchange, group: Group, segments: list[list[str]]) -> None:
    st, se = segments[0] + ["", "", ""], segments[-1] + ["", ""]
    transaction = Transaction(control=st[2], version=st[3] or group.version, segments=segments)
    group.transactions.append(transaction)
    if st[1] != "278":
        interchange.problems.append(
            ("transaction", st[2], IK5_NOT_SUPPORTED, f"Transaction set {st[1]} is not a 278.")
        )
    elif not transaction.version.startswith("005010"):
        interchange.problems.append(
            (
                "transaction",
                st[2],
                IK5_NOT_SUPPORTED,
                f"Transaction version {transaction.version} is not supported ({SUPPORTED_VERSION}).",
            )
        )
    if se[2] != st[2]:
        interchange.problems.append(
            ("transaction", st[2], IK5_CONTROL, "SE02 does not match the ST02 control number.")
        )
    if se[1] != str(len(segments)):
        interchange.problems.append(
            (
                "transaction",
                st[2],
                IK5_COUNT,
                f"SE01 says {se[1] or '(none)'} segments; the transaction set has {len(segments)}.",
            )
        )
