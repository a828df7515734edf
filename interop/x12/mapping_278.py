"""The one place where 278 segments meet our vocabulary: every code map and value mapping, both ways.

Pure: no database. Inbound, `ask_from_278` turns a parsed request into the values our services take
(member id and date of birth, requester NPI and site number, level-of-care lookup keys, start, units,
diagnoses, urgency, clinical review data) or the AAA reject codes that say which loop is wrong.
Outbound, the maps give the HCR action of a request status, the HCR reason of our decision reason codes,
the AAA code of a service's refusal by field, and the HSD quantity qualifier of a unit type.

Which level of care a code stands for is data shared with FHIR (`fixtures/interop_service_codes.yaml`,
looked up by `interop.selectors.level_for_codes`); `level_codes` gathers the codes of a request for it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from interop.actions import REVIEW_ACTION
from interop.x12.parse_278 import Request278, element

# --- AAA reject reason codes (AAA03) and follow-up actions (AAA04) -------------------------------------
AAA_REQUIRED_MISSING = "15"  # required application data missing
AAA_INPUT_ERRORS = "33"  # input errors
AAA_ACCESS_RESTRICTED = "41"  # authorization/access restrictions
AAA_PROVIDER_ID = "43"  # invalid/missing provider identification
AAA_DATES = "57"  # invalid/missing date(s) of service
AAA_BIRTH_DATE = "58"  # invalid/missing date of birth
AAA_SUBSCRIBER_ID = "72"  # invalid/missing subscriber/insured id
AAA_SUBSCRIBER_NOT_FOUND = "75"  # subscriber/insured not found
AAA_UMO = "79"  # invalid participant identification
AAA_NOT_FOUND = "AA"  # authorization number not found (inquiry)
AAA_RESUBMIT = "C"  # please correct and resubmit
AAA_NO_RESUBMIT = "N"  # resubmission not allowed

# Loops an AAA segment is written in.
LOOP_UMO, LOOP_REQUESTER, LOOP_SUBSCRIBER, LOOP_EVENT = "2010A", "2010B", "2010C", "2000E"

# --- HCR01 action codes ------------------------------------------------------------------------------
HCR_PENDED = "A4"
WHOLE_UNITS = re.compile(r"(\d{1,6})(?:\.0*)?")
HCR_ACTION_FOR_STATUS = {status: code for status, (code, _) in REVIEW_ACTION.items()}

# --- HCR03 reason codes for our decision and refusal reason codes (fixtures/decision_reasons.yaml) ------
HCR_REASON_FOR_CODE = {
    "NOT_ELIGIBLE": "41",  # authorization/access restrictions: no coverage on the start date
    "PROGRAM_NOT_COVERED": "88",  # non-covered service
    "NO_RULE": "88",
    "NOT_OFFERED": "35",  # out of network (the site is not contracted for the level)
    "AGE_OUT_OF_RANGE": "69",  # inconsistent with patient's age
    "DCF_CERTIFICATION": "53",  # inappropriate facility
    "TOO_MANY_UNITS": "87",  # exceeded plan maximums
    "BACKDATED": "89",  # no prior approval
    "LATE_CONCURRENT": "89",
    "OVERLAP": "91",  # duplicate request
    "NEEDS_REVIEW": "E8",  # requires medical review
    "MN_ADMISSION_CRITERIA": "82",  # not medically necessary
    "MN_CONTINUED_STAY": "82",
    "MN_NO_ACTIVE_TREATMENT": "82",
    "DEEMED_DENIAL": "82",
    "MN_LESS_RESTRICTIVE": "83",  # level of care not appropriate
    "MN_FEWER_UNITS": "87",
    "MN_INSUFFICIENT_INFORMATION": "90",  # requested information not received
}
HCR_REASON_DEFAULT = "41"

# --- AAA codes for a service's refusal of an input field ----------------------------------------------
AAA_FOR_FIELD = {
    "member": (LOOP_SUBSCRIBER, AAA_SUBSCRIBER_NOT_FOUND),
    "site": (LOOP_REQUESTER, AAA_PROVIDER_ID),
    "extends": (LOOP_EVENT, AAA_INPUT_ERRORS),
    "start": (LOOP_EVENT, AAA_DATES),
    "requested_start": (LOOP_EVENT, AAA_DATES),
    "requested_end": (LOOP_EVENT, AAA_DATES),
}
# Clinical review fields missing on a prior-authorization request: required data missing.
CLINICAL_MISSING = (LOOP_EVENT, AAA_REQUIRED_MISSING)

# --- HSD01 quantity qualifier of our unit types --------------------------------------------------------
HSD_QUALIFIER_FOR_UNIT = {"day": "DY", "visit": "VS", "stay": "DY"}
HSD_QUALIFIER_DEFAULT = "FL"  # units

# --- UM06 level of service -> urgency of a prior-authorization request -------------------------------
URGENCY_FOR_LEVEL_OF_SERVICE = {"03": "expedited", "U": "expedited", "E": "standard"}
URGENCY_DEFAULT = "standard"
# On an extension of a prior authorization (a concurrent review), urgent means urgent concurrent.
URGENCY_FOR_LEVEL_OF_SERVICE_CONCURRENT = {"03": "urgent_concurrent", "U": "urgent_concurrent"}

# UM02 certification type: "4" extension = more units or time on the authorization in REF*BB (a
# registration extension, or a concurrent review of a prior authorization).
EXTENSION_TYPES = ("4",)
TAKEN_TYPES = ("I", "4")  # cancel (3), appeals (1, 2), reconsideration (N), revised (S): the portal
TYPE_NOT_TAKEN = (
    "Only initial (UM02 I) and extension (UM02 4) requests are taken over the 278; cancellations, "
    "appeals and reconsiderations go through the portal."
)
ICD10_QUALIFIERS = ("ABK", "ABF")  # principal, other (ICD-10-CM)
ICD9_QUALIFIERS = ("BK", "BF")
NPI_QUALIFIER = "XX"
MEMBER_ID_QUALIFIER = "MI"
SITE_REF = "ZH"  # 2010B REF: carrier-assigned reference number = our site number
START_DATE_QUALIFIERS = ("472", "435", "AAH")  # service date, admission date, certification period
MEMBER_ID = re.compile(r"^[A-Z0-9]{9}$")
NPI = re.compile(r"^\d{10}$")
DATE_TEXT = re.compile(r"^\d{8}(-\d{8})?$")


@dataclass(frozen=True)
class Problem:
    """A reason the request cannot be taken: the loop, the AAA03 code and a plain message (no PHI)."""

    loop: str
    code: str
    message: str


@dataclass(frozen=True)
class LevelCodes:
    """The codes of a request the level of care is looked up by (keyword arguments of
    `interop.selectors.level_for_codes`, which tries them most specific first)."""

    procedures: tuple[str, ...] = ()
    revenues: tuple[str, ...] = ()
    service_type: str = ""
    place: str = ""


@dataclass
class Ask:
    """The request in our terms (values still to be looked up: member, provider, site, level)."""

    member_id: str = ""
    birth_date: dt.date | None = None
    npi: str = ""
    site_number: str = ""
    level_codes: LevelCodes = field(default_factory=LevelCodes)
    start: dt.date | None = None
    end: dt.date | None = None
    units: int | None = None
    diagnoses: list[str] = field(default_factory=list)
    urgency: str = URGENCY_DEFAULT
    clinical: dict[str, str] = field(default_factory=dict)
    certification_number: str = ""  # inquiry or extension: REF*BB
    extension: bool = False
    reference_number: str = ""  # inquiry: REF*NT (our request number)
    problems: list[Problem] = field(default_factory=list)


def parse_date(fmt: str, value: str) -> tuple[dt.date, dt.date | None] | None:
    """A DTP date (D8 CCYYMMDD) or range (RD8 CCYYMMDD-CCYYMMDD); None when malformed."""
    if not DATE_TEXT.match(value):
        return None
    try:
        if fmt == "D8":
            return dt.datetime.strptime(value, "%Y%m%d").date(), None
        if fmt == "RD8":
            first, last = value.split("-")
            start = dt.datetime.strptime(first, "%Y%m%d").date()
            end = dt.datetime.strptime(last, "%Y%m%d").date()
            return (start, end) if end >= start else None
    except ValueError:
        return None
    return None


def format_date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def format_range(start: dt.date, end: dt.date) -> str:
    return f"{format_date(start)}-{format_date(end)}"


def hcr_action(status: str) -> str:
    return HCR_ACTION_FOR_STATUS.get(status, HCR_PENDED)


def hcr_reason(codes: Iterable[str]) -> str:
    """The HCR03 reason of our first reason code (refusals list every code; X12 carries one)."""
    for code in codes:
        return HCR_REASON_FOR_CODE.get(code, HCR_REASON_DEFAULT)
    return ""


def hsd_qualifier(unit_type: str) -> str:
    return HSD_QUALIFIER_FOR_UNIT.get(unit_type, HSD_QUALIFIER_DEFAULT)


def problems_for_errors(
    errors: Mapping[str, list[str]], clinical_fields: Iterable[str]
) -> list[Problem]:
    """AAA problems for a service's refusal of bad input (a message list per field)."""
    clinical = set(clinical_fields)
    problems = []
    for name, messages in errors.items():
        loop, code = AAA_FOR_FIELD.get(name, (LOOP_EVENT, AAA_INPUT_ERRORS))
        if name in clinical:
            loop, code = CLINICAL_MISSING
        for message in messages:
            problems.append(Problem(loop, code, f"{name}: {message}"))
    return problems


