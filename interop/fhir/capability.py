"""What the FHIR API offers: the CapabilityStatement, and the public list of services that need
prior authorization (or a registration) with the codes we accept and the documentation each needs,
generated from the rules data (authorization rules, service codes, clinical fields)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from authorizations.models import AuthorizationRule
from authorizations.rules.clinical import CLINICAL_FIELDS
from interop.fhir import systems
from interop.models import ServiceCode

REGISTRATION_DOCUMENTS = (
    "Member's Medicaid id (Coverage.subscriberId) and date of birth (Patient.birthDate)",
    "Requesting provider's NPI (Claim.provider) and site (Claim.facility, if more than one)",
    "Service code and start date (Claim.item)",
    "Diagnoses in ICD-10-CM, chapter F (Claim.diagnosis)",
)


def capability_statement() -> dict[str, Any]:
    operation = "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-{}"
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-24",
        "publisher": "Connecticut Behavioral Health ASO",
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "format": [systems.FHIR_JSON, "json"],
        "implementationGuide": [
            "http://hl7.org/fhir/us/davinci-pas/ImplementationGuide/hl7.fhir.us.davinci-pas"
        ],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "OAuth",
                                }
                            ],
                            "text": "OAuth2 client credentials: POST /o/token/ (docs/api.md)",
                        }
                    ]
                },
                "resource": [
                    {
                        "type": "Claim",
                        "operation": [
                            {"name": "submit", "definition": operation.format("submit")},
                            {"name": "inquire", "definition": operation.format("inquire")},
                        ],
                    },
                    {
                        "type": "Coverage",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [{"name": "patient", "type": "reference"}],
                    },
                ],
            }
        ],
    }


def _documentation(review_path: str) -> list[str]:
    if review_path == "registration":
        return list(REGISTRATION_DOCUMENTS)
    clinical = [
        f"{f.label} (Claim.supportingInfo code {f.name}, system {systems.CLINICAL_FIELD})"
        for f in CLINICAL_FIELDS
        if f.initial
    ]
    return [*REGISTRATION_DOCUMENTS, *clinical]


def services_list(*, on: dt.date) -> list[dict[str, Any]]:
    """Every level of care with a rule in force on `on`: how it is authorized, the codes accepted,
    the units and the documentation a request needs. Two queries."""
    rules = (
        AuthorizationRule.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .select_related("level_of_care")
        .order_by("level_of_care__sort_order")
    )
    codes: dict[int, list[dict[str, str]]] = {}
    for row in ServiceCode.objects.order_by("kind", "code", "place"):
        codes.setdefault(row.level_of_care_id, []).append(
            {
                "system": systems.code_system(row.kind, row.code),
                "code": row.code,
                "place_of_service": row.place,
                "display": row.display,
            }
        )
    return [
        {
            "level_of_care": rule.level_of_care.code,
            "name": rule.level_of_care.name,
            "prior_authorization_required": rule.review_path == "prior_auth",
            "review_path": rule.review_path,
            "decided_at_once": rule.review_path == "registration" and rule.auto_approve,
            "unit_type": rule.unit_type,
            "initial_units": rule.initial_units,
            "initial_days": rule.initial_days,
            "max_units": rule.max_units,
            "concurrent_review_every_days": rule.concurrent_interval_days,
            "min_age": rule.min_age,
            "max_age": rule.max_age,
            "programs": list(rule.programs or []),
            "dcf_approval_required": rule.dcf_approval_required,
            "effective_from": rule.effective_from.isoformat(),
            "codes": codes.get(rule.level_of_care_id, []),
            "documentation": _documentation(rule.review_path),
        }
        for rule in rules
    ]
