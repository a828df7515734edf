"""The published PAS examples (shared/samples/fhir-pas), end to end through Claim/$submit and
$inquire: conformant request Bundles parse and either map (identifiers patched to our fixture's
member and provider) or answer a specific OperationOutcome; non-conformant ones give issues."""

from __future__ import annotations

import json

import pytest

from authorizations.models import Request
from interop.fhir import mapping, parse, systems
from tests.interop.fhir_scene import (
    INQUIRE,
    SAMPLES,
    SUBMIT,
    build_fhir_scene,
    claim_response,
    issues,
    post,
    review_action,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present"),
]


def sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text())


@pytest.fixture
def fs(make_user):
    return build_fhir_scene(make_user)


def _patched(bundle, fs, *, code=("http://www.ama-assn.org/go/cpt", "90834")):
    """The sample with our fixture's member, provider, a service code we accept and F-chapter
    diagnoses; everything else as published."""
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind == "Patient":
            resource["birthDate"] = fs.adult.birth_date.isoformat()
        elif kind == "Coverage":
            resource["subscriberId"] = fs.adult.medicaid_id
        elif kind == "Claim" and resource.get("use") == "preauthorization":
            resource["item"] = resource["item"][:1]
            resource["item"][0]["productOrService"] = {
                "coding": [{"system": code[0], "code": code[1]}]
            }
            resource["item"][0].pop("servicedPeriod", None)
            resource["item"][0]["servicedDate"] = __import__("datetime").date.today().isoformat()
            resource["diagnosis"] = [
                {
                    "sequence": 1,
                    "diagnosisCodeableConcept": {
                        "coding": [{"system": systems.ICD10CM, "code": "F32.9"}]
                    },
                }
            ]
            provider_ref = resource["provider"]["reference"]
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if f"{resource['resourceType']}/{resource.get('id')}" == provider_ref:
            resource["identifier"] = [{"system": systems.NPI, "value": "1234567893"}]
    return bundle


def test_the_inferno_conformant_bundle_parses_and_names_what_we_cannot_map(fs):
    answer = post(
        fs.client_a, SUBMIT, sample("inferno-pas-testkit__conformant_pas_bundle_v110.json")
    )
    assert answer.status_code == 400
    found = {i["diagnostics"] for i in issues(answer)}
    # Its patient has no date of birth, its requester's NPI is not ours, its code is not ours.
    assert parse.NO_BIRTH_DATE in found
    assert not Request.objects.exists()


def test_the_inferno_conformant_bundle_maps_once_its_identifiers_are_ours(fs):
    bundle = _patched(sample("inferno-pas-testkit__conformant_pas_bundle_v110.json"), fs)
    answer = post(fs.client_a, SUBMIT, bundle)
    assert answer.status_code == 200, answer.content
    response = claim_response(answer)
    assert review_action(response)["code"] == "A1"
    assert response["request"]["identifier"]["value"] == "111099"  # its trace number
    # and its inquiry finds it
    inquiry = _patched(sample("inferno-pas-testkit__conformant_pas_bundle_v110.json"), fs)
    del inquiry["entry"][0]["resource"]["item"]
    assert review_action(claim_response(post(fs.client_a, INQUIRE, inquiry)))["code"] == "A1"


def test_the_ig_homecare_example_gives_specific_issues(fs):
    answer = post(
        fs.client_a, SUBMIT, sample("pas-ig-2.2.1__Bundle-HomecareAuthorizationBundleExample.json")
    )
    assert answer.status_code == 400
    codes = {i["code"] for i in issues(answer)}
    assert "not-supported" in codes  # two service lines
    assert not Request.objects.exists()


def test_the_ig_medical_services_example_with_our_identifiers_is_a_code_we_do_not_accept(fs):
    bundle = _patched(
        sample("pas-ig-2.2.1__Bundle-MedicalServicesAuthorizationBundleExample.json"),
        fs,
        code=(
            "http://www.ama-assn.org/go/cpt",
            "27447",
        ),  # a knee replacement: not behavioral health
    )
    found = issues(post(fs.client_a, SUBMIT, bundle))
    assert {i["code"] for i in found} == {"code-invalid"}  # the procedure and the service type
    assert any("27447" in i["diagnostics"] for i in found)


@pytest.mark.parametrize(
    "name",
    [
        "inferno-pas-testkit__nonconformant_pas_bundle_v110.json",
        "davinci-prior-auth-ri__bundle-prior-auth.json",
        "inferno-pas-testkit__missing_referenced_resource_request_bundle.json",
        "pas-ig-2.2.1__Claim-MedicalServicesAuthorizationExample.json",
        "pas-ig-2.2.1__Bundle-ReferralAuthorizationResponseBundleExample.json",
    ],
)
def test_nonconformant_samples_give_operation_outcome_issues(fs, name):
    answer = post(fs.client_a, SUBMIT, sample(name))
    assert answer.status_code == 400
    assert issues(answer)
    assert not Request.objects.exists()


def test_the_missing_reference_sample_names_the_missing_resource(fs):
    bundle = sample("inferno-pas-testkit__missing_referenced_resource_request_bundle.json")
    found = issues(post(fs.client_a, SUBMIT, bundle))
    assert any(i["code"] == "not-found" and "not in the Bundle" in i["diagnostics"] for i in found)


def test_the_ig_inquiry_example_of_a_request_we_never_had_is_not_found(fs):
    bundle = _patched(sample("pas-ig-2.2.1__Bundle-PASClaimInquiryBundleExample.json"), fs)
    answer = post(fs.client_a, INQUIRE, bundle)
    assert answer.status_code == 404
    assert issues(answer)[0]["diagnostics"] == mapping.NOT_FOUND
