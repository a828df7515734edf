"""Public metadata (CapabilityStatement), the public list of services needing authorization generated
from the rules data, and Coverage search scoped to the caller."""

from __future__ import annotations

import pytest
from django.test import Client
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from aso.core.models import AccessLog
from tests.interop.fhir_scene import SUBMIT, build_fhir_scene, claim_response, pas_bundle, post

pytestmark = pytest.mark.django_db


def test_metadata_is_public_and_a_valid_capability_statement(ref):
    answer = Client().get("/fhir/metadata")
    assert answer.status_code == 200
    statement = CapabilityStatement.model_validate(answer.json())
    operations = {op.name for op in statement.rest[0].resource[0].operation}
    assert operations == {"submit", "inquire"}


def test_the_services_list_is_public_and_generated_from_the_rules(ref):
    answer = Client().get("/fhir/prior-authorization-services")
    assert answer.status_code == 200
    services = {s["level_of_care"]: s for s in answer.json()["services"]}
    inpatient = services["IP_PSY"]
    assert inpatient["prior_authorization_required"] is True
    assert {"0114", "0124"} <= {c["code"] for c in inpatient["codes"]}
    assert any("Risk of harm to self" in d for d in inpatient["documentation"])
    # IOP moved to registration in 2014: the dated rule in force answers, not code.
    assert services["IOP"]["prior_authorization_required"] is False
    assert services["OP"]["decided_at_once"] is True


@pytest.fixture
def fs(make_user):
    return build_fhir_scene(make_user)


def test_coverage_of_a_member_the_organization_has_requested_for(fs):
    patient = claim_response(post(fs.client_a, SUBMIT, pas_bundle(fs.adult)))["patient"]
    answer = fs.client_a.get("/fhir/Coverage", {"patient": patient["reference"]})
    assert answer.status_code == 200
    bundle = answer.json()
    assert bundle["type"] == "searchset" and bundle["total"] == 1
    coverage = bundle["entry"][0]["resource"]
    assert coverage["subscriberId"] == fs.adult.medicaid_id
    assert coverage["class"][0]["value"] == "HUSKY_D"
    assert coverage["status"] == "active"
    assert AccessLog.objects.filter(user=fs.system_a, purpose="FHIR Coverage search").exists()
    # Organization B has no request for this member: an empty result, not the member's data.
    other = fs.client_b.get("/fhir/Coverage", {"patient": patient["reference"]})
    assert other.status_code == 200 and other.json()["total"] == 0
    assert fs.adult.medicaid_id not in other.content.decode()


def test_coverage_needs_a_patient_id(fs):
    answer = fs.client_a.get("/fhir/Coverage", {"patient": "200000001"[:0] or "Ana"})
    assert answer.status_code == 400
    assert answer.json()["issue"][0]["expression"] == ["patient"]