def level_codes(request: Request278) -> LevelCodes:
    """The service-line procedure codes (qualifier HC), their revenue codes, and the event's service
    type (UM03) with its place of service (UM04-1)."""
    procedures = tuple(
        code
        for service in request.services
        for qualifier, code in service.procedures
        if qualifier == "HC"
    )
    revenues = tuple(code for service in request.services for code in service.revenue_codes)
    um = request.event.um if request.event else None
    if um is None:
        return LevelCodes(procedures, revenues)
    return LevelCodes(procedures, revenues, element(um, 3), element(um, 4, 1, request.component))


def clinical_from_messages(messages: Iterable[str]) -> dict[str, str]:
    """Clinical review data sent as MSG segments `name: value` (names as in our review form:
    presentation, symptoms, suicide_risk, ...); a name sent twice is joined (long text)."""
    found: dict[str, str] = {}
    for text in messages:
        name, sep, value = text.partition(":")
        name = name.strip().lower()
        if sep and name and value.strip():
            found[name] = f"{found[name]} {value.strip()}" if name in found else value.strip()
    return found


def ask_from_278(request: Request278) -> Ask:
    """The values of a 278 request in our terms, with an AAA problem for each loop that is wrong."""
    ask = Ask()
    _requester(request, ask)
    _subscriber(request, ask)
    event = request.event
    if event is None:
        ask.problems.append(Problem(LOOP_EVENT, AAA_REQUIRED_MISSING, "No patient event (2000E)."))
        return ask
    ask.certification_number = event.refs.get("BB", "")
    ask.reference_number = event.refs.get("NT", "")
    if request.inquiry:
        return ask
    ask.extension = element(event.um, 2) in EXTENSION_TYPES
    if element(event.um, 2) not in TAKEN_TYPES:
        ask.problems.append(Problem(LOOP_EVENT, AAA_INPUT_ERRORS, TYPE_NOT_TAKEN))
    if ask.extension and not ask.certification_number:
        ask.problems.append(
            Problem(LOOP_EVENT, AAA_REQUIRED_MISSING, "An extension (UM02 4) needs REF*BB.")
        )
    ask.level_codes = level_codes(request)
    _dates(request, ask, required=not ask.extension)
    _units(request, ask)
    _diagnoses(request, ask, required=not ask.extension)
    urgencies = (
        URGENCY_FOR_LEVEL_OF_SERVICE_CONCURRENT if ask.extension else URGENCY_FOR_LEVEL_OF_SERVICE
    )
    ask.urgency = urgencies.get(element(event.um, 6), URGENCY_DEFAULT)
    ask.clinical = clinical_from_messages(event.messages)
    return ask


