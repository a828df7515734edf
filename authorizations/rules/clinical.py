"""The structured review data of a prior-authorization request (domain section 3): what the phone
intake, the web form and the API collect, as typed fields where the data is structured. Pure.

Required on an initial request: presentation, symptoms, risk to self and to others, substance use,
legal status, supports, treatment objectives, discharge plan and projected discharge date. A
continued-stay review uses the current picture: symptoms, risks, progress, discharge plan and date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

TEXT, CHOICE, MULTI, DATE, INTEGER, MEDICATIONS = (
    "text",
    "choice",
    "multi",
    "date",
    "integer",
    "medications",
)
RISK_LEVELS = ("none", "low", "moderate", "high", "imminent")
LEGAL_STATUSES = ("voluntary", "involuntary", "court_ordered", "conserved", "guardian_consent")
SUBSTANCES = ("none", "alcohol", "opioids", "benzodiazepines", "cannabis", "stimulants", "other")


@dataclass(frozen=True)
class ClinicalField:
    name: str
    label: str
    kind: str
    initial: bool  # required on an initial request
    concurrent: bool  # required on a concurrent review
    choices: tuple[str, ...] = ()
    help: str = ""


CLINICAL_FIELDS: tuple[ClinicalField, ...] = (
    ClinicalField("presentation", "Clinical presentation and mental status", TEXT, True, False),
    ClinicalField("symptoms", "Current symptoms", TEXT, True, True),
    ClinicalField("suicide_risk", "Risk of harm to self", CHOICE, True, True, RISK_LEVELS),
    ClinicalField("homicide_risk", "Risk of harm to others", CHOICE, True, True, RISK_LEVELS),
    ClinicalField("risk_notes", "Risk assessment details", TEXT, False, False),
    ClinicalField(
        "medications",
        "Medications",
        MEDICATIONS,
        False,
        False,
        help="One per line: name, dose, frequency",
    ),
    ClinicalField("substances", "Substance use", MULTI, True, False, SUBSTANCES),
    ClinicalField("withdrawal_score", "Withdrawal score (CIWA-Ar or COWS)", INTEGER, False, False),
    ClinicalField("substance_notes", "Substance use details", TEXT, False, False),
    ClinicalField("legal_status", "Voluntary or legal status", CHOICE, True, False, LEGAL_STATUSES),
    ClinicalField("supports", "Supports and strengths", TEXT, True, False),
    ClinicalField("treatment_objectives", "Treatment objectives", TEXT, True, False),
    ClinicalField("progress", "Progress since the last review", TEXT, False, True),
    ClinicalField("member_preference", "Member's preference", TEXT, False, False),
    ClinicalField("discharge_plan", "Provisional discharge and aftercare plan", TEXT, True, True),
    ClinicalField("projected_discharge", "Projected discharge date", DATE, True, True),
    ClinicalField("pcp_contact", "Primary-care contact", TEXT, False, False),
    ClinicalField("prior_treatment", "Prior treatment", TEXT, False, False),
    ClinicalField(
        "dcf_approval_reference",
        "DCF approval reference",
        TEXT,
        False,
        False,
        help="For levels that need DCF approval",
    ),
)
CLINICAL_FIELDS_BY_NAME = {f.name: f for f in CLINICAL_FIELDS}

REQUIRED = "{label} is required."
BAD_CHOICE = "{label}: choose one of {choices}."
BAD_DATE = "{label}: give a date as YYYY-MM-DD."
BAD_INTEGER = "{label}: give a whole number."
BAD_MEDICATION = "Medications, line {line}: give name, dose and frequency separated by commas."
DISCHARGE_BEFORE_START = "The projected discharge date is before the requested start date."
NONE_WITH_OTHERS = "Substance use: 'none' cannot be combined with a substance."


def clinical_clean(
    raw: Mapping[str, object], *, concurrent: bool, start: dt.date
) -> tuple[dict[str, object], dict[str, str]]:
    """The structured review data, cleaned (dates as ISO text, lists as lists), and every problem by
    field. Unknown keys are dropped."""
    cleaned: dict[str, object] = {}
    problems: dict[str, str] = {}
    for spec in CLINICAL_FIELDS:
        value, problem = _clean_value(spec, raw.get(spec.name))
        required = spec.concurrent if concurrent else spec.initial
        if problem:
            problems[spec.name] = problem
        elif _is_empty(value):
            if required:
                problems[spec.name] = REQUIRED.format(label=spec.label)
        else:
            cleaned[spec.name] = value
    projected = cleaned.get("projected_discharge")
    if isinstance(projected, str) and dt.date.fromisoformat(projected) < start:
        problems["projected_discharge"] = DISCHARGE_BEFORE_START
    return cleaned, problems


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _clean_value(spec: ClinicalField, value: object) -> tuple[object, str | None]:
    if _is_empty(value):
        return None, None
    cleaner = _CLEANERS[spec.kind]
    return cleaner(spec, value)


def _clean_text(spec: ClinicalField, value: object) -> tuple[object, str | None]:
    return str(value).strip(), None


def _clean_choice(spec: ClinicalField, value: object) -> tuple[object, str | None]:
    text = str(value).strip()
    if text not in spec.choices:
        return None, BAD_CHOICE.format(label=spec.label, choices=", ".join(spec.choices))
    return text, None


def _clean_multi(spec: ClinicalField, value: object) -> tuple[object, str | None]:
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    chosen = [str(v).strip() for v in items if str(v).strip()]
    if any(v not in spec.choices for v in chosen):
        return None, BAD_CHOICE.format(label=spec.label, choices=", ".join(spec.choices))
    if "none" in chosen and len(chosen) > 1:
        return None, NONE_WITH_OTHERS
    return sorted(set(chosen), key=spec.choices.index), None


def _clean_date(spec: ClinicalField, value: object) -> tuple[object, str | None]:
    if isinstance(value, dt.date):
        return value.isoformat(), None
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat(), None
    except ValueError:
        return None, BAD_DATE.format(label=spec.label)


def _clean_integer(spec: ClinicalField, value: object) -> tuple[object, str | None]:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None, BAD_INTEGER.format(label=spec.label)
    return (number, None) if number >= 0 else (None, BAD_INTEGER.format(label=spec.label))


def _clean_medications(spec: ClinicalField, value: object) -> tuple[object, str | None]:
    """Medications as [{name, dose, frequency}], from a list of such mappings or from text lines."""
    if isinstance(value, str):
        rows: list[object] = [line for line in value.splitlines() if line.strip()]
    else:
        rows = list(value)  # type: ignore[call-overload]
    medications = []
    for number, row in enumerate(rows, start=1):
        if isinstance(row, Mapping):
            parts = [str(row.get(k, "")).strip() for k in ("name", "dose", "frequency")]
        else:
            parts = [p.strip() for p in str(row).split(",")]
        if len(parts) != 3 or not all(parts):
            return None, BAD_MEDICATION.format(line=number)
        medications.append(dict(zip(("name", "dose", "frequency"), parts, strict=True)))
    return medications, None


_CLEANERS = {
    TEXT: _clean_text,
    CHOICE: _clean_choice,
    MULTI: _clean_multi,
    DATE: _clean_date,
    INTEGER: _clean_integer,
    MEDICATIONS: _clean_medications,
}
