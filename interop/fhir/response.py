"""A recorded request as a PAS ClaimResponse, in a response Bundle.

outcome: complete (decided) or queued (waiting for review); preAuthRef: our authorization number;
preAuthPeriod: its dates; item adjudication with the review action (X12 306: A1 certified, A2
certified in part, A3 not certified, A4 pended, C cancelled) and its reasons, each also as a
processNote in plain words.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from authorizations.choices import OPEN_STATUSES, RequestStatus
from authorizations.models import Request
from interop.actions import REVIEW_ACTION
from interop.fhir import systems

INSURER = "Connecticut Behavioral Health ASO"
ACTION = REVIEW_ACTION


def _reasons(request: Request) -> list[tuple[str, str]]:
    """(code, plain words) of each reason: the rules' refusals, or the reviewer's decision reason."""
    if request.refusals:
        return [(r["code"], r["message"]) for r in request.refusals]
    reason = request.decision_reason
    if reason is not None and request.status in (
        RequestStatus.DENIED,
        RequestStatus.PARTIALLY_APPROVED,
    ):
        return [(reason.code, reason.label)]
    return []


def _review_action(request: Request, number: str) -> dict[str, Any]:
    code, display = ACTION[RequestStatus(request.status)]
    parts: list[dict[str, Any]] = [
        {"url": "number", "valueString": number},
        {
            "url": "code",
            "valueCodeableConcept": {
                "coding": [{"system": systems.X12_REVIEW_ACTION, "code": code, "display": display}]
            },
        },
    ]
    for reason, words in _reasons(request):
        parts.append(
            {
                "url": "reasonCode",
                "valueCodeableConcept": {
                    "coding": [{"system": systems.DECISION_REASON, "code": reason}],
                    "text": words,
                },
            }
        )
    return {"url": systems.REVIEW_ACTION_EXTENSION, "extension": parts}


def _authorization(request: Request) -> Any:
    try:
        return request.authorization
    except Request.authorization.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


def claim_response(request: Request, *, claim_identifier: str | None = None) -> dict[str, Any]:
    authorization = _authorization(request)
    decided = request.status not in OPEN_STATUSES
    number = authorization.number if authorization else request.number
    adjudication: dict[str, Any] = {
        "category": {"coding": [{"system": systems.ADJUDICATION, "code": "submitted"}]}
    }
    if request.requested_units:
        adjudication["value"] = request.requested_units
    response: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "id": request.number,
        "meta": {"profile": [systems.PAS_CLAIM_RESPONSE]},
        "identifier": [{"system": systems.REQUEST_NUMBER, "value": request.number}],
        "status": "active",
        "type": {"coding": [{"system": systems.CLAIM_TYPE, "code": "professional"}]},
        "use": "preauthorization",
        "patient": {
            "reference": f"Patient/{request.member_id}",
            "identifier": {"system": systems.MEDICAID_ID, "value": request.member.medicaid_id},
        },
        "created": request.received_at.isoformat(),
        "insurer": {"display": INSURER},
        "requestor": {
            "identifier": {"system": systems.NPI, "value": request.site.provider.npi},
        },
        "outcome": "complete" if decided else "queued",
        "disposition": RequestStatus(request.status).label,
        "item": [
            {
                "extension": [_review_action(request, number)],
                "itemSequence": 1,
                "adjudication": [adjudication],
            }
        ],
    }
    if claim_identifier:
        response["request"] = {"identifier": {"value": claim_identifier.removeprefix("fhir:")}}
    if authorization is not None:
        response["preAuthRef"] = authorization.number
        response["preAuthPeriod"] = {
            "start": authorization.start.isoformat(),
            "end": authorization.end.isoformat(),
        }
        response["item"][0]["adjudication"].append(
            {
                "category": {"coding": [{"system": systems.ADJUDICATION, "code": "eligible"}]},
                "value": authorization.units,
            }
        )
    notes = [
        {"number": n, "type": "display", "text": words}
        for n, (_, words) in enumerate(_reasons(request), 1)
    ]
    if notes:
        response["processNote"] = notes
    return response


def response_bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"profile": [systems.PAS_RESPONSE_BUNDLE]},
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [
            {"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": resource} for resource in resources
        ],
    }
