"""FHIR Claim/$submit and $inquire round trips, one per review path, through an OAuth2
client-credentials client: a registration approved at once, a registration refused with its
reasons, a prior-authorization request pended, decided by a care manager and found by inquiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from aso.core.models import AccessLog
from authorizations.models import Authorization, Request, ReviewCriterion
from authorizations.services.decisions import Decision, request_decide
from interop.fhir import systems
from interop.models import ApiCall
from tests.interop.fhir_scene import (
    CLINICAL,
    INQUIRE,
    SUBMIT,
    build_fhir_scene,
    claim_response,
    inquiry_bundle,
    pas_bundle,
    post,
    review_action,
)

pytestmark = pytest.mark.django_db
REVENUE = "https://www.nubc.org/CodeSystem/RevenueCodes"


@pytest.fixture
def fs(make_user):
    return build_fhir_scene(make_user)


def _inpatient(fs, **changes):
    today = timezone.localdate()
    clinical = {**CLINICAL, "projected_discharge": (today + dt.timedelta(days=5)).isoformat()}
    return pas_bundle(
        fs.adult,
        code=(REVENUE, "0114"),
        units=3,
        diagnoses=("F32.2",),
        clinical=clinical,
        trace="INPT-1",
        **changes,
    )


def _answers(request):
    seen, answers = set(), {}
    kind = "admission" if request.kind == "initial" else "continued_stay"
    for row in ReviewCriterion.objects.filter(level_of_care=request.level_of_care, kind=kind):
        answers[row.code] = {"answer": "met" if row.group not in seen else "unknown", "note": ""}
        seen.add(row.group)
    return answers


def test_a_registration_is_approved_at_once_with_the_authorization_number_and_period(fs):
    answer = post(fs.client_a, SUBMIT, pas_bundle(fs.adult))
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith(systems.FHIR_JSON)
    Bundle.model_validate(answer.json())  # a valid R4B Bundle, ClaimResponse inside
    response = claim_response(answer)
    authorization = Authorization.objects.get()
    assert response["outcome"] == "complete"
    assert response["preAuthRef"] == authorization.number
    assert response["preAuthPeriod"] == {
        "start": authorization.start.isoformat(),
        "end": authorization.end.isoformat(),
    }
    assert review_action(response) == {"number": authorization.number, "code": "A1", "reasons": []}
    request = authorization.request
    assert (request.channel, request.level_of_care.code, request.submitted_by) == (
        "api",
        "OP",
        fs.system_a,
    )
    assert AccessLog.objects.filter(user=fs.system_a, purpose="FHIR Claim/$submit").count() == 1
    call = ApiCall.objects.get(operation="Claim/$submit")
    assert (call.user, call.client_id, call.status_code, call.request_numbers) == (
        fs.system_a,
        "ehr-a-id",
        200,
        [request.number],
    )


def test_a_resent_bundle_answers_with_the_first_result(fs):
    first = claim_response(post(fs.client_a, SUBMIT, pas_bundle(fs.adult)))
    second = claim_response(post(fs.client_a, SUBMIT, pas_bundle(fs.adult)))
    assert first["preAuthRef"] == second["preAuthRef"]
    assert Request.objects.count() == 1


def test_a_registration_the_rules_refuse_answers_not_certified_with_every_reason(fs):
    answer = post(fs.client_a, SUBMIT, pas_bundle(fs.uncovered))
    assert answer.status_code == 200
    Bundle.model_validate(answer.json())
    response = claim_response(answer)
    action = review_action(response)
    assert (response["outcome"], action["code"]) == ("complete", "A3")
    assert "NOT_ELIGIBLE" in action["reasons"]
    assert "preAuthRef" not in response
    assert response["processNote"][0]["text"]
    # The refused request is kept on record, as the portal keeps it (metrics); no authorization.
    assert Request.objects.get().status == "refused"
    assert not Authorization.objects.exists()


def test_a_prior_authorization_is_pended_then_decided_and_found_by_inquiry(fs, make_user):
    submitted = _inpatient(fs)
    answer = post(fs.client_a, SUBMIT, submitted)
    assert answer.status_code == 200, answer.content
    Bundle.model_validate(answer.json())
    pended = claim_response(answer)
    request = Request.objects.get()
    assert (pended["outcome"], review_action(pended)["code"]) == ("queued", "A4")
    assert request.review_path == "prior_auth" and request.clinical["suicide_risk"] == "high"

    inquiry = post(fs.client_a, INQUIRE, inquiry_bundle(submitted))
    assert inquiry.status_code == 200, inquiry.content
    assert review_action(claim_response(inquiry))["code"] == "A4"

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
    decided = claim_response(post(fs.client_a, INQUIRE, inquiry_bundle(submitted)))
    authorization = Authorization.objects.get()
    assert decided["outcome"] == "complete"
    assert decided["preAuthRef"] == authorization.number
    assert review_action(decided)["code"] == "A1"
    assert AccessLog.objects.filter(user=fs.system_a, purpose="FHIR Claim/$inquire").count() == 2


def test_a_prior_authorization_denied_by_a_physician_advisor_is_reported_with_its_reason(
    fs, make_user
):
    submitted = _inpatient(fs)
    post(fs.client_a, SUBMIT, submitted)
    request = Request.objects.get()
    answers = _answers(request)
    answers["IP_PSY_DANGER_SELF"] = {"answer": "not_met", "note": ""}
    request_decide(
        acting_user=make_user("physician_advisor"),
        request=request,
        expected_version=request.version,
        decision=Decision(
            outcome="deny",
            reason_code="MN_ADMISSION_CRITERIA",
            criterion_code="IP_PSY_DANGER_SELF",
            explanation=(
                "The member reports no thoughts of suicide, has no plan, is eating and sleeping, "
                "and the family can supervise at home."
            ),
        ),
        answers=answers,
    )
    denied = claim_response(post(fs.client_a, INQUIRE, inquiry_bundle(submitted)))
    assert review_action(denied)["code"] == "A3"
    assert review_action(denied)["reasons"] == ["MN_ADMISSION_CRITERIA"]


def test_inquiry_by_our_request_number(fs):
    submitted = _inpatient(fs)
    number = claim_response(post(fs.client_a, SUBMIT, submitted))["id"]
    inquiry = inquiry_bundle(submitted)
    inquiry["entry"][0]["resource"]["identifier"] = [
        {"system": systems.REQUEST_NUMBER, "value": number}
    ]
    found = post(fs.client_a, INQUIRE, inquiry)
    assert found.status_code == 200
    assert claim_response(found)["identifier"][0]["value"] == number
