"""The shared 278 samples (oopfactory 005010X217 examples 3.1.1, 3.2.1, 3.3.1) through POST /x12/278.

The samples name a member and providers we do not have, with 11-digit member ids, non-NPI provider
qualifiers and ICD-9 diagnoses. As sent (our NPI and Medicaid id put in, and the date of birth we
require) they are answered with the AAA codes of what is still wrong; with today's dates, ICD-10
diagnoses and behavioral-health codes they are decided as the samples' responses show (3.1.2 certified,
3.3.2 pended).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from authorizations.models import Authorization, Request
from providers.models import ServiceOffering
from tests.authorizations.registration_scene import build_scene
from tests.interop.x12_scene import adapt, find, pyx12_errors, samples_dir

pytestmark = pytest.mark.django_db
URL = "/x12/278"
MEMBER = "NM1*IL*1*SMITH*JOE****MI*12345678901"
DOB = "DMG*D8*19850505"
OUR_MEMBER = "NM1*IL*1*SMITH*JOE****MI*200000001"
CLINICAL = [
    "MSG*presentation: Agitated and tearful",
    "MSG*symptoms: Hearing voices",
    "MSG*suicide_risk: high",
    "MSG*homicide_risk: none",
    "MSG*substances: none",
    "MSG*legal_status: voluntary",
    "MSG*supports: Mother visits daily",
    "MSG*treatment_objectives: Safety",
    "MSG*discharge_plan: Home with intensive outpatient",
]


def _clinical() -> list[str]:
    discharge = timezone.localdate() + dt.timedelta(days=5)
    return [*CLINICAL, f"MSG*projected_discharge: {discharge:%Y-%m-%d}"]


@pytest.fixture
def scene(make_user):
    scene = build_scene(make_user)
    ServiceOffering.objects.create(
        site=scene.site, level_of_care=scene.level("IP_PSY"), effective_from=dt.date(2010, 1, 1)
    )
    return scene


def _sample(name: str) -> str:
    return (samples_dir() / f"oopfactory__278_5010_Example_{name}.txt").read_text(encoding="utf-8")


def _post(user, text: str) -> str:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = client.generic("POST", URL, text.encode(), content_type="application/edi-x12")
    assert response.status_code == 200
    body = response.content.decode()
    assert pyx12_errors(body) == []
    return body


def _today() -> str:
    return timezone.localdate().strftime("%Y%m%d")


def _aaa(body: str) -> set[str]:
    return {s[3] for s in find(body, "AAA")}


def test_the_sample_responses_are_well_formed_for_pyx12():
    for name in ("3_1_2_Response", "3_2_2_Response", "3_3_2_Response"):
        assert pyx12_errors(adapt(_sample(name))) == []


# --- 3.1.1: specialty care consultation in an office -> outpatient evaluation (registration) -----------

REQUESTER_311 = "NM1*1P*1*GARDENER*JAMES****46*8189991234"
OURS_311 = "NM1*1P*1*GARDENER*JAMES****XX*1234567893"


def test_sample_3_1_1_as_sent_is_rejected_for_its_missing_date_and_icd9_diagnosis(scene):
    text = adapt(
        _sample("3_1_1_Request"),
        replace={REQUESTER_311: OURS_311, MEMBER: OUR_MEMBER},
        insert_after={OUR_MEMBER: [DOB]},
    )
    body = _post(scene.user, text)
    assert _aaa(body) == {"57", "33"}
    assert not find(body, "HCR") and not Request.objects.exists()


def test_sample_3_1_1_untouched_is_rejected_for_its_provider_and_member_ids(scene):
    body = _post(scene.user, _sample("3_1_1_Request"))
    assert _aaa(body) == {"43", "72", "58", "57", "33"}
    assert not Request.objects.exists()


def test_sample_3_1_1_with_our_codes_is_certified_like_response_3_1_2(scene):
    text = adapt(
        _sample("3_1_1_Request"),
        replace={
            REQUESTER_311: OURS_311,
            MEMBER: OUR_MEMBER,
            "HI*BF:41090:D8:20050430": "HI*ABK:F329",
        },
        insert_after={OUR_MEMBER: [DOB], "UM*SC*I*3*11:B*****Y": [f"DTP*472*D8*{_today()}"]},
    )
    body = _post(scene.user, text)
    authorization = Authorization.objects.get()
    assert authorization.level_of_care.code == "OP_EVAL"
    assert find(body, "HCR") == [["HCR", "A1", authorization.number]]  # as 3.1.2: HCR*A1*AUTH0001
    assert find(body, "TRN") == [["TRN", "2", "111099", "9012345678"]]
    assert find(body, "HSD") == [["HSD", "VS", "1"]]


# --- 3.2.1: admission review with a service line ------------------------------------------------------

REQUESTER_321 = "NM1*1P*1*WATSON*SUSAN****34*98765432"
OURS_321 = "NM1*1P*1*WATSON*SUSAN****XX*1234567893"


def test_sample_3_2_1_as_sent_is_rejected_for_its_non_behavioral_procedure(scene):
    text = adapt(
        _sample("3_2_1_Request"),
        replace={
            REQUESTER_321: OURS_321,
            MEMBER: OUR_MEMBER,
            "HI*BF:41090:D8:20050125": "HI*ABK:F329",
        },
        insert_after={OUR_MEMBER: [DOB]},
    )
    body = _post(scene.user, text)
    assert _aaa(body) == {"33"}  # CABG (HC:33510) is no level of care of ours
    assert not Request.objects.exists()


def test_sample_3_2_1_with_a_psychiatric_revenue_code_is_pended_for_review(scene):
    text = adapt(
        _sample("3_2_1_Request"),
        replace={
            REQUESTER_321: OURS_321,
            MEMBER: OUR_MEMBER,
            "HI*BF:41090:D8:20050125": "HI*ABK:F329",
            "DTP*435*D8*20050516": f"DTP*435*D8*{_today()}",
            "DTP*472*D8*20050516": f"DTP*472*D8*{_today()}",
            "SV2**HC:33510": "SV2*0114",
        },
        insert_after={OUR_MEMBER: [DOB], "HSD*DY*7": _clinical()},
    )
    body = _post(scene.user, text)
    request = Request.objects.get()
    assert (request.level_of_care.code, request.status, request.requested_units) == (
        "IP_PSY",
        "submitted",
        7,
    )
    assert find(body, "HCR") == [["HCR", "A4"]]
    assert ["REF", "NT", request.number] in find(body, "REF")


# --- 3.3.1: emergency admission to an inpatient hospital -> pended, expedited ---------------------------

REQUESTER_331 = "NM1*FA*2*GENERAL HOSPITAL*****46*8189991234"
OURS_331 = "NM1*FA*2*GENERAL HOSPITAL*****XX*1234567893"
MEMBER_331 = "NM1*IL*1*SMITH*MARY****MI*12345678901"
OUR_MEMBER_331 = "NM1*IL*1*SMITH*MARY****MI*200000001"


def test_sample_3_3_1_with_our_codes_is_pended_like_response_3_3_2(scene):
    text = adapt(
        _sample("3_3_1_Request"),
        replace={
            REQUESTER_331: OURS_331,
            MEMBER_331: OUR_MEMBER_331,
            "HI*BF:29603:D8:20050430": "HI*ABK:F332",
            "DTP*435*D8*20050505": f"DTP*435*D8*{_today()}",
        },
        insert_after={OUR_MEMBER_331: [DOB], "HSD*DY*3": _clinical()},
    )
    body = _post(scene.user, text)
    request = Request.objects.get()
    assert request.level_of_care.code == "IP_PSY"  # UM03 A4 at place 21
    assert request.urgency == "expedited"  # UM06 03: emergency
    assert find(body, "HCR") == [["HCR", "A4"]]  # as 3.3.2: HCR*A4
    assert find(body, "UM") == [["UM", "AR", "I", "A4", "21:B"]]
