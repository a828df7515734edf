"""A 278 request transaction set (005010X217, or a 005010X215 inquiry) read into plain values.

Pure: no Django. The hierarchy is followed through the HL segments (20 UMO, 21 requester, 22
subscriber, 23 dependent, EV patient event, SS service); values are kept as sent (codes, ids, dates as
text) for `mapping_278` to interpret. The segments of each level are kept too, so the response can echo
the names and identifiers the requester sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from interop.x12.segments import Transaction

Segment = list[str]

HL_LEVELS = {"20": "umo", "21": "requester", "22": "subscriber", "23": "dependent"}
INQUIRY_VERSION = "X215"


def element(seg: Segment | None, index: int, component: int | None = None, sep: str = ":") -> str:
    """Element `index` (1-based, as X12 counts) of a segment, or one of its components; "" if absent."""
    if seg is None or index >= len(seg):
        return ""
    value = seg[index]
    if component is None:
        return value.strip()
    parts = value.split(sep)
    return parts[component - 1].strip() if component <= len(parts) else ""


@dataclass
class Party:
    """An NM1 loop: entity code, name, id qualifier and id, with its REF/DMG/PER segments."""

    entity: str = ""
    last_name: str = ""
    first_name: str = ""
    id_qualifier: str = ""
    id: str = ""
    refs: dict[str, str] = field(default_factory=dict)
    birth_date: str = ""  # DMG02 as sent (CCYYMMDD when DMG01 is D8)
    birth_date_format: str = ""
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Service:
    """A 2000F service level: UM, dates, procedure/revenue codes, units."""

    um: Segment | None = None
    dates: dict[str, tuple[str, str]] = field(default_factory=dict)  # qualifier -> (format, value)
    procedures: list[tuple[str, str]] = field(default_factory=list)  # (qualifier, code)
    revenue_codes: list[str] = field(default_factory=list)
    units: tuple[str, str] | None = None  # HSD01 qualifier, HSD02 quantity
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Event:
    """The 2000E patient event: trace, UM, dates, diagnoses, units, references, messages."""

    traces: list[Segment] = field(default_factory=list)
    um: Segment | None = None
    dates: dict[str, tuple[str, str]] = field(default_factory=dict)
    diagnoses: list[tuple[str, str]] = field(default_factory=list)  # (qualifier, code)
    units: tuple[str, str] | None = None
    refs: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Request278:
    control: str
    version: str
    bht: Segment
    umo: Party = field(default_factory=Party)
    requester: Party = field(default_factory=Party)
    subscriber: Party = field(default_factory=Party)
    dependent: Party | None = None
    event: Event | None = None
    services: list[Service] = field(default_factory=list)
    component: str = ":"

    @property
    def inquiry(self) -> bool:
        """A 278 inquiry (005010X215), or a request whose event carries no UM segment."""
        return INQUIRY_VERSION in self.version or (self.event is not None and self.event.um is None)

    @property
    def trace(self) -> str:
        if self.event is None or not self.event.traces:
            return ""
        return element(self.event.traces[0], 2)


def _party(seg: Segment) -> Party:
    return Party(
        entity=element(seg, 1),
        last_name=element(seg, 3),
        first_name=element(seg, 4),
        id_qualifier=element(seg, 8),
        id=element(seg, 9),
        segments=[seg],
    )


def _diagnoses(seg: Segment, sep: str) -> list[tuple[str, str]]:
    found = []
    for value in seg[1:]:
        parts = value.split(sep)
        if len(parts) >= 2 and parts[1].strip():
            found.append((parts[0].strip(), parts[1].strip()))
    return found


def read_278(transaction: Transaction, component: str = ":") -> Request278:
    """The request's values by loop."""
    segs = transaction.segments
    bht = next((s for s in segs if s[0] == "BHT"), ["BHT"])
    request = Request278(
        control=transaction.control, version=transaction.version, bht=bht, component=component
    )
    level = ""
    party: Party | None = None
    service: Service | None = None
    for seg in segs[1:-1]:
        tag = seg[0]
        if tag == "HL":
            level, party, service = _enter_level(request, element(seg, 3))
            continue
        if tag == "NM1":
            party = _nm1(request, level, seg)
            continue
        _segment(request, level, party, service, seg, component)
    return request


def _enter_level(request: Request278, code: str) -> tuple[str, None, Service | None]:
    if code == "EV":
        request.event = Event()
        return "event", None, None
    if code == "SS":
        service = Service()
        request.services.append(service)
        return "service", None, service
    return HL_LEVELS.get(code, code), None, None


def _nm1(request: Request278, level: str, seg: Segment) -> Party:
    party = _party(seg)
    if level == "umo":
        request.umo = party
    elif level == "requester":
        request.requester = party
    elif level == "subscriber":
        request.subscriber = party
    elif level == "dependent":
        request.dependent = party
    elif level in ("event", "service") and request.event is not None:
        request.event.parties.append(party)
    return party


def _segment(
    request: Request278,
    level: str,
    party: Party | None,
    service: Service | None,
    seg: Segment,
    component: str,
) -> None:
    tag = seg[0]
    if party is not None and tag in ("REF", "DMG", "PER", "N3", "N4", "PRV"):
        party.segments.append(seg)
        if tag == "REF":
            party.refs[element(seg, 1)] = element(seg, 2)
        elif tag == "DMG":
            party.birth_date_format, party.birth_date = element(seg, 1), element(seg, 2)
        return
    target = service if level == "service" else request.event if level == "event" else None
    if target is None:
        return
    target.segments.append(seg)
    if tag == "UM":
        target.um = seg
    elif tag == "DTP":
        target.dates[element(seg, 1)] = (element(seg, 2), element(seg, 3))
    elif tag == "HSD":
        target.units = (element(seg, 1), element(seg, 2))
    elif isinstance(target, Event):
        _event_segment(target, seg, component)
    elif tag in ("SV1", "SV2", "SV3"):
        _service_codes(target, seg, component)


def _event_segment(event: Event, seg: Segment, component: str) -> None:
    tag = seg[0]
    if tag == "TRN":
        event.traces.append(seg)
    elif tag == "HI":
        event.diagnoses += _diagnoses(seg, component)
    elif tag == "REF":
        event.refs[element(seg, 1)] = element(seg, 2)
    elif tag == "MSG":
        event.messages.append(element(seg, 1))


def _service_codes(service: Service, seg: Segment, component: str) -> None:
    """SV1-01 and SV2-02 / SV3-01 procedure composites (qualifier:code); SV2-01 the revenue code."""
    tag = seg[0]
    composite = element(seg, 2) if tag == "SV2" else element(seg, 1)
    parts = composite.split(component)
    if len(parts) >= 2 and parts[1].strip():
        service.procedures.append((parts[0].strip(), parts[1].strip()))
    if tag == "SV2" and element(seg, 1):
        service.revenue_codes.append(element(seg, 1))
