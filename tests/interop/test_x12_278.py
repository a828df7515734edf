"""POST /x12/278 end to end: registrations approved and refused, a prior authorization pended then
decided by a care manager and found by inquiry, bad requests answered with AAA codes and nothing saved,
bad envelopes answered with a TA1 or a 999, organization scoping, the audit rows, and the shared samples.
Every answer is read back by pyx12's X12 reader."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aso.core.models import AccessLog
from authorizations.models import Authorization, Request, ReviewCriterion
from authorizations.services.decisions import Decision, request_decide
from interop.x12.models import Interchange, TransactionLog
from providers.models import ProviderStaff, ServiceOffering
from tests.authorizations.registration_scene import build_scene
from tests.interop.x12_scene import Ask278, find, interchange, pyx12_errors

pytestmark = pytest.mark.django_db
URL = "/x12/278"
CLINICAL = (
    "presentation: Agitated and tearful",
    "symptoms: Hearing voices telling her to die",
    "suicide_risk: high",
    "homicide_risk: none",
    "substances: none",
    "legal_status: voluntary",
    "supports: Mother visits daily",
    "treatment_objectives: Safety and medication adjustment",
    "discharge_plan: Home with intensive outpatient",
)


@pytest.fixture
def scene(make_user):
    return build_scene(make_user)


def _client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _post(user, text: str, content_type: str = "application/edi-x12"):
    response = _client(user).generic("POST", URL, text.encode(), content_type=content_type)
    assert response["Content-Type"] == "application/edi-x12"
    body = response.content.decode()
    assert pyx12_errors(body) == []
    return response, body


def _today() -> dt.date:
    return timezone.localdate()


# --- registrations ----------------------------------------------------------------------------------


def test_a_registration_is_certified_at_once_with_the_authorization_number(scene):
    response, body = _post(scene.user, interchange(Ask278()))
    assert response.status_code == 200
    authorization = Authorization.objects.get()
    assert find(body, "HCR") == [["HCR", "A1", authorization.number]]
    assert ["REF", "BB", authorization.number] in find(body, "REF")
    assert ["REF", "NT", authorization.request.number] in find(body, "REF")
    period = f"{authorization.start:%Y%m%d}-{authorization.end:%Y%m%d}"
    assert ["DTP", "AAH", "RD8", period] in find(body, "DTP")
    assert find(body, "HSD") == [["HSD", "VS", "10"]]
    assert find(body, "TRN") == [["TRN", "2", "TRACE0001", "9012345678"]]
    assert find(body, "ST")[0] == ["ST", "278", "0001", "005010X217"]
    assert find(body, "BHT")[0][:3] == ["BHT", "0007", "11"]
    assert authorization.request.channel == "api"
    assert authorization.level_of_care.code == "OP"


def test_a_refused_registration_is_not_certified_with_the_mapped_reason(scene):
    ask = Ask278(member_id="200000003", birth_date="19900101")  # no coverage
    response, body = _post(scene.user, interchange(ask))
    assert response.status_code == 200
    refused = Request.objects.get()
    assert refused.status == "refused"
    assert find(body, "HCR") == [["HCR", "A3", "", "41"]]
    assert ["REF", "NT", refused.number] in find(body, "REF")
    assert not Authorization.objects.exists()


def test_a_retried_transaction_gets_the_first_answer(scene):
    _post(scene.user, interchange(Ask278()))
    _, body = _post(scene.user, interchange(Ask278()))
    assert Authorization.objects.count() == 1
    assert find(body, "HCR")[0][:2] == ["HCR", "A1"]


def test_a_batch_file_upload_answers_every_transaction_in_one_interchange(scene):
    text = interchange(
        Ask278(control="0001", trace="T1"),
        Ask278(control="0002", trace="T2", member_id="200000003", birth_date="19900101"),
        Ask278(control="0003", trace="T3", member_id="999999999"),
    )
    upload = SimpleUploadedFile("batch.x12", text.encode(), content_type="text/plain")
    response = _client(scene.user).post(URL, {"file": upload}, format="multipart")
    body = response.content.decode()
    assert response.status_code == 200
    assert pyx12_errors(body) == []
    assert [s[2] for s in find(body, "ST")] == ["0001", "0002", "0003"]
    assert [h[1] for h in find(body, "HCR")] == ["A1", "A3"]
    assert find(body, "AAA") == [["AAA", "N", "", "75", "C"]]
    assert find(body, "GE") == [["GE", "3", find(body, "GS")[0][6]]]


# --- prior authorization: pended, decided, inquired ---------------------------------------------------


def _answers(request) -> dict:
    rows = ReviewCriterion.objects.filter(level_of_care=request.level_of_care, kind="admission")
    seen: set[str] = set()
    answers = {}
    for row in rows:
        answers[row.code] = {"answer": "met" if row.group not in seen else "unknown", "note": ""}
        seen.add(row.group)
    return answers


def _inpatient(scene, **changes) -> Ask278:
    ServiceOffering.objects.create(
        site=scene.site, level_of_care=scene.level("IP_PSY"), effective_from=dt.date(2010, 1, 1)
    )
    discharge = (_today() + dt.timedelta(days=5)).strftime("%Y-%m-%d")
    values = {
        "um": "AR*I*A4*21:B**03",
        "date_qualifier": "435",
        "units": "DY*3",
        "procedure": None,
        "revenue": "0114",
        "messages": (*CLINICAL, f"projected_discharge: {discharge}"),
        "trace": "ADMIT0001",
    }
    return Ask278(**{**values, **changes})


def test_a_prior_authorization_is_pended_decided_by_a_care_manager_and_found_by_inquiry(
    scene, make_user
):
    _, body = _post(scene.user, interchange(_inpatient(scene)))
    request = Request.objects.get()
    assert request.review_path == "prior_auth" and request.status == "submitted"
    assert request.urgency == "expedited" and request.level_of_care.code == "IP_PSY"
    assert request.clinical["suicide_risk"] == "high"
    assert find(body, "HCR") == [["HCR", "A4"]]
    assert ["REF", "NT", request.number] in find(body, "REF")

    inquiry = Ask278(um="", trace="INQ0001", refs=(f"NT*{request.number}",), procedure=None)
    _, body = _post(scene.user, interchange(inquiry))
    assert find(body, "HCR") == [["HCR", "A4"]]

    care_manager = make_user("care_manager")
    request_decide(
        acting_user=care_manager,
        request=request,
        expected_version=request.version,
        decision=Decision(
            outcome="approve",
            start=request.requested_start,
            end=request.requested_end,
            units=request.requested_units,
        ),
        answers=_answers(request),
    )
    authorization = Authorization.objects.get()
    # By the original trace number, then by the certification number.
    by_trace = Ask278(um="", trace="ADMIT0001", procedure=None)
    _, body = _post(scene.user, interchange(by_trace))
    assert find(body, "HCR") == [["HCR", "A1", authorization.number]]
    assert find(body, "HSD") == [["HSD", "DY", "3"]]
    by_number = Ask278(um="", trace="INQ0002", refs=(f"BB*{authorization.number}",), procedure=None)
    _, body = _post(scene.user, interchange(by_number))
    assert find(body, "HCR") == [["HCR", "A1", authorization.number]]
    assert TransactionLog.objects.filter(inquiry=True).count() == 3


def test_a_prior_authorization_without_clinical_data_is_rejected_and_nothing_is_saved(scene):
    _, body = _post(scene.user, interchange(_inpatient(scene, messages=())))
    assert ["AAA", "N", "", "15", "C"] in find(body, "AAA")
    assert not find(body, "HCR")
    assert not Request.objects.exists()


def test_organization_b_cannot_inquire_about_organization_a_requests(scene, make_user):
    _post(scene.user, interchange(Ask278()))
    authorization = Authorization.objects.get()
    other = make_user("provider_staff")
    ProviderStaff.objects.create(user=other, provider=scene.other_provider)
    inquiry = Ask278(
        npi=scene.other_provider.npi, um="", refs=(f"BB*{authorization.number}",), procedure=None
    )
    _, body = _post(other, interchange(inquiry))
    assert find(body, "AAA") == [["AAA", "N", "", "AA", "N"]]
    assert not find(body, "HCR")
    by_trace = Ask278(npi=scene.other_provider.npi, um="", trace="TRACE0001", procedure=None)
    _, body = _post(other, interchange(by_trace))
    assert find(body, "AAA") == [["AAA", "N", "", "AA", "N"]]


def test_organization_b_cannot_request_for_organization_a_npi(scene, make_user):
    other = make_user("provider_staff")
    ProviderStaff.objects.create(user=other, provider=scene.other_provider)
    _, body = _post(other, interchange(Ask278()))
    assert find(body, "AAA") == [["AAA", "N", "", "43", "C"]]
    assert not Request.objects.exists()


# --- bad requests: AAA, nothing saved ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "aaa"),
    [
        ({"member_id": "12345"}, "72"),
        ({"member_id": "299999999"}, "75"),
        ({"birth_date": None}, "58"),
        ({"birth_date": "19851345"}, "58"),
        ({"npi_qualifier": "24"}, "43"),
        ({"npi": "1999999999"}, "43"),
        ({"site_ref": "999"}, "43"),
        ({"date": "20261345"}, "57"),
        ({"diagnoses": ("BK:41090",)}, "33"),
        ({"diagnoses": ()}, "15"),
        ({"diagnoses": ("ABK:Z000",)}, "33"),
        ({"procedure": "HC:33510", "um": "SC*I*2*21:B"}, "33"),
        ({"units": "VS*many"}, "33"),
        ({"um": "HS*3*A8*11:B"}, "33"),
    ],
)
def test_bad_requests_are_rejected_with_the_specific_aaa_code_and_nothing_saved(
    scene, changes, aaa
):
    response, body = _post(scene.user, interchange(Ask278(**changes)))
    assert response.status_code == 200
    assert aaa in [s[3] for s in find(body, "AAA")]
    assert not find(body, "HCR")
    assert not Request.objects.exists()
    log = TransactionLog.objects.get()
    assert aaa in log.reject_codes and log.problems


# --- bad envelopes: TA1 / 999, nothing processed ------------------------------------------------------


def test_an_unreadable_envelope_is_rejected_with_a_ta1(scene):
    response, body = _post(scene.user, "HELLO*WORLD~", content_type="text/plain")
    assert response.status_code == 400
    assert find(body, "TA1")[0][4:] == ["R", "024"]
    assert Interchange.objects.get().result == "rejected_ta1"


def test_a_mismatched_iea_is_rejected_with_a_ta1(scene):
    text = interchange(Ask278()).replace("IEA*1*000000123", "IEA*1*000000999")
    response, body = _post(scene.user, text)
    assert response.status_code == 400
    assert find(body, "TA1")[0][1] == "000000123"  # the interchange's own control number
    assert find(body, "TA1")[0][4:] == ["R", "001"]
    assert find(body, "ISA")[0][8].strip() == "CLEARINGHOUSE"
    assert not Request.objects.exists()


def test_a_wrong_segment_count_is_rejected_with_a_999_and_nothing_saved(scene):
    text = interchange(Ask278(), Ask278(control="0002", trace="T2"))
    text = re.sub(r"SE\*\d+\*0002", "SE*7*0002", text)
    response, body = _post(scene.user, text)
    assert response.status_code == 400
    assert find(body, "ST")[0][:2] == ["ST", "999"]
    assert find(body, "AK2") == [["AK2", "278", "0002", "005010X217"]]
    assert find(body, "IK5") == [["IK5", "R", "4"]]
    assert find(body, "AK9")[0][:2] == ["AK9", "R"]
    assert not Request.objects.exists()


def test_the_4010_multi_transaction_sample_is_rejected_with_a_version_error(scene):
    from tests.interop.x12_scene import samples_dir

    text = (samples_dir() / "pyx12__mult_trn_278_004010.txt").read_text()
    response, body = _post(scene.user, text)
    assert response.status_code == 400
    assert [s[5] for s in find(body, "AK9")] == ["2", "2", "2"]
    assert [s[1] for s in find(body, "AK1")] == ["HI", "HC", "HP"]
    problems = Interchange.objects.get().problems
    assert any("005010X217" in p["message"] for p in problems)
    assert not Request.objects.exists()


# --- access, audit -----------------------------------------------------------------------------------


def test_anonymous_callers_and_roles_without_the_capability_are_refused(scene, make_user):
    assert APIClient().post(URL, "x", content_type="text/plain").status_code == 401
    response = _client(make_user("network_ops")).generic(
        "POST", URL, b"ISA", content_type="text/plain"
    )
    assert response.status_code == 403
    assert not Interchange.objects.exists()


def test_every_call_is_logged_without_phi_and_member_reads_are_in_the_access_log(scene):
    _post(scene.user, interchange(Ask278()))
    record = Interchange.objects.get()
    assert (record.control_number, record.sender_id, record.transactions) == (
        "000000123",
        "CLEARINGHOUSE",
        1,
    )
    log = record.transaction_logs.get()
    assert log.action == "A1" and log.request is not None
    flat = str(record.__dict__) + str(log.__dict__)
    assert "200000001" not in flat and "19850505" not in flat
    assert AccessLog.objects.filter(
        user=scene.user, subject_id=scene.adult.pk, purpose="x12 278"
    ).exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/edi-x12"),
        (b"\xff\xfe\x00", "text/plain"),
        (b"a=b", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_is_not_x12_text_is_a_400_and_the_call_is_logged(scene, body, content_type):
    response = _client(scene.user).generic("POST", URL, body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Interchange.objects.get().result == "rejected_body"
    assert not Request.objects.exists()


def test_clinical_staff_without_an_npi_of_their_own_get_aaa_43_even_on_inquiry(scene, make_user):
    _post(scene.user, interchange(Ask278()))
    number = Authorization.objects.get().number
    inquiry = Ask278(um="", refs=(f"BB*{number}",), procedure=None)
    _, body = _post(make_user("care_manager"), interchange(inquiry))
    assert find(body, "AAA") == [["AAA", "N", "", "43", "C"]]
    assert not find(body, "HCR")


def test_a_denied_prior_authorization_is_found_not_certified_with_reason_82(scene, make_user):
    _post(scene.user, interchange(_inpatient(scene)))
    request = Request.objects.get()
    request_decide(
        acting_user=make_user("physician_advisor"),
        request=request,
        expected_version=request.version,
        decision=Decision(
            outcome="deny",
            reason_code="MN_ADMISSION_CRITERIA",
            criterion_code="IP_PSY_DANGER_SELF",
            explanation=(
                "Since admission the member reports no thoughts of suicide, has no plan, is eating "
                "and sleeping, and the family can supervise at home."
            ),
        ),
        answers={
            **_answers(request),
            "IP_PSY_DANGER_SELF": {"answer": "not_met", "note": ""},
        },
    )
    _, body = _post(scene.user, interchange(Ask278(um="", trace="ADMIT0001", procedure=None)))
    assert find(body, "HCR") == [["HCR", "A3", "", "82"]]
    assert not find(body, "HSD")


def test_the_code_map_is_reference_data_and_loading_it_again_changes_nothing(ref):
    from aso.referencedata import load_all
    from interop.models import ServiceCode

    assert ServiceCode.objects.filter(
        kind="revenue", code="0114", place=""
    ).get().level_of_care.code == ("IP_PSY")
    report = next(r for r in load_all() if r.file == "interop_service_codes.yaml")
    assert (report.created, report.updated, report.unchanged) == (
        0,
        0,
        ServiceCode.objects.count(),
    )


def test_the_interchange_log_and_code_map_are_shown_read_only_in_the_admin(scene, admin_client):
    from django.urls import reverse

    _post(scene.user, interchange(Ask278()))
    record = Interchange.objects.get()
    page = admin_client.get(reverse("admin:interop_x12_interchange_change", args=[record.pk]))
    assert page.status_code == 200 and "TRACE0001" in page.content.decode()
    assert admin_client.get(reverse("admin:interop_x12_interchange_add")).status_code == 403
    codes = admin_client.get(reverse("admin:interop_servicecode_changelist"))
    assert codes.status_code == 200 and "90834" in codes.content.decode()


# --- extensions and concurrent reviews (UM02 4 + REF*BB) ----------------------------------------------


def _extension(number: str, **changes) -> Ask278:
    values = {
        "um": "HS*4*A8*11:B",
        "refs": (f"BB*{number}",),
        "diagnoses": (),
        "trace": "EXT0001",
        "dated": False,
    }
    return Ask278(**{**values, **changes})


def test_a_registration_is_extended_through_the_registration_service(scene):
    _post(scene.user, interchange(Ask278()))
    first = Authorization.objects.get()
    _, body = _post(scene.user, interchange(_extension(first.number, units="VS*6")))
    extension = Authorization.objects.exclude(pk=first.pk).get()
    assert extension.previous == first and extension.units == 6
    assert extension.start == first.end + dt.timedelta(days=1)
    assert extension.request.diagnoses == first.request.diagnoses
    assert find(body, "HCR") == [["HCR", "A1", extension.number]]


def test_an_extension_of_another_organization_authorization_is_not_found(scene, make_user):
    _post(scene.user, interchange(Ask278()))
    first = Authorization.objects.get()
    other = make_user("provider_staff")
    ProviderStaff.objects.create(user=other, provider=scene.other_provider)
    ask = _extension(first.number, npi=scene.other_provider.npi)
    _, body = _post(other, interchange(ask))
    assert find(body, "AAA") == [["AAA", "N", "", "AA", "N"]]
    assert Authorization.objects.count() == 1 and Request.objects.count() == 1


def test_an_extension_without_ref_bb_is_rejected(scene):
    _, body = _post(scene.user, interchange(_extension("", refs=())))
    assert ["AAA", "N", "", "15", "C"] in find(body, "AAA")


def test_a_prior_authorization_is_continued_by_a_concurrent_review(scene, make_user):
    _post(scene.user, interchange(_inpatient(scene)))
    request = Request.objects.get()
    request_decide(
        acting_user=make_user("care_manager"),
        request=request,
        expected_version=request.version,
        decision=Decision(
            outcome="approve",
            start=request.requested_start,
            end=request.requested_end,
            units=request.requested_units,
        ),
        answers=_answers(request),
    )
    authorization = Authorization.objects.get()
    discharge = (authorization.end + dt.timedelta(days=3)).strftime("%Y-%m-%d")
    ServiceOffering.objects.filter(
        level_of_care__code="IP_PSY"
    ).delete()  # _inpatient adds it again
    concurrent = _inpatient(
        scene,
        um="AR*4*A4*21:B**U",
        refs=(f"BB*{authorization.number}",),
        trace="CONT0001",
        diagnoses=(),
        messages=(
            "symptoms: Still hearing voices at night",
            "suicide_risk: moderate",
            "homicide_risk: none",
            "progress: Sleeping better",
            "discharge_plan: Home with IOP",
            f"projected_discharge: {discharge}",
        ),
    )
    _, body = _post(scene.user, interchange(concurrent))
    review = Request.objects.exclude(pk=request.pk).get()
    assert (review.kind, review.extends, review.urgency) == (
        "concurrent",
        authorization,
        "urgent_concurrent",
    )
    assert review.requested_start == authorization.end + dt.timedelta(days=1)
    assert find(body, "HCR") == [["HCR", "A4"]]
