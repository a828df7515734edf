"""Building 278 requests for the tests, reading responses, and checking them with pyx12's reader."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pyx12.x12file

SAMPLES = Path("/work/shared/samples/x12-278")
REPO_SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples" / "x12-278"


def samples_dir() -> Path:
    return SAMPLES if SAMPLES.exists() else REPO_SAMPLES.resolve()


def isa(control: str = "000000123", version: str = "00501") -> str:
    return (
        f"ISA*00*{' ' * 10}*00*{' ' * 10}*ZZ*{'CLEARINGHOUSE':<15}*ZZ*{'CTBHPASO':<15}*"
        f"261124*1200*^*{version}*{control}*0*T*:~"
    )


@dataclass
class Ask278:
    """One 278 request's values (defaults: an outpatient therapy registration of the scene's adult)."""

    member_id: str = "200000001"
    birth_date: str | None = "19850505"
    npi: str = "1234567893"
    npi_qualifier: str = "XX"
    site_ref: str | None = None
    um: str = "HS*I*A8*11:B"
    date: str = ""  # DTP*472 value (D8 CCYYMMDD); default today
    date_qualifier: str = "472"
    dated: bool = True  # False: no DTP (an extension starting the day after the current one ends)
    units: str | None = "VS*10"
    diagnoses: tuple[str, ...] = ("ABK:F329",)
    procedure: str | None = "HC:90834"
    revenue: str | None = None
    messages: tuple[str, ...] = ()
    trace: str = "TRACE0001"
    refs: tuple[str, ...] = ()  # e.g. "BB*A2611240001" for an inquiry
    control: str = "0001"
    extra: list[str] = field(default_factory=list)

    def segments(self) -> list[str]:
        day = self.date or dt.date.today().strftime("%Y%m%d")
        segs = [
            f"ST*278*{self.control}*005010X217",
            "BHT*0007*13*REQ123*20261124*1200",
            "HL*1**20*1",
            "NM1*X3*2*CT BHP ASO*****PI*CTBHP",
            "HL*2*1*21*1",
            f"NM1*1P*2*SCENE CLINIC*****{self.npi_qualifier}*{self.npi}",
        ]
        if self.site_ref:
            segs.append(f"REF*ZH*{self.site_ref}")
        segs += ["HL*3*2*22*1", f"NM1*IL*1*RIVERA*ANA****MI*{self.member_id}"]
        if self.birth_date is not None:
            segs.append(f"DMG*D8*{self.birth_date}")
        has_service = bool(self.procedure or self.revenue)
        segs += [f"HL*4*3*EV*{1 if has_service else 0}", f"TRN*1*{self.trace}*9012345678"]
        if self.um:
            segs.append(f"UM*{self.um}")
        segs += [f"REF*{ref}" for ref in self.refs]
        if self.um:
            if self.dated:
                segs.append(f"DTP*{self.date_qualifier}*D8*{day}")
            if self.diagnoses:
                segs.append("HI*" + "*".join(self.diagnoses))
            if self.units:
                segs.append(f"HSD*{self.units}")
            segs += [f"MSG*{text}" for text in self.messages]
        segs += self.extra
        if has_service and self.um:
            segs += ["HL*5*4*SS*0", "UM*HS*I"]
            if self.revenue:
                segs.append(f"SV2*{self.revenue}*{self.procedure or ''}")
            else:
                segs.append(f"SV1*{self.procedure}")
        segs.append(f"SE*{len(segs) + 1}*{self.control}")
        return segs


def interchange(*asks: Ask278, version: str = "005010X217", control: str = "000000123") -> str:
    segs = [isa(control), f"GS*HI*CLEARINGHOUSE*CTBHPASO*20261124*1200*123*X*{version}"]
    for ask in asks:
        segs += ask.segments()
    segs += [f"GE*{len(asks)}*123", f"IEA*1*{control}"]
    return "~\n".join(s.rstrip("~") for s in segs) + "~\n"


def segments(text: str) -> list[list[str]]:
    return [s.strip().split("*") for s in text.split("~") if s.strip()]


def find(text: str, tag: str) -> list[list[str]]:
    return [s for s in segments(text) if s[0] == tag]


def pyx12_errors(text: str) -> list[tuple]:
    """Errors pyx12's X12 reader finds in an interchange: ISA/IEA, GS/GE and ST/SE control numbers
    and counts, HL numbering and parents, segment ids (pyx12 ships no 005010X217 or 999 map, so the
    implementation-guide rules are checked by the tests themselves)."""
    reader = pyx12.x12file.X12Reader(io.StringIO(text))
    errors: list[tuple] = []
    for _segment in reader:
        errors += reader.pop_errors()
    errors += reader.pop_errors()
    return errors


def adapt(
    text: str,
    replace: dict[str, str] | None = None,
    insert_after: dict[str, list[str]] | None = None,
) -> str:
    """A sample with whole segments replaced (by their text as sent) and segments inserted after
    others, its SE01 recounted: the identifiers of our test members and providers put in."""
    replace, insert_after = replace or {}, insert_after or {}
    out: list[str] = []
    count = 0
    for raw in text.lstrip("\ufeff").split("~"):
        seg = raw.strip()
        if not seg:
            continue
        seg = replace.get(seg, seg)
        if seg.startswith("ST*"):
            count = 0
        if seg.startswith("SE*"):
            parts = seg.split("*")
            seg = f"SE*{count + 1}*{parts[2]}"
        out.append(seg)
        count += 1
        for extra in insert_after.get(seg, []):
            out.append(extra)
            count += 1
    return "~\n".join(out) + "~\n"
