"""Decisions: authority (care managers cannot deny through any interface), reasons, EPSDT, dates and
units, the reviewer race, and what an approval issues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from authorizations.models import Authorization, Episode, Event, Notice, Review
from authorizations.rules.review import (
    CRITERIA_NOT_MET_FOR_APPROVAL,
    EPSDT_REQUIRED,
    EXPLANATION_GENERIC,
    NOT_AUTHORIZED_ADVERSE,
    PARTIAL_IS_ADVERSE,
)
from authorizations.services.decisions import Decision, request_decide
from authorizations.services.review import (
    RequestConflict,
    request_assign,
    request_claim,
    request_extend,
    request_pend,
    request_refer,
    requests_flag_deemed_denials,
)
from tests.authorizations.review_helpers import build_review_world, ny


@pytest.fixture
def rw(db, ref, make_user):  # type: ignore[no-untyped-def]
    return build_review_world(make_user)


def test_a_care_manager_approves_and_the_authorization_episode_and_notices_follow(rw):
    request = rw.approve(rw.submit())
    assert request.status == "approved" and request.decided_by == rw.users["care_manager"]
    authorization = Authorization.objects.get(request=request)
    assert (authorization.start, authorization.end, authorization.units) == (
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 3),
        3,
    )
    assert authorization.episode.admitted == dt.date(2026, 6, 1)
    assert authorization.episode.principal_diagnosis == "F32.2"
    assert set(Notice.objects.values_list("kind", "recipient")) == {
        ("approval", "member"),
        ("approval", "provider"),
    }
    assert Review.objects.get(request=request).result == "met"
    assert request.version == 2


def test_a_care_manager_cannot_deny(rw):
    request = rw.submit()
    with pytest.raises(ValidationError) as caught:
        rw.deny(request, user="care_manager")
    assert caught.value.message_dict == {"outcome": [NOT_AUTHORIZED_ADVERSE]}
    request.refresh_from_db()
    assert request.status == "submitted" and not Authorization.objects.exists()
    assert not Review.objects.exists()  # the whole action rolled back


def test_a_care_manager_cannot_approve_less_than_requested(rw):
    request = rw.submit()
    with pytest.raises(ValidationError) as caught:
        rw.approve(request, units=2, end=dt.date(2026, 6, 2))
    assert caught.value.message_dict == {"outcome": [PARTIAL_IS_ADVERSE]}


def test_a_care_manager_cannot_approve_when_the_checklist_says_not_met(rw):
    request = rw.submit()
    with pytest.raises(ValidationError) as caught:
        request_decide(
            acting_user=rw.users["care_manager"],
            request=request,
            expected_version=request.version,
            decision=Decision(
                outcome="approve", start=request.requested_start, end=request.requested_end, units=3
            ),
            answers=rw.answers(request, not_met=("IP_PSY_DIAGNOSIS",)),
        )
    assert caught.value.message_dict == {"checklist": [CRITERIA_NOT_MET_FOR_APPROVAL]}


def test_roles_without_review_cannot_decide_at_all(rw):
    request = rw.submit()
    with pytest.raises(PermissionDenied):
        rw.approve(request, user="provider_staff")
    with pytest.raises(PermissionDenied):
        rw.approve(request, user="icm")


def test_a_physician_advisor_denies_with_reason_criterion_and_explanation(rw):
    request = rw.deny(rw.submit())
    assert request.status == "denied" and request.decision_reason.code == "MN_ADMISSION_CRITERIA"
    assert request.decision_criterion.code == "IP_PSY_DANGER_SELF"
    assert "no thoughts of suicide" in request.decision_note
    assert request.epsdt_finding == "not_applicable"
    assert not Authorization.objects.exists()
    assert Notice.objects.filter(kind="denial").count() == 2


def test_a_generic_denial_is_refused(rw):
    with pytest.raises(ValidationError) as caught:
        rw.deny(
            rw.submit(), explanation="Not medically necessary. Does not meet criteria per policy."
        )
    assert caught.value.message_dict == {"explanation": [EXPLANATION_GENERIC]}


def test_a_child_denial_needs_the_epsdt_review(rw):
    request = rw.submit(member=rw.child, requested_start=dt.date(2026, 6, 1))
    with pytest.raises(ValidationError) as caught:
        rw.deny(request)
    assert caught.value.message_dict == {"epsdt_finding": [EPSDT_REQUIRED]}
    request = rw.deny(
        request,
        epsdt_finding="not_met",
        epsdt_note="Intensive in-home services meet the child's needs safely this week.",
    )
    assert request.epsdt_finding == "not_met" and "in-home" in request.epsdt_note


def test_a_partial_approval_by_an_advisor_issues_the_part_approved(rw):
    request = rw.submit()
    request = rw.deny(
        request,
        outcome="approve",
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 6, 2),
        units=2,
        reason_code="MN_FEWER_UNITS",
    )
    assert request.status == "partially_approved"
    assert Authorization.objects.get(request=request).units == 2
    assert Notice.objects.filter(kind="partial_approval").count() == 2


def test_dates_outside_the_request_are_refused_with_field_errors(rw):
    with pytest.raises(ValidationError) as caught:
        rw.approve(rw.submit(), start=dt.date(2026, 5, 30), end=dt.date(2026, 6, 5), units=3)
    assert set(caught.value.message_dict) == {"start", "end"}


# -- the race -------------------------------------------------------------------------------------


def test_the_second_reviewer_gets_a_conflict_and_nothing_is_overwritten(rw):
    request = rw.submit()
    opened_by_first = type(request).objects.get(pk=request.pk)
    opened_by_second = type(request).objects.get(pk=request.pk)
    rw.approve(opened_by_first)
    with pytest.raises(RequestConflict) as caught:
        rw.deny(opened_by_second)
    assert "changed since you opened it (decided by" in str(caught.value)
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == rw.users["care_manager"]
    assert Review.objects.count() == 1
    assert Event.objects.filter(kind="decided").count() == 1


def test_a_decision_on_a_request_reassigned_since_it_was_opened_is_refused(rw):
    request = rw.submit()
    stale_version = request.version
    request_assign(
        acting_user=rw.users["clinical_supervisor"],
        request=request,
        assignee=rw.users["physician_advisor"],
        expected_version=stale_version,
    )
    with pytest.raises(RequestConflict, match="assigned by"):
        request_claim(
            acting_user=rw.users["care_manager"], request=request, expected_version=stale_version
        )


# -- queue actions, pend, refer, extension, deemed denial -----------------------------------------


def test_claim_and_assignment(rw):
    request = rw.submit()
    request = request_claim(
        acting_user=rw.users["care_manager"], request=request, expected_version=1
    )
    assert request.assigned_to == rw.users["care_manager"] and request.status == "in_review"
    with pytest.raises(ValidationError, match="already reviewing"):
        request_claim(
            acting_user=rw.users["physician_advisor"],
            request=request,
            expected_version=request.version,
        )
    with pytest.raises(PermissionDenied):
        request_assign(
            acting_user=rw.users["care_manager"],
            request=request,
            assignee=rw.users["physician_advisor"],
            expected_version=request.version,
        )
    with pytest.raises(ValidationError, match="cannot review"):
        request_assign(
            acting_user=rw.users["clinical_supervisor"],
            request=request,
            assignee=rw.users["provider_staff"],
            expected_version=request.version,
        )


def test_pend_asks_for_information_before_the_deadline(rw):
    request = rw.submit(urgency="standard")
    request = request_pend(
        acting_user=rw.users["care_manager"],
        request=request,
        expected_version=1,
        info_requested="Send the psychiatric evaluation and the medication list.",
        info_due_at=ny(2026, 6, 3, 17, 0),
        now=ny(2026, 6, 1, 10, 0),
    )
    assert request.status == "pended" and request.due_at == ny(2026, 6, 8, 9, 0)


def test_refer_sends_the_request_to_a_physician_advisor(rw):
    request = request_refer(
        acting_user=rw.users["care_manager"],
        request=rw.submit(),
        expected_version=1,
        note="Risk unclear; needs physician judgment.",
        advisor=rw.users["physician_advisor"],
    )
    assert request.referred_at is not None and request.assigned_to == rw.users["physician_advisor"]
    with pytest.raises(ValidationError):
        request_refer(
            acting_user=rw.users["care_manager"],
            request=request,
            expected_version=request.version,
            note="again please",
            advisor=rw.users["care_manager"],
        )


def test_an_extension_moves_the_deadline_once_and_sends_its_notice(rw):
    request = rw.submit(urgency="standard")
    request = request_extend(
        acting_user=rw.users["care_manager"],
        request=request,
        expected_version=1,
        days=14,
        reason="We asked the hospital for the evaluation and the member's records.",
        now=ny(2026, 6, 2, 9, 0),
    )
    assert request.original_due_at == ny(2026, 6, 8, 9, 0)
    assert request.due_at == ny(2026, 6, 22, 9, 0)
    assert Notice.objects.filter(kind="extension").count() == 2
    with pytest.raises(ValidationError, match="already extended"):
        request_extend(
            acting_user=rw.users["care_manager"],
            request=request,
            expected_version=request.version,
            days=1,
            reason="We still need the records from the school.",
            now=ny(2026, 6, 3, 9, 0),
        )


def test_past_due_requests_are_flagged_once_as_deemed_denials(rw):
    request = rw.submit()
    assert requests_flag_deemed_denials(now=ny(2026, 6, 4, 8, 59)) == 0
    assert requests_flag_deemed_denials(now=ny(2026, 6, 4, 9, 1)) == 1
    assert requests_flag_deemed_denials(now=ny(2026, 6, 5)) == 0
    request.refresh_from_db()
    assert request.deemed_denied_at == ny(2026, 6, 4, 9, 1) and request.status == "submitted"
    assert Notice.objects.filter(kind="deemed_denial").count() == 2


def test_episodes_are_not_created_for_denials(rw):
    rw.deny(rw.submit())
    assert not Episode.objects.exists()


def test_the_command_flags_deemed_denials(rw):
    import io

    from django.core.management import call_command

    rw.submit(received_at=timezone.now() - dt.timedelta(days=4))
    out = io.StringIO()
    call_command("flag_deemed_denials", stdout=out)
    assert "1 request(s) flagged" in out.getvalue()
