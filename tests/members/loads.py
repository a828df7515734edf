"""Running eligibility loads in tests: build a CSV in our layout, load it through the job, read spans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from members.models import EligibilityLoad
from members.services import eligibility_load_submit

HEADER = (
    "medicaid_id,last_name,first_name,middle_name,birth_date,sex,language,town,dcf_involved,"
    "program,start_date,end_date"
)


def row(
    medicaid_id: str,
    program: str,
    start: str,
    end: str = "",
    *,
    last: str = "Rivera",
    first: str = "Ana",
    birth: str = "1990-04-12",
    sex: str = "F",
    language: str = "es",
    town: str = "Hartford",
    dcf: str = "N",
) -> str:
    fields = [medicaid_id, last, first, "", birth, sex, language, town, dcf, program, start, end]
    return ",".join(fields)


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def run_load(
    capture: Any,
    content: bytes,
    *,
    user: Any = None,
    mode: str = "delta",
    as_of: str | None = None,
    name: str = "elig.csv",
    file_format: str = "",
    validate_x12: bool = True,
) -> EligibilityLoad:
    """Submit and run a load as the upload page would (the job runs when the request commits)."""
    with capture(execute=True):
        load = eligibility_load_submit(
            acting_user=user,
            file=ContentFile(content, name=name),
            file_name=name,
            mode=mode,
            file_format=file_format,
            as_of=dt.date.fromisoformat(as_of) if as_of else None,
            validate_x12=validate_x12,
        )
    load.refresh_from_db()
    return load


# --- X12 834 ------------------------------------------------------------------------------------

X12_ISA = (
    "ISA*00*          *00*          *ZZ*STATEMMIS      *ZZ*BHASO          *260401*0900*^*00501*"
    "000000042*0*P*:"
)


def x12_file(*members: str, action: str = "2", day: str = "20260401") -> bytes:
    """An 834 005010X220A1 interchange around member segment blocks ('SEG*..' lines); the trailer
    counts are computed. `action` is BGN08: 2 update, 4 verify, RX replace."""
    body = [
        "ST*834*0001*005010X220A1",
        f"BGN*00*REF42*{day}*0900****{action}",
        "N1*P5*STATE DSS*FI*999999999",
        "N1*IN*BH ASO*FI*999999998",
    ]
    body += [line.strip() for block in members for line in block.strip().splitlines()]
    body.append(f"SE*{len(body) + 1}*0001")
    segments = [X12_ISA, f"GS*BE*STATEMMIS*BHASO*{day}*0900*42*X*005010X220A1", *body]
    segments += ["GE*1*42", "IEA*1*000000042"]
    return ("~\n".join(segments) + "~\n").encode()


def x12_member(
    medicaid_id: str,
    maintenance: str = "021",
    *,
    program: str | None = "HUSKY_A",
    begin: str | None = "20260101",
    end: str | None = None,
    member_end: str | None = None,
    last: str = "DOE",
    first: str = "JANE",
    birth: str | None = "19800515",
) -> str:
    """One INS loop; `program` None leaves out the HD coverage loop."""
    lines = [f"INS*Y*18*{maintenance}*AI*A", f"REF*0F*{medicaid_id}"]
    if member_end:
        lines.append(f"DTP*357*D8*{member_end}")
    lines.append(f"NM1*IL*1*{last}*{first}")
    if birth:
        lines.append(f"DMG*D8*{birth}*F")
    if program is not None:
        lines.append(f"HD*{maintenance}**HLT*{program}")
        if begin:
            lines.append(f"DTP*348*D8*{begin}")
        if end:
            lines.append(f"DTP*349*D8*{end}")
    return "\n".join(lines)
