"""One service-code table for both standards: a code means the same level of care whether a provider
system sends it in a FHIR PAS Claim or an X12 278, looked up most specific first."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.urls import reverse

from interop.fhir import mapping, systems
from interop.fhir.parse import bundle_read, claim_read
from interop.models import ServiceCode
from interop.selectors import level_for_codes
from interop.x12 import mapping_278
from interop.x12 import services as x12_services
from interop.x12.parse_278 import read_278
from interop.x12.segments import read_interchange
from tests.interop.fhir_scene import pas_bundle
from tests.interop.x12_scene import Ask278, interchange

pytestmark = pytest.mark.django_db
MEMBER = SimpleNamespace(
    medicaid_id="200000001",
    first_name="Ana",
    last_name="Rivera",
    birth_date=dt.date(1985, 5, 5),
)


def _fhir_level(system: str, code: str, place: str | None = None):
    body = json.dumps(pas_bundle(MEMBER, code=(system, code), place=place)).encode()
    pas = claim_read(bundle_read(body))
    assert pas.issues == []
    level, issues = mapping.level_for_codes(pas.codes, pas.place)
    return (level.code if level else None), issues


def _x12_level(ask: Ask278):
    envelope = read_interchange(interchange(ask))
    parsed = mapping_278.ask_from_278(read_278(envelope.transactions[0]))
    level = x12_services._level(parsed)
    return level.code if level else None


@pytest.mark.parametrize(
    ("system", "code", "place", "x12", "expected"),
    [
        (systems.CPT, "90834", None, Ask278(procedure="HC:90834"), "OP"),
        (systems.HCPCS, "H0035", None, Ask278(procedure="HC:H0035"), "PHP"),
        (systems.HCPCS, "H0011", None, Ask278(procedure="HC:H0011"), "RES_DETOX"),
        (systems.NUBC_REVENUE, "0114", None, Ask278(procedure=None, revenue="0114"), "IP_PSY"),
        (systems.NUBC_REVENUE, "1002", None, Ask278(procedure=None, revenue="1002"), "RES_DETOX"),
        (systems.X12_SERVICE_TYPE, "A7", "21", Ask278(procedure=None, um="AR*I*A7*21:A"), "IP_PSY"),
        (systems.X12_SERVICE_TYPE, "A4", "56", Ask278(procedure=None, um="AR*I*A4*56:A"), "PRTF"),
    ],
)
def test_a_code_means_the_same_level_of_care_in_fhir_and_in_the_278(
    ref, system, code, place, x12, expected
):
    assert _fhir_level(system, code, place) == (expected, [])
    assert _x12_level(x12) == expected


def test_codes_are_tried_most_specific_first(ref):
    # A procedure wins over a revenue code, a revenue code over a service type.
    assert level_for_codes(procedures=["H0035"], revenues=["0114"], service_type="A8").code == "PHP"
    assert level_for_codes(procedures=["99999"], revenues=["0114"], service_type="A8").code == (
        "IP_PSY"
    )
    # A service type at its place of service before the same service type at any place.
    assert level_for_codes(service_type="A4", place="56").code == "PRTF"
    assert level_for_codes(service_type="A8", place="11").code == "OP"
    assert level_for_codes(service_type="A4") is None
    assert level_for_codes() is None


def test_a_code_of_another_system_is_not_accepted_and_every_code_sent_is_named(ref):
    level, issues = _fhir_level("http://example.org/local-codes", "90834")
    assert level is None
    assert [i.expression for i in issues] == ["Claim.item[0].productOrService"]
    assert "http://example.org/local-codes|90834" in issues[0].message


def test_the_public_services_list_reads_the_same_table(ref, client):
    answer = client.get("/fhir/prior-authorization-services").json()["services"]
    listed = {(c["system"], c["code"], c["place_of_service"]) for s in answer for c in s["codes"]}
    assert (systems.HCPCS, "H0011", "") in listed  # a row first written for the 278
    assert (systems.CPT, "90834", "") in listed
    in_force = {s["level_of_care"] for s in answer}
    expected = {
        (systems.code_system(r.kind, r.code), r.code, r.place)
        for r in ServiceCode.objects.select_related("level_of_care")
        if r.level_of_care.code in in_force
    }
    assert listed == expected


def test_the_code_table_is_shown_read_only_with_its_history_in_the_admin(ref, admin_client):
    page = admin_client.get(reverse("admin:interop_servicecode_changelist"))
    assert page.status_code == 200 and "H0011" in page.content.decode()
    row = ServiceCode.objects.get(kind="procedure", code="90834")
    history = admin_client.get(reverse("admin:interop_servicecode_history", args=[row.pk]))
    assert history.status_code == 200
    assert admin_client.get(reverse("admin:interop_servicecode_add")).status_code == 403


def test_the_same_code_through_fhir_submit_and_the_278_asks_for_the_same_level_of_care(make_user):
    from authorizations.models import Request
    from tests.interop.fhir_scene import SUBMIT, build_fhir_scene, post
    from tests.interop.test_x12_278 import _post

    fs = build_fhir_scene(make_user)
    answer = post(fs.client_a, SUBMIT, pas_bundle(fs.scene.teen, code=(systems.CPT, "90837")))
    assert answer.status_code == 200, answer.content
    x12_response, _ = _post(fs.scene.user, interchange(Ask278(procedure="HC:90837")))
    assert x12_response.status_code == 200
    fhir_request = Request.objects.get(member=fs.scene.teen)
    x12_request = Request.objects.get(member=fs.scene.adult)
    assert fhir_request.level_of_care.code == x12_request.level_of_care.code == "OP"
