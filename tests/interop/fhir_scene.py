"""A small FHIR scene: the registration scene (organizations A and B, members, a provider user of A)
plus an inpatient offering at A's site, OAuth2 client-credentials clients for A and B, and builders
of PAS request Bundles."""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.test import Client
from oauth2_provider.models import Application

from authorizations.models import Request
from interop.fhir import systems
from providers.models import LevelOfCare, ProviderStaff, ServiceOffering
from tests.authorizations.registration_scene import Scene, build_scene

SAMPLES = Path("/work/shared/samples/fhir-pas")
SUBMIT, INQUIRE = "/fhir/Claim/$submit", "/fhir/Claim/$inquire"
FHIR_JSON = systems.FHIR_JSON
SECRET = "client-secret-for-tests-only"
CLINICAL = {
    "presentation": "Agitated, tearful, poor eye contact",
    "symptoms": "Depressed mood, not sleeping, hearing voices",
    "suicide_risk": "high",
    "homicide_risk": "none",
    "substances": "none",
    "legal_status": "voluntary",
    "supports": "Mother visits daily",
    "treatment_objectives": "Safety, medication adjustment",
    "discharge_plan": "Home with intensive outpatient",
}


@dataclass
class FhirScene:
    scene: Scene
    client_a: Client  # OAuth2 bearer token of organization A's system
    client_b: Client  # OAuth2 bearer token of organization B's system
    system_a: Any
    system_b: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["scene"], name)


def oauth_client(system_user: Any, name: str) -> Client:
    """A provider system: an Application of its user, a token from POST /o/token/."""
    Application.objects.create(
        name=name,
        client_id=f"{name}-id",
        client_secret=SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        user=system_user,
    )
    answer = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "client_id": f"{name}-id", "client_secret": SECRET},
    )
    assert answer.status_code == 200, answer.content
    return Client(HTTP_AUTHORIZATION=f"Bearer {answer.json()['access_token']}")


def build_fhir_scene(make_user: Any) -> FhirScene:
    scene = build_scene(make_user)
    ServiceOffering.objects.create(
        site=scene.site,
        level_of_care=LevelOfCare.objects.get(code="IP_PSY"),
        effective_from=dt.date(2010, 1, 1),
    )
    system_a = make_user("provider_staff", username="ehr_system_a")
    ProviderStaff.objects.create(user=system_a, provider=scene.provider)
    system_b = make_user("provider_staff", username="ehr_system_b")
    ProviderStaff.objects.create(user=system_b, provider=scene.other_provider)
    return FhirScene(
        scene=scene,
        client_a=oauth_client(system_a, "ehr-a"),
        client_b=oauth_client(system_b, "ehr-b"),
        system_a=system_a,
        system_b=system_b,
    )


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": f"http://ehr.example/fhir/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
    }


