"""Coverage search: a member's eligibility spans as FHIR Coverage resources.

Only members the caller may see: ASO staff who work with member data see any member; a provider
system sees the members its organization has requests for (the member's id comes from its own
ClaimResponse, `patient.reference`). Anyone else gets an empty search result, never another's data.
"""

from __future__ import annotations

import uuid
from typing import Any

from authorizations.selectors import requests_visible_to
from interop.fhir import systems
from members.models import EligibilitySpan, Member
from members.selectors import members_visible_to

PAYOR = "Connecticut Department of Social Services (HUSKY Health)"


def coverage_member(*, user: Any, pk: int) -> Member | None:
    """The member if the caller may see its coverage, else None (missing and forbidden alike)."""
    member = members_visible_to(user=user).filter(pk=pk).first()
    if member is None and requests_visible_to(user=user).filter(member_id=pk).exists():
        member = Member.objects.filter(pk=pk).first()
    return member


def _coverage(span: EligibilitySpan, member: Member) -> dict[str, Any]:
    """One eligibility span. The resource is "active" (on record): when it covers is its period, so a
    span that has ended or has not begun is told by its dates, never as "cancelled"."""
    period = {"start": span.start.isoformat()}
    if span.end is not None:
        period["end"] = span.end.isoformat()
    return {
        "resourceType": "Coverage",
        "id": str(span.pk),
        "status": "active",
        "subscriberId": member.medicaid_id,
        "beneficiary": {"reference": f"Patient/{member.pk}"},
        "relationship": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                    "code": "self",
                }
            ]
        },
        "period": period,
        "payor": [{"display": PAYOR}],
        "class": [
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                            "code": "plan",
                        }
                    ]
                },
                "value": span.program.code,
                "name": span.program.name,
            }
        ],
    }


def coverage_bundle(member: Member | None) -> dict[str, Any]:
    spans = (
        EligibilitySpan.objects.filter(member=member).select_related("program").order_by("start")
        if member is not None
        else []
    )
    resources = [_coverage(span, member) for span in spans] if member else []
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {
                "fullUrl": f"{systems.BASE}/Coverage/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }
