"""Reading a PAS request Bundle: JSON -> fhir.resources R4B models -> the plain values we map.

`bundle_read` parses and validates the structure (fhir.resources, R4B); `claim_read` applies our
profile checks (a preauthorization Claim first, its patient, provider and coverage present in the
Bundle, one service line with a date, diagnoses coded in ICD-10-CM) and collects every problem as an
issue with its FHIRPath expression, so the caller gets them all at once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from interop.fhir import systems
from interop.fhir.outcome import FhirProblem, Issue

MAX_BODY = 2_000_000
NOT_JSON = "The body is not JSON: send a FHIR R4 Bundle as application/fhir+json."
NOT_BUNDLE = "Send a Bundle (resourceType 'Bundle'), not {found}."
UNKNOWN_TYPE = "An entry has a resourceType FHIR R4 does not define: {name}."
NOT_COLLECTION = "The PAS request Bundle is of type 'collection'."
NO_CLAIM = "The first entry of the Bundle must be the Claim."
NOT_PREAUTH = "Claim.use must be 'preauthorization' (this endpoint does not take claims or predeterminations)."
MISSING_REF = "{what} refers to {ref}, which is not in the Bundle."
NO_REF = "{what} is required."
ONE_ITEM = "Send one service line (Claim.item) per request; this Claim has {n}."
NO_ITEM = "The Claim has no service line (Claim.item)."
NO_DATE = "Give the service start date (Claim.item.servicedDate or servicedPeriod.start)."
NO_CODE = "Give a procedure, revenue or service-type code for the service line."
NO_DIAGNOSIS = "Give at least one diagnosis (Claim.diagnosis), coded in ICD-10-CM."
DIAGNOSIS_SYSTEM = "Diagnoses must be coded in ICD-10-CM ({system})."
NO_MEMBER_ID = (
    "Give the member's Medicaid id: Coverage.subscriberId, or a Patient.identifier with system "
    f"{systems.MEDICAID_ID}."
)
NO_BIRTH_DATE = "Patient.birthDate is required to identify the member."
NO_NPI = "The requesting provider needs an NPI identifier ({system})."
BAD_UNITS = "Claim.item.quantity.value must be a whole number from 1 to 10000."


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    expression: str


@dataclass
class PasClaim:
    """The values of a PAS request a registration or prior-authorization request is made from."""

    claim_identifier: str | None = None
    member_id: str | None = None
    birth_date: dt.date | None = None
    provider_npis: tuple[str, ...] = ()
    site_number: str | None = None
    codes: tuple[Code, ...] = ()  # procedure, revenue, then service type
    place: str = ""  # CMS place of service of the item (narrows a service type), "" if not sent
    start: dt.date | None = None
    end: dt.date | None = None
    units: int | None = None
    diagnoses: tuple[str, ...] = ()
    urgency: str = "standard"
    clinical: dict[str, Any] = field(default_factory=dict)
    request_numbers: tuple[str, ...] = ()  # inquiry: our numbers in Claim.identifier
    issues: list[Issue] = field(default_factory=list)  # profile problems found so far

    def raise_issues(self) -> None:
        if self.issues:
            raise FhirProblem(self.issues)


def bundle_read(body: bytes) -> Bundle:
    """The body as an R4B Bundle, or every structural problem."""
    if len(body) > MAX_BODY:
        raise FhirProblem([Issue("too-costly", "The Bundle is larger than 2 MB.")], 413)
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise FhirProblem([Issue("structure", NOT_JSON)]) from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        found = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise FhirProblem([Issue("structure", NOT_BUNDLE.format(found=found or "no resourceType"))])
    try:
        bundle = Bundle.model_validate(data)
    except ValidationError as error:
        raise FhirProblem([_pydantic_issue(e) for e in error.errors()[:50]]) from None
    except KeyError as error:  # fhir.resources looks an unknown resourceType up by name
        message = UNKNOWN_TYPE.format(
            name=str(error).strip("'").removeprefix("R4.").removesuffix("Type")
        )
        raise FhirProblem([Issue("structure", message[:300])]) from None
    except (ValueError, TypeError, AttributeError, RecursionError) as error:
        raise FhirProblem([Issue("structure", f"Not a valid Bundle: {error}"[:300])]) from None
    if bundle.type != "collection":
        raise FhirProblem([Issue("value", NOT_COLLECTION, "Bundle.type")])
    return bundle


def _pydantic_issue(error: Any) -> Issue:
    path = "Bundle"
    for part in error.get("loc", ()):
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    message = str(error.get("msg", "invalid"))
    return Issue("structure", f"{message}"[:300], path)


class _Index:
    """Bundle entries by 'Type/id' and by fullUrl, to follow references."""

    def __init__(self, bundle: Bundle) -> None:
        self.by_ref: dict[str, Any] = {}
        for entry in bundle.entry or []:
            resource = entry.resource
            if resource is None:
                continue
            if resource.id:
                self.by_ref[f"{resource.get_resource_type()}/{resource.id}"] = resource
            if entry.fullUrl:
                self.by_ref[str(entry.fullUrl)] = resource

    def get(self, reference: Any) -> Any:
        if reference is None or not reference.reference:
            return None
        ref = str(reference.reference)
        found = self.by_ref.get(ref)
        if found is None and "/" in ref:
            found = self.by_ref.get("/".join(ref.rstrip("/").split("/")[-2:]))
        return found


def _first_claim(bundle: Bundle) -> Any:
    entries = bundle.entry or []
    first = entries[0].resource if entries else None
    if first is None or first.get_resource_type() != "Claim":
        raise FhirProblem([Issue("required", NO_CLAIM, "Bundle.entry[0].resource")])
    return first


def _follow(index: _Index, claim_ref: Any, what: str, issues: list[Issue]) -> Any:
    if claim_ref is None or not claim_ref.reference:
        issues.append(Issue("required", NO_REF.format(what=what), what))
        return None
    found = index.get(claim_ref)
    if found is None:
        ref = str(claim_ref.reference)
        issues.append(Issue("not-found", MISSING_REF.format(what=what, ref=ref), what))
    return found


def claim_read(bundle: Bundle, *, inquiry: bool = False) -> PasClaim:
    """Our profile checks over the request Bundle: the values to map, and every problem found in
    `issues` (the caller adds the problems of identification, then refuses them all at once)."""
    claim = _first_claim(bundle)
    index = _Index(bundle)
    issues: list[Issue] = []
    if claim.use != "preauthorization":
        issues.append(Issue("value", NOT_PREAUTH, "Claim.use"))
    out = PasClaim(claim_identifier=_claim_identifier(claim))
    out.request_numbers = tuple(
        str(i.value)
        for i in claim.identifier or []
        if i.system == systems.REQUEST_NUMBER and i.value
    )
    patient = _follow(index, claim.patient, "Claim.patient", issues)
    coverage = None
    if claim.insurance:
        coverage = _follow(
            index, claim.insurance[0].coverage, "Claim.insurance[0].coverage", issues
        )
    _read_member(out, patient, coverage, issues)
    provider = _follow(index, claim.provider, "Claim.provider", issues)
    _read_provider(out, provider, index, issues)
    out.site_number = _site_number(index.get(claim.facility))
    issues += _dangling(claim, index)
    if not inquiry:
        _read_item(out, claim, issues)
        _read_diagnoses(out, claim, index, issues)
        _read_supporting(out, claim)
        priority = [c.code for c in (claim.priority.coding if claim.priority else None) or []]
        out.urgency = "expedited" if {"stat", "urgent"} & set(priority) else "standard"
    elif not (out.claim_identifier or out.request_numbers):
        issues.append(
            Issue("required", "Give the Claim.identifier of the request.", "Claim.identifier")
        )
    out.issues = issues
    return out


CHECKED = {"Claim.patient", "Claim.provider", "Claim.insurance[0].coverage"}


def _dangling(claim: Any, index: _Index) -> list[Issue]:
    """Every other reference of the Claim must resolve inside the Bundle (PAS sends them all)."""
    found: list[Issue] = []

    def missing(ref: str) -> bool:
        short = "/".join(ref.rstrip("/").split("/")[-2:])
        return index.by_ref.get(ref) is None and index.by_ref.get(short) is None

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            ref = node.get("reference")
            checked = path in CHECKED or not isinstance(ref, str) or ref.startswith("#")
            if not checked and missing(ref):
                found.append(Issue("not-found", MISSING_REF.format(what=path, ref=ref), path))
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for n, value in enumerate(node):
                walk(value, f"{path}[{n}]")

    walk(claim.model_dump(mode="json", exclude_none=True), "Claim")
    return found[:50]


def _claim_identifier(claim: Any) -> str | None:
    """The submitter's identifier of the request (its trace number): the idempotency key."""
    for identifier in claim.identifier or []:
        if identifier.value and identifier.system != systems.REQUEST_NUMBER:
            return f"fhir:{identifier.value}"[:80]
    return None


