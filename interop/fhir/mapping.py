"""A PAS request onto the services the portal uses: a registration (`registration_submit`) or a
prior-authorization request (`prior_auth_submit`), chosen by the authorization rule in force for the
level of care on the start date. Only mapping here: the services decide, validate and record.

The member is found by Medicaid id and date of birth (both, as on the portal); the provider by NPI
among the caller's own organizations; the level of care from the service code (fixtures data,
interop.ServiceCode, read through interop.selectors.level_for_codes as the X12 278 does). Every
problem of identification is returned at once, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from authorizations.models import Request
from authorizations.selectors import (
    member_for_registration,
    requests_visible_to,
)
from authorizations.services.registration import RegistrationInputError
from interop.fhir import systems
from interop.fhir.outcome import FhirProblem, Issue, issues_from_fields
from interop.fhir.parse import Code, PasClaim
from interop.selectors import level_for_codes as level_for_codes_shared
from interop.selectors import own_provider_by_npi, submission_site
from interop.services import service_request_submit
from members.models import Member
from providers.models import LevelOfCare, Provider, Site

SUBMIT_PERMS = ("authorizations.submit_registration", "authorizations.submit_prior_auth")
NOT_ALLOWED = "This client may not request authorizations."
MEMBER_UNKNOWN = "No member matches this Medicaid id and date of birth."
PROVIDER_UNKNOWN = "The requesting provider's NPI is not one of your organization's."
SITE_NEEDED = (
    "Your organization has several sites: name one in Claim.facility (a Location with an "
    "identifier of system {system})."
)
SITE_UNKNOWN = "No active site of your organization has this site number."
CODE_NOT_ACCEPTED = (
    "We do not accept {system}|{code} for a service line: GET /fhir/prior-authorization-services "
    "lists the codes we accept per level of care."
)
NOT_FOUND = "No request of your organization matches this identifier, patient and provider."
# Service field names -> where in the Claim the value came from.
PATHS = {
    "member": "Claim.patient",
    "site": "Claim.facility",
    "start": "Claim.item[0].servicedDate",
    "requested_start": "Claim.item[0].servicedDate",
    "requested_end": "Claim.item[0].servicedPeriod.end",
    "units": "Claim.item[0].quantity",
    "requested_units": "Claim.item[0].quantity",
    "diagnoses": "Claim.diagnosis",
    "level_of_care": "Claim.item[0].productOrService",
    "urgency": "Claim.priority",
    "idempotency_key": "Claim.identifier",
    "extends": "Claim.related",
}
CLINICAL_PATH = "Claim.supportingInfo"


@dataclass(frozen=True)
class Resolved:
    member: Member
    provider: Provider
    site: Site
    level: LevelOfCare


def _require(user: Any) -> None:
    if not any(user.has_perm(p) for p in SUBMIT_PERMS):
        raise FhirProblem([Issue("forbidden", NOT_ALLOWED)], 403)


def _member(pas: PasClaim, issues: list[Issue]) -> Member | None:
    if not pas.member_id or pas.birth_date is None:
        return None
    member = member_for_registration(medicaid_id=pas.member_id, birth_date=pas.birth_date)
    if member is None:
        issues.append(Issue("not-found", MEMBER_UNKNOWN, "Claim.patient"))
    return member


def _provider(user: Any, pas: PasClaim, issues: list[Issue]) -> Provider | None:
    provider = own_provider_by_npi(user=user, npis=pas.provider_npis)
    if provider is None and pas.provider_npis:
        issues.append(Issue("not-found", PROVIDER_UNKNOWN, "Claim.provider"))
    return provider


def _site(provider: Provider, pas: PasClaim, issues: list[Issue]) -> Site | None:
    site = submission_site(provider=provider, site_number=pas.site_number)
    if site is None and pas.site_number:
        issues.append(Issue("not-found", SITE_UNKNOWN, "Claim.facility"))
    elif site is None:
        issues.append(
            Issue("required", SITE_NEEDED.format(system=systems.SITE_NUMBER), "Claim.facility")
        )
    return site


def level_for_codes(
    codes: tuple[Code, ...], place: str = ""
) -> tuple[LevelOfCare | None, list[Issue]]:
    """The level of care of the item's codes, looked up as for an X12 278 (interop.selectors:
    procedure, then revenue, then service type at the item's place of service, then at any place);
    when none is accepted, an issue per code sent. A code of a system we do not read is not
    accepted."""
    by_kind: dict[str, list[str]] = {}
    for c in codes:
        kind = systems.KIND_FOR_SYSTEM.get(c.system)
        if kind is not None and systems.code_system(kind, c.code) == c.system:
            by_kind.setdefault(kind, []).append(c.code)
    level = level_for_codes_shared(
        procedures=by_kind.get("procedure", ()),
        revenues=by_kind.get("revenue", ()),
        service_type=next(iter(by_kind.get("service_type", ())), ""),
        place=place,
    )
    if level is not None:
        return level, []
    return None, [
        Issue("code-invalid", CODE_NOT_ACCEPTED.format(system=c.system, code=c.code), c.expression)
        for c in codes
    ]


def resolve(*, user: Any, pas: PasClaim) -> Resolved:
    """Member, provider, site, level of care and review path, or every problem at once."""
    _require(user)
    issues: list[Issue] = list(pas.issues)
    member = _member(pas, issues)
    provider = _provider(user, pas, issues)
    site = _site(provider, pas, issues) if provider is not None else None
    level, code_issues = level_for_codes(pas.codes, pas.place)
    issues += code_issues
    if issues:
        raise FhirProblem(issues)
    assert member and provider and site and level and pas.start
    return Resolved(member, provider, site, level)


def submit(*, user: Any, pas: PasClaim) -> Request:
    """Record the request through the portal's service for its review path; the recorded request
    (approved, refused with reasons, or waiting for review)."""
    found = resolve(user=user, pas=pas)
    assert pas.start is not None
    try:
        return service_request_submit(
            acting_user=user,
            member=found.member,
            site=found.site,
            level_of_care=found.level,
            start=pas.start,
            end=pas.end,
            units=pas.units,
            urgency=pas.urgency,
            diagnoses=pas.diagnoses,
            clinical=pas.clinical,
            idempotency_key=pas.claim_identifier,
        )
    except PermissionDenied as error:
        raise FhirProblem([Issue("forbidden", str(error))], 403) from None
    except (RegistrationInputError, ValidationError) as error:
        raise FhirProblem(_service_issues(error)) from None


def _service_issues(error: ValidationError) -> list[Issue]:
    errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    paths = {**PATHS, **{name: CLINICAL_PATH for name in errors if name not in PATHS}}
    return issues_from_fields(errors, paths)


def inquire(*, user: Any, pas: PasClaim) -> list[Request]:
    """The caller's organization's requests with this identifier (their Claim.identifier, or our
    request number), for this member and provider. Another organization's request is not found."""
    pas.raise_issues()
    requests = requests_visible_to(user=user)
    match = Q(number__in=pas.request_numbers)
    if pas.claim_identifier:
        match |= Q(idempotency_key=pas.claim_identifier)
    found = requests.filter(match).filter(
        member__medicaid_id=pas.member_id or "",
        member__birth_date=pas.birth_date or dt.date.min,
        site__provider__npi__in=pas.provider_npis,
    )
    found = found.select_related("authorization", "decision_reason").order_by("received_at")
    rows = list(found[:20])
    if not rows:
        raise FhirProblem([Issue("not-found", NOT_FOUND, "Claim.identifier")], 404)
    return rows
