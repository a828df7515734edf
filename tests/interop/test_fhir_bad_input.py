"""Bad input to Claim/$submit: an OperationOutcome with every problem, each at its FHIRPath, and
nothing saved."""

from __future__ import annotations

import pytest

from interop.fhir import mapping, parse
from tests.interop.fhir_scene import (
    SUBMIT,
    build_fhir_scene,
    issues,
    nothing_saved,
    pas_bundle,
    post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fs(make_user):
    return build_fhir_scene(make_user)


def _refused(answer, status=400):
    assert answer.status_code == status, answer.content
    assert nothing_saved()
    return issues(answer)


def test_malformed_json(fs):
    found = _refused(post(fs.client_a, SUBMIT, b'{"resourceType": "Bundle", '))
    assert found[0]["diagnostics"] == parse.NOT_JSON


def test_a_resource_that_is_not_a_bundle(fs):
    found = _refused(post(fs.client_a, SUBMIT, {"resourceType": "Patient", "id": "x"}))
    assert found[0]["diagnostics"] == parse.NOT_BUNDLE.format(found="Patient")


def test_a_bundle_with_a_badly_typed_element_names_its_path(fs):
    bundle = pas_bundle(fs.adult)
    bundle["entry"][0]["resource"]["item"][0]["servicedDate"] = "first of June"
    found = _refused(post(fs.client_a, SUBMIT, bundle))
    assert any("servicedDate" in i["expression"][0] for i in found)


def test_a_bundle_without_a_claim_first(fs):
    bundle = pas_bundle(fs.adult)
    bundle["entry"] = bundle["entry"][1:]
    assert _refused(post(fs.client_a, SUBMIT, bundle))[0]["diagnostics"] == parse.NO_CLAIM


def test_a_claim_that_is_not_a_preauthorization(fs):
    found = _refused(post(fs.client_a, SUBMIT, pas_bundle(fs.adult, use="claim")))
    assert [(i["code"], i["expression"]) for i in found] == [("value", ["Claim.use"])]


def test_an_unknown_member_an_unknown_provider_and_a_code_we_do_not_accept_all_at_once(fs):
    fs.adult.birth_date = fs.adult.birth_date.replace(
        year=1970
    )  # a date of birth that does not match
    bundle = pas_bundle(
        fs.adult, npi="1881111111", code=("http://www.ama-assn.org/go/cpt", "99213")
    )
    found = _refused(post(fs.client_a, SUBMIT, bundle))
    by_path = {i["expression"][0]: i for i in found}
    assert by_path["Claim.patient"]["diagnostics"] == mapping.MEMBER_UNKNOWN
    assert by_path["Claim.provider"]["diagnostics"] == mapping.PROVIDER_UNKNOWN
    assert by_path["Claim.item[0].productOrService"]["code"] == "code-invalid"
    assert "99213" in by_path["Claim.item[0].productOrService"]["diagnostics"]
    # No PHI in the messages: neither the Medicaid id nor the name.
    text = str(found)
    assert fs.adult.medicaid_id not in text and fs.adult.last_name not in text


def test_another_organizations_npi_is_refused_as_unknown(fs):
    found = _refused(post(fs.client_a, SUBMIT, pas_bundle(fs.adult, npi="1245319599")))
    assert [i["diagnostics"] for i in found] == [mapping.PROVIDER_UNKNOWN]


def test_diagnoses_outside_chapter_f_are_refused_by_the_service(fs):
    found = _refused(post(fs.client_a, SUBMIT, pas_bundle(fs.adult, diagnoses=("J44.9",))))
    assert found[0]["expression"] == ["Claim.diagnosis"]


def test_a_diagnosis_in_another_code_system(fs):
    bundle = pas_bundle(fs.adult)
    bundle["entry"][0]["resource"]["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0][
        "system"
    ] = "http://snomed.info/sct"
    found = _refused(post(fs.client_a, SUBMIT, bundle))
    assert [(i["code"], i["expression"]) for i in found] == [
        ("code-invalid", ["Claim.diagnosis[0]"])
    ]


def test_a_prior_authorization_without_clinical_information_lists_every_missing_field(fs):
    bundle = pas_bundle(fs.adult, code=("https://www.nubc.org/CodeSystem/RevenueCodes", "0114"))
    found = _refused(post(fs.client_a, SUBMIT, bundle))
    assert all(i["expression"] == ["Claim.supportingInfo"] for i in found)
    assert len(found) >= 9  # presentation, symptoms, risks, substances, legal status, ...


def test_a_missing_referenced_resource_and_a_missing_birth_date(fs):
    bundle = pas_bundle(fs.adult)
    del bundle["entry"][1]["resource"]["birthDate"]
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Coverage"]
    found = _refused(post(fs.client_a, SUBMIT, bundle))
    assert {i["expression"][0] for i in found} == {
        "Claim.insurance[0].coverage",
        "Patient.birthDate",
    }


def test_two_service_lines_are_not_supported(fs):
    bundle = pas_bundle(fs.adult)
    claim = bundle["entry"][0]["resource"]
    claim["item"].append({**claim["item"][0], "sequence": 2})
    found = _refused(post(fs.client_a, SUBMIT, bundle))
    assert [i["code"] for i in found] == ["not-supported"]


def test_an_empty_body_and_a_json_array(fs):
    assert _refused(post(fs.client_a, SUBMIT, b""))[0]["code"] == "structure"
    assert _refused(post(fs.client_a, SUBMIT, b"[]"))[0]["code"] == "structure"


def test_the_site_must_be_named_when_the_organization_has_several(fs):
    from providers.models import Site

    Site.objects.create(
        provider=fs.provider,
        site_number="002",
        name="Second site",
        street="3 Main St",
        town=fs.site.town,
        region=fs.site.region,
        zip_code="06103",
    )
    found = _refused(post(fs.client_a, SUBMIT, pas_bundle(fs.adult)))
    assert [i["expression"] for i in found] == [["Claim.facility"]]
    unknown = _refused(post(fs.client_a, SUBMIT, pas_bundle(fs.adult, site_number="999")))
    assert [i["diagnostics"] for i in unknown] == [mapping.SITE_UNKNOWN]
    named = post(fs.client_a, SUBMIT, pas_bundle(fs.adult, site_number="001"))
    assert named.status_code == 200


HOSTILE = [
    b"null",
    b'"Bundle"',
    b'{"resourceType": "Bundle"}',
    b'{"resourceType": "Bundle", "type": "collection", "entry": "x"}',
    b'{"resourceType": "Bundle", "type": "collection", "entry": [1, null, {}]}',
    b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Nope"}}]}',
    b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Claim"}}]}',
    b'{"resourceType": "Bundle", "type": "batch", "entry": []}',
    b'{"resourceType": "Bundle", "type": "collection", "total": 1e999}',
    b"[" * 5000 + b"]" * 5000,
    '{"resourceType": "Bundle", "id": "\u0000\ud800"}'.encode("utf-8", "surrogatepass"),
]


@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_bodies_are_refused_with_an_operation_outcome(fs, body):
    answer = post(fs.client_a, SUBMIT, body)
    assert 400 <= answer.status_code < 500
    assert issues(answer)
    assert nothing_saved()


def test_profile_and_identification_problems_are_reported_together(fs):
    bundle = pas_bundle(fs.adult, use="claim", npi="1881111111")
    found = _refused(post(fs.client_a, SUBMIT, bundle))
    assert {i["expression"][0] for i in found} == {"Claim.use", "Claim.provider"}
