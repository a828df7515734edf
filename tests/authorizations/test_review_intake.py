"""Intake: every channel through one service; structured data; gates shown, not refusing; clocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from authorizations.choices import Channel
from authorizations.models import Event, Request
from tests.authorizations.review_helpers import CLINICAL, build_review_world, ny


@pytest.fixture
def rw(db, ref, make_user):  # type: ignore[no-untyped-def]
    return build_review_world(make_user)


def test_a_provider_request_is_recorded_with_its_deadline_and_who_set_the_urgency(rw):
    request = rw.submit()
    assert request.number.startswith("R26-")
    assert request.status == "submitted" and request.review_path == "prior_auth"
    assert request.due_at == ny(2026, 6, 4, 9, 0)  # expedited: 72 hours
    assert request.due_clock.code == "PA_EXPEDITED"
    assert request.urgency_set_by == rw.users["provider_staff"]
    assert request.requested_end == dt.date(2026, 6, 3) and request.requested_units == 3
    assert request.clinical["medications"] == [
        {"name": "sertraline", "dose": "50 mg", "frequency": "daily"}
    ]
    assert Event.objects.filter(request=request, kind="pa_submitted").count() == 1


def test_standard_requests_get_seven_days(rw):
    request = rw.submit(urgency="standard")
    assert request.due_at == ny(2026, 6, 8, 9, 0)


def test_failed_gates_are_stored_and_shown_not_refused(rw):
    # The child is 13: inpatient psychiatric at an adult hospital site, no age-limited offering
    # problem; but RTC needs DCF approval and the site does not offer it.
    request = rw.submit(
        member=rw.child,
        level_of_care=rw.level("RTC"),
        urgency="standard",
        requested_units=30,
    )
    gates = {g["code"]: g for g in request.gates}
    assert request.status == "submitted"
    assert not gates["SITE_OFFERS"]["passed"]
    assert not gates["DCF_APPROVAL"]["passed"]
    assert gates["ELIGIBLE"]["passed"] and gates["AGE"]["passed"]
    assert Event.objects.get(request=request).detail["gates_failed"] == [
        "SITE_OFFERS",
        "DCF_APPROVAL",
    ]


def test_bad_input_lists_every_problem_and_saves_nothing(rw):
    with pytest.raises(ValidationError) as caught:
        rw.submit(
            diagnoses=["F32"],
            clinical={**CLINICAL, "suicide_risk": "", "projected_discharge": "2026-05-01"},
            requested_units=31,
        )
    errors = caught.value.message_dict
    assert set(errors) == {"diagnoses", "suicide_risk", "projected_discharge", "requested_units"}
    assert "F32.0" in errors["diagnoses"][0]
    assert not Request.objects.exists() and not Event.objects.exists()


def test_units_over_the_rule_are_refused(rw):
    with pytest.raises(ValidationError) as caught:
        rw.submit(requested_units=31, requested_end=dt.date(2026, 7, 5))
    assert caught.value.message_dict["requested_units"] == [
        "At most 30 units can be requested at once for this level of care."
    ]


def test_a_registration_level_is_sent_to_the_registration_form(rw):
    with pytest.raises(ValidationError) as caught:
        rw.submit(level_of_care=rw.level("OP"))
    assert "registered online" in caught.value.message_dict["level_of_care"][0]


def test_urgent_concurrent_is_for_continued_stay_only(rw):
    with pytest.raises(ValidationError) as caught:
        rw.submit(urgency="urgent_concurrent")
    assert "urgency" in caught.value.message_dict


def test_phone_intake_is_for_clinical_staff(rw):
    request = rw.submit(acting_user=rw.users["care_manager"], channel=Channel.PHONE)
    assert request.channel == "phone" and request.urgency_set_by == rw.users["care_manager"]
    with pytest.raises(PermissionDenied):
        rw.submit(channel=Channel.PHONE)


def test_providers_request_only_for_their_own_sites(rw):
    with pytest.raises(Http404):
        rw.submit(acting_user=rw.users["other_provider"])
    with pytest.raises(PermissionDenied):
        rw.submit(acting_user=rw.users["network_manager"])


def test_the_same_idempotency_key_returns_the_first_request(rw):
    first = rw.submit(idempotency_key="abc-1")
    again = rw.submit(idempotency_key="abc-1")
    assert first.pk == again.pk and Request.objects.count() == 1