def _requester(request: Request278, ask: Ask) -> None:
    party = request.requester
    if party.id_qualifier != NPI_QUALIFIER or not NPI.match(party.id):
        ask.problems.append(
            Problem(
                LOOP_REQUESTER, AAA_PROVIDER_ID, "The requester must be identified by NPI (XX)."
            )
        )
    ask.npi = party.id
    ask.site_number = party.refs.get(SITE_REF, "")


def _subscriber(request: Request278, ask: Ask) -> None:
    party = request.subscriber
    member_id = party.id.strip().upper()
    if party.id_qualifier != MEMBER_ID_QUALIFIER or not MEMBER_ID.match(member_id):
        ask.problems.append(
            Problem(
                LOOP_SUBSCRIBER,
                AAA_SUBSCRIBER_ID,
                "The subscriber id (NM1*IL, qualifier MI) must be the 9-character Medicaid id.",
            )
        )
    ask.member_id = member_id
    born = parse_date(party.birth_date_format, party.birth_date) if party.birth_date else None
    if born is None:
        ask.problems.append(
            Problem(
                LOOP_SUBSCRIBER,
                AAA_BIRTH_DATE,
                "The subscriber's date of birth (DMG*D8) is missing or invalid.",
            )
        )
    else:
        ask.birth_date = born[0]


def _dates(request: Request278, ask: Ask, *, required: bool) -> None:
    sources = [s.dates for s in request.services] + [request.event.dates if request.event else {}]
    for dates in sources:
        for qualifier in START_DATE_QUALIFIERS:
            if qualifier in dates:
                parsed = parse_date(*dates[qualifier])
                if parsed is None:
                    ask.problems.append(
                        Problem(LOOP_EVENT, AAA_DATES, f"DTP*{qualifier} is not a valid date.")
                    )
                    return
                ask.start, ask.end = parsed
                return
    if not required:
        return
    ask.problems.append(
        Problem(
            LOOP_EVENT,
            AAA_DATES,
            "A service date (DTP*472) or admission date (DTP*435) is required.",
        )
    )


def _units(request: Request278, ask: Ask) -> None:
    given = [s.units for s in request.services if s.units] + (
        [request.event.units] if request.event and request.event.units else []
    )
    if not given:
        return
    quantity = given[0][1]
    whole = WHOLE_UNITS.fullmatch(quantity)  # "12" or "12.0"; never float(): "1e999" is not units
    if whole is None or int(whole.group(1)) < 1:
        ask.problems.append(
            Problem(LOOP_EVENT, AAA_INPUT_ERRORS, "HSD02 must be a whole number of units.")
        )
        return
    ask.units = int(whole.group(1))


def _diagnoses(request: Request278, ask: Ask, *, required: bool) -> None:
    assert request.event is not None
    codes = request.event.diagnoses
    if any(q in ICD9_QUALIFIERS for q, _ in codes):
        ask.problems.append(
            Problem(
                LOOP_EVENT,
                AAA_INPUT_ERRORS,
                "Diagnoses must be ICD-10-CM (HI qualifiers ABK/ABF), not ICD-9.",
            )
        )
        return
    ask.diagnoses = [code for qualifier, code in codes if qualifier in ICD10_QUALIFIERS]
    if not ask.diagnoses and required:
        ask.problems.append(
            Problem(
                LOOP_EVENT,
                AAA_REQUIRED_MISSING,
                "At least one ICD-10-CM diagnosis (HI*ABK) is required.",
            )
        )
