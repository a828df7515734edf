"""Writing X12: the 278 response, and the TA1 and 999 acknowledgments of a rejected envelope.

Pure: no Django. Segments are built as element lists and joined with `*`, `:` and `~` (one segment per
line); trailers count what was written, so SE01, GE01 and IEA01 are right by construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from interop.x12.mapping_278 import (
    AAA_NO_RESUBMIT,
    AAA_RESUBMIT,
    LOOP_EVENT,
    LOOP_REQUESTER,
    LOOP_SUBSCRIBER,
    LOOP_UMO,
    Problem,
    format_range,
)
from interop.x12.parse_278 import Party, Request278, Segment, element

RESPONSE_VERSION = "005010X217"
ACK_VERSION = "005010X231A1"
ELEMENT, COMPONENT, TERMINATOR, REPETITION = "*", ":", "~", "^"
# AAA codes after which the same request may be sent again once corrected.
RESUBMITTABLE = {"15", "33", "43", "57", "58", "72", "75"}


@dataclass
class Answer:
    """How one request is answered: an HCR decision, or AAA problems (nothing was recorded)."""

    action: str = ""  # HCR01
    certification_number: str = ""  # HCR02 and REF*BB: our authorization number
    reason: str = ""  # HCR03
    reference_number: str = ""  # REF*NT: our request number
    start: dt.date | None = None
    end: dt.date | None = None
    units: int | None = None
    unit_qualifier: str = ""
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Sender:
    """The envelope of the interchange answered: who sent it to whom, its control numbers."""

    id_qualifier: str = "ZZ"
    id: str = ""
    receiver_qualifier: str = "ZZ"
    receiver: str = ""
    control: str = "000000000"
    usage: str = "P"
    group_sender: str = ""
    group_receiver: str = ""


def _join(segments: Sequence[Segment]) -> str:
    lines = []
    for seg in segments:
        values = list(seg)
        while len(values) > 1 and values[-1] == "":
            values.pop()
        lines.append(ELEMENT.join(values) + TERMINATOR)
    return "\n".join(lines) + "\n"


def _isa(sender: Sender, control: str, now: dt.datetime) -> Segment:
    return [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        sender.receiver_qualifier.ljust(2)[:2],
        sender.receiver.ljust(15)[:15],
        sender.id_qualifier.ljust(2)[:2],
        sender.id.ljust(15)[:15],
        now.strftime("%y%m%d"),
        now.strftime("%H%M"),
        REPETITION,
        "00501",
        control.rjust(9, "0")[-9:],
        "0",
        sender.usage if sender.usage in ("P", "T") else "P",
        COMPONENT,
    ]


def _gs(code: str, sender: Sender, control: str, version: str, now: dt.datetime) -> Segment:
    return [
        "GS",
        code,
        sender.group_receiver or sender.receiver.strip() or "ASO",
        sender.group_sender or sender.id.strip() or "UNKNOWN",
        now.strftime("%Y%m%d"),
        now.strftime("%H%M"),
        str(int(control)),
        "X",
        version,
    ]


def interchange(
    sender: Sender,
    control: str,
    now: dt.datetime,
    code: str,
    version: str,
    transactions: Sequence[Sequence[Segment]],
) -> str:
    """One interchange with one functional group holding the given transaction sets."""
    group = str(int(control))
    segments: list[Segment] = [_isa(sender, control, now), _gs(code, sender, control, version, now)]
    for body in transactions:
        segments += body
    segments.append(["GE", str(len(transactions)), group])
    segments.append(["IEA", "1", control.rjust(9, "0")[-9:]])
    return _join(segments)


def ta1(sender: Sender, control: str, now: dt.datetime, note_code: str) -> str:
    """A TA1 rejecting the whole interchange (TA104 R) with its note code (TA105)."""
    received_on = now.strftime("%y%m%d")
    segments = [
        _isa(sender, control, now),
        [
            "TA1",
            sender.control.rjust(9, "0")[-9:],
            received_on,
            now.strftime("%H%M"),
            "R",
            note_code,
        ],
        ["IEA", "0", control.rjust(9, "0")[-9:]],
    ]
    return _join(segments)


def ack_999(
    sender: Sender,
    control: str,
    now: dt.datetime,
    groups: Sequence[tuple[str, str, str, str, Sequence[tuple[str, str, str]]]],
) -> str:
    """A 999 per functional group: (functional code, group control, version, AK9 error code, [(transaction set id,
    control, IK5 error code or "" when the set itself was fine)]). Every group is rejected (AK9*R,
    none accepted): nothing of an interchange with envelope problems is processed; the sets in error
    are listed with their IK5 code."""
    bodies = []
    for number, (functional, group_control, version, group_code, sets) in enumerate(
        groups, start=1
    ):
        st_control = f"{number:04d}"
        body: list[Segment] = [
            ["ST", "999", st_control, ACK_VERSION],
            ["AK1", functional, group_control, version],
        ]
        for set_id, set_control, code in sets:
            if code:  # sets without an error of their own are not listed (AK2 is situational)
                body.append(["AK2", set_id, set_control, version])
                body.append(["IK5", "R", code])
        body.append(["AK9", "R", str(len(sets)), str(len(sets)), "0", group_code])
        body.append(["SE", str(len(body) + 1), st_control])
        bodies.append(body)
    return interchange(sender, control, now, "FA", ACK_VERSION, bodies)


def _aaa(problems: Sequence[Problem], loop: str) -> list[Segment]:
    segments = []
    seen = set()
    for problem in problems:
        if problem.loop != loop or problem.code in seen:
            continue
        seen.add(problem.code)
        follow_up = AAA_RESUBMIT if problem.code in RESUBMITTABLE else AAA_NO_RESUBMIT
        segments.append(["AAA", "N", "", problem.code, follow_up])
    return segments


def _party(party: Party, entity: str) -> list[Segment]:
    nm1 = party.segments[0] if party.segments else ["NM1", entity, "2", "UNKNOWN"]
    return [nm1]


def response_278(request: Request278, answer: Answer, now: dt.datetime) -> list[Segment]:
    """The 278 response transaction set to one request: the request's parties echoed, then HCR with
    the certification number, REF*BB/REF*NT, the certified period (DTP*AAH and DTP*472) and units; or
    AAA segments in the loop that is wrong."""
    control = request.control
    body: list[Segment] = [
        ["ST", "278", control, RESPONSE_VERSION],
        [
            "BHT",
            "0007",
            "11",
            element(request.bht, 3),
            now.strftime("%Y%m%d"),
            now.strftime("%H%M"),
        ],
        ["HL", "1", "", "20", "1"],
        *_party(request.umo, "X3"),
        *_aaa(answer.problems, LOOP_UMO),
        ["HL", "2", "1", "21", "1"],
        *_party(request.requester, "1P"),
        *_aaa(answer.problems, LOOP_REQUESTER),
        ["HL", "3", "2", "22", "1"],
        *_party(request.subscriber, "IL"),
        *_aaa(answer.problems, LOOP_SUBSCRIBER),
        ["HL", "4", "3", "EV", "0"],
        *_event(request, answer),
    ]
    body.append(["SE", str(len(body) + 1), control])
    return body


def _event(request: Request278, answer: Answer) -> list[Segment]:
    segments: list[Segment] = []
    event = request.event
    for trn in event.traces if event else []:
        segments.append(["TRN", "2", element(trn, 2), element(trn, 3)])
    segments += _aaa(answer.problems, LOOP_EVENT)
    if event is not None and event.um is not None:
        segments.append(["UM", *event.um[1:5]])
    if not answer.action:
        return segments
    segments.append(["HCR", answer.action, answer.certification_number, answer.reason])
    if answer.certification_number:
        segments.append(["REF", "BB", answer.certification_number])
    if answer.reference_number:
        segments.append(["REF", "NT", answer.reference_number])
    if answer.start and answer.end:
        segments.append(["DTP", "AAH", "RD8", format_range(answer.start, answer.end)])
        segments.append(["DTP", "472", "RD8", format_range(answer.start, answer.end)])
    if answer.units:
        segments.append(["HSD", answer.unit_qualifier, str(answer.units)])
    return segments