def pas_bundle(
    member: Any,
    *,
    npi: str = "1234567893",
    code: tuple[str, str] = ("http://www.ama-assn.org/go/cpt", "90834"),
    start: dt.date | None = None,
    units: int | None = None,
    diagnoses: tuple[str, ...] = ("F32.9",),
    trace: str = "TRACE-1",
    clinical: dict[str, str] | None = None,
    use: str = "preauthorization",
    priority: str = "normal",
    site_number: str | None = None,
    place: str | None = None,
) -> dict[str, Any]:
    """A PAS request Bundle as an EHR sends it: Claim, Patient, Coverage, Organization, Condition."""
    start = start or dt.date.today()
    item: dict[str, Any] = {
        "sequence": 1,
        "productOrService": {"coding": [{"system": code[0], "code": code[1]}]},
        "servicedDate": start.isoformat(),
    }
    if units:
        item["quantity"] = {"value": units}
    if place:
        item["locationCodeableConcept"] = {
            "coding": [{"system": systems.PLACE_OF_SERVICE, "code": place}]
        }
    claim = {
        "resourceType": "Claim",
        "id": "req1",
        "identifier": [{"system": "http://ehr.example/trace", "value": trace}],
        "status": "active",
        "type": {"coding": [{"system": systems.CLAIM_TYPE, "code": "professional"}]},
        "use": use,
        "patient": {"reference": "Patient/pat1"},
        "created": "2026-06-01T09:00:00-04:00",
        "insurer": {"reference": "Organization/aso"},
        "provider": {"reference": "Organization/org1"},
        "priority": {"coding": [{"code": priority}]},
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"reference": "Coverage/cov1"}}],
        "diagnosis": [
            {
                "sequence": n,
                "diagnosisCodeableConcept": {"coding": [{"system": systems.ICD10CM, "code": dx}]},
            }
            for n, dx in enumerate(diagnoses, 1)
        ],
        "supportingInfo": [
            {
                "sequence": n,
                "category": {"coding": [{"system": systems.CLINICAL_FIELD, "code": name}]},
                "valueString": value,
            }
            for n, (name, value) in enumerate((clinical or {}).items(), 1)
        ],
        "item": [item],
    }
    if not claim["supportingInfo"]:
        del claim["supportingInfo"]
    if site_number:
        claim["facility"] = {"reference": "Location/site1"}
    resources = [
        claim,
        {
            "resourceType": "Patient",
            "id": "pat1",
            "identifier": [{"system": systems.MEDICAID_ID, "value": member.medicaid_id}],
            "name": [{"family": member.last_name, "given": [member.first_name]}],
            "birthDate": member.birth_date.isoformat(),
        },
        {
            "resourceType": "Coverage",
            "id": "cov1",
            "status": "active",
            "subscriberId": member.medicaid_id,
            "beneficiary": {"reference": "Patient/pat1"},
            "payor": [{"reference": "Organization/aso"}],
        },
        {
            "resourceType": "Organization",
            "id": "org1",
            "identifier": [{"system": systems.NPI, "value": npi}],
            "name": "Requesting clinic",
        },
        {"resourceType": "Organization", "id": "aso", "name": "CT BH ASO"},
    ]
    if site_number:
        resources.append(
            {
                "resourceType": "Location",
                "id": "site1",
                "identifier": [{"system": systems.SITE_NUMBER, "value": site_number}],
            }
        )
    return {"resourceType": "Bundle", "type": "collection", "entry": [_entry(r) for r in resources]}


def inquiry_bundle(submitted: dict[str, Any]) -> dict[str, Any]:
    """The inquiry for a submitted Bundle: the same Claim identifier, patient and provider."""
    bundle = copy.deepcopy(submitted)
    claim = bundle["entry"][0]["resource"]
    for key in ("item", "diagnosis", "supportingInfo"):
        claim.pop(key, None)
    return bundle


def post(client: Client, path: str, body: Any) -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data, content_type=FHIR_JSON)


def claim_response(answer: Any) -> dict[str, Any]:
    bundle = answer.json()
    assert bundle["resourceType"] == "Bundle", bundle
    return bundle["entry"][0]["resource"]


def review_action(response: dict[str, Any]) -> dict[str, Any]:
    """{'number': ..., 'code': 'A1', 'reasons': [...]} from the item's reviewAction extension."""
    extension = response["item"][0]["extension"][0]["extension"]
    found: dict[str, Any] = {"reasons": []}
    for part in extension:
        if part["url"] == "number":
            found["number"] = part["valueString"]
        elif part["url"] == "code":
            found["code"] = part["valueCodeableConcept"]["coding"][0]["code"]
        else:
            found["reasons"].append(part["valueCodeableConcept"]["coding"][0]["code"])
    return found


def issues(answer: Any) -> list[dict[str, Any]]:
    body = answer.json()
    assert body["resourceType"] == "OperationOutcome", body
    return body["issue"]


def nothing_saved() -> bool:
    return not Request.objects.exists()
