"""Permission matrix entries of the fhir endpoints.

Metadata and the list of services needing authorization are public. Claim/$submit and $inquire are
for holders of a submit capability (provider staff and administrators for their own organization's
NPI; a care manager may call but is no provider: its submission names an NPI that is not its own);
$inquire also for clinical staff who see every request. Coverage is for whoever checks eligibility.
Anonymous callers get 401 (the OAuth2 bearer scheme comes first). Answers showing the member write
an AccessLog row. Organization scoping (A's client and B's request) is proven in
tests/interop/test_fhir_security.py, where each organization has its own OAuth2 client.
"""

from __future__ import annotations

from typing import Any

from interop.fhir import systems
from tests.interop.fhir_scene import inquiry_bundle, pas_bundle
from tests.matrix import ApiEntry, Entry, World

PROVIDERS = {"provider_staff": 200, "provider_admin": 200}
CLINICAL_STAFF = ("care_manager", "physician_advisor", "icm", "clinical_supervisor")
EVERYONE = 200


def _submission(world: World) -> dict[str, Any]:
    """An outpatient evaluation registration at A's site for the adult member (covered)."""
    return pas_bundle(
        world.member_adult,
        npi=world.provider_a.npi,
        code=("http://www.ama-assn.org/go/cpt", "90791"),
        trace="MATRIX-1",
        site_number=world.site_a.site_number,
    )


def _inquiry(world: World) -> dict[str, Any]:
    """The inquiry about A's registration (world.registration_auth_a) by our request number."""
    bundle = inquiry_bundle(pas_bundle(world.member_adult, npi=world.provider_a.npi))
    bundle["entry"][0]["resource"]["identifier"] = [
        {"system": systems.REQUEST_NUMBER, "value": world.registration_auth_a.request.number}
    ]
    return bundle


FHIR_ENTRIES: dict = {
    # The OAuth2 token endpoint answers POST only (client credentials; test_fhir_security.py).
    "oauth2_token": Entry(url=lambda w: "/o/token/", expect={}, default=405, anonymous=405),
}
FHIR_API_ENTRIES: dict = {
    "GET /fhir/metadata": ApiEntry(
        url=lambda w: "/fhir/metadata", expect={}, default=EVERYONE, anonymous=200
    ),
    "GET /fhir/prior-authorization-services": ApiEntry(
        url=lambda w: "/fhir/prior-authorization-services",
        expect={},
        default=EVERYONE,
        anonymous=200,
    ),
    "POST /fhir/Claim/$submit": ApiEntry(
        url=lambda w: "/fhir/Claim/$submit",
        method="post",
        data=_submission,
        expect={**PROVIDERS, "care_manager": 400},
        anonymous=401,
        member_data=True,
    ),
    "POST /fhir/Claim/$inquire": ApiEntry(
        url=lambda w: "/fhir/Claim/$inquire",
        method="post",
        data=_inquiry,
        expect={**PROVIDERS, **dict.fromkeys(CLINICAL_STAFF, 200)},
        anonymous=401,
        member_data=True,
    ),
    "GET /fhir/Coverage": ApiEntry(
        url=lambda w: f"/fhir/Coverage?patient={w.member_adult.pk}",
        expect={**PROVIDERS, **dict.fromkeys(CLINICAL_STAFF, 200)},
        anonymous=401,
        member_data=True,
    ),
}