def _read_member(out: PasClaim, patient: Any, coverage: Any, issues: list[Issue]) -> None:
    member_id = getattr(coverage, "subscriberId", None) if coverage is not None else None
    if not member_id and patient is not None:
        member_id = next(
            (i.value for i in patient.identifier or [] if i.system == systems.MEDICAID_ID), None
        )
    if patient is None:
        return
    if not member_id:
        issues.append(Issue("required", NO_MEMBER_ID, "Coverage.subscriberId"))
    out.member_id = str(member_id).strip().upper() if member_id else None
    if patient.birthDate is None:
        issues.append(Issue("required", NO_BIRTH_DATE, "Patient.birthDate"))
    else:
        out.birth_date = patient.birthDate


def _npis(resource: Any) -> list[str]:
    return [
        str(i.value)
        for i in getattr(resource, "identifier", None) or []
        if i.system == systems.NPI and i.value
    ]


def _read_provider(out: PasClaim, provider: Any, index: _Index, issues: list[Issue]) -> None:
    if provider is None:
        return
    npis = _npis(provider)
    if provider.get_resource_type() == "PractitionerRole":
        npis += _npis(index.get(provider.organization)) + _npis(index.get(provider.practitioner))
    if not npis:
        issues.append(Issue("required", NO_NPI.format(system=systems.NPI), "Claim.provider"))
    out.provider_npis = tuple(npis)


def _site_number(location: Any) -> str | None:
    for identifier in getattr(location, "identifier", None) or []:
        if identifier.system == systems.SITE_NUMBER and identifier.value:
            return str(identifier.value)
    return None


def _codings(concept: Any, expression: str) -> list[Code]:
    return [
        Code(str(c.system or ""), str(c.code), expression)
        for c in (concept.coding if concept else None) or []
        if c.code
    ]


def _read_item(out: PasClaim, claim: Any, issues: list[Issue]) -> None:
    items = claim.item or []
    if not items:
        issues.append(Issue("required", NO_ITEM, "Claim.item"))
        return
    if len(items) > 1:
        issues.append(Issue("not-supported", ONE_ITEM.format(n=len(items)), "Claim.item"))
    item = items[0]
    out.codes = tuple(
        _codings(item.productOrService, "Claim.item[0].productOrService")
        + _codings(item.revenue, "Claim.item[0].revenue")
        + _codings(item.category, "Claim.item[0].category")
    )
    if not out.codes:
        issues.append(Issue("required", NO_CODE, "Claim.item[0].productOrService"))
    places = _codings(item.locationCodeableConcept, "Claim.item[0].locationCodeableConcept")
    out.place = next((c.code for c in places if c.system == systems.PLACE_OF_SERVICE), "")
    period = item.servicedPeriod
    out.start = item.servicedDate or _day(period.start if period else None)
    out.end = _day(period.end if period else None)
    if out.start is None:
        issues.append(Issue("required", NO_DATE, "Claim.item[0].servicedDate"))
    if item.quantity is not None and item.quantity.value is not None:
        value = item.quantity.value
        if value != int(value) or not 1 <= value <= 10_000:
            issues.append(Issue("value", BAD_UNITS, "Claim.item[0].quantity.value"))
        else:
            out.units = int(value)


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _read_diagnoses(out: PasClaim, claim: Any, index: _Index, issues: list[Issue]) -> None:
    codes: list[str] = []
    for n, diagnosis in enumerate(claim.diagnosis or []):
        concept = diagnosis.diagnosisCodeableConcept
        if concept is None and diagnosis.diagnosisReference is not None:
            condition = index.get(diagnosis.diagnosisReference)
            concept = getattr(condition, "code", None)
        found = [c for c in _codings(concept, "") if c.system == systems.ICD10CM]
        if not found:
            issues.append(
                Issue(
                    "code-invalid",
                    DIAGNOSIS_SYSTEM.format(system=systems.ICD10CM),
                    f"Claim.diagnosis[{n}]",
                )
            )
        codes += [c.code for c in found[:1]]
    if not claim.diagnosis:
        issues.append(Issue("required", NO_DIAGNOSIS, "Claim.diagnosis"))
    out.diagnoses = tuple(codes)


def _read_supporting(out: PasClaim, claim: Any) -> None:
    """Structured review data: supportingInfo coded with our clinical-field system, one per field
    (several entries of one field, such as substances, make a list)."""
    for info in claim.supportingInfo or []:
        names = [
            c.code
            for c in (info.code.coding if info.code else None) or []
            if c.system == systems.CLINICAL_FIELD
        ]
        names += [
            c.code
            for c in (info.category.coding if info.category else None) or []
            if c.system == systems.CLINICAL_FIELD
        ]
        if not names:
            continue
        value: Any = info.valueString
        if value is None and info.valueBoolean is not None:
            value = "yes" if info.valueBoolean else "no"
        if value is None and info.valueQuantity is not None:
            value = info.valueQuantity.value
        if value is None and info.timingDate is not None:
            value = info.timingDate.isoformat()
        if value is None:
            continue
        name = str(names[0])
        if name in out.clinical:
            previous = out.clinical[name]
            out.clinical[name] = (
                [*previous, value] if isinstance(previous, list) else [previous, value]
            )
        else:
            out.clinical[name] = value
