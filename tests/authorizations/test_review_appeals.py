"""Appeals (window, clocks, an independent advisor, outcomes, hearing rights) and peer-to-peer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from authorizations.models import Appeal, Authorization, Notice
from authorizations.rules.appeals import REVIEWER_DECIDED_ORIGINAL
from authorizations.services.appeals import appeal_decide, appeal_file
from authorizations.services.peer_to_peer import (
    peer_to_peer_record,
    peer_to_peer_request,
    peer_to_peer_schedule,
)
from tests.authorizations.review_helpers import SPECIFIC, build_review_world, ny

REASON = "The member was still hearing voices telling her to hurt herself on the day of the call."


@pytest.fixture
def rw(db, ref, make_user):  # type: ignore[no-untyped-def]
    return build_review_world(make_user)


def _file(rw, request, **changes):  # type: ignore[no-untyped-def]
    data = {
        "acting_user": rw.users["provider_staff"],
        "request": request,
        "party": "provider",
        "expedited": False,
        "reason": REASON,
        "channel": "web",
    }
    return appeal_file(**{**data, **changes})


def test_a_provider_files_a_standard_appeal_due_in_30_days(rw):
    request = rw.deny(rw.submit())
    appeal = _file(rw, request, filed_at=timezone.now())
    assert appeal.number.startswith("P") and appeal.status == "open"
    assert appeal.notice.recipient == "member" and appeal.notice.kind == "denial"
    assert (appeal.due_at - appeal.filed_at).days in (29, 30)  # 30 calendar days, wall clock
    assert appeal.due_clock.code == "APPEAL_STANDARD"


def test_an_expedited_appeal_is_due_in_72_hours(rw):
    request = rw.deny(rw.submit())
    filed = timezone.now()
    appeal = _file(rw, request, expedited=True, filed_at=filed)
    assert appeal.due_at - filed == dt.timedelta(hours=72)


def test_the_filing_window_is_60_days_from_the_notice(rw):
    request = rw.deny(rw.submit())
    sent = Notice.objects.get(request=request, recipient="member").sent_at
    with pytest.raises(ValidationError) as caught:
        _file(rw, request, filed_at=sent + dt.timedelta(days=61))
    assert "within 60 days of the notice" in caught.value.message_dict["filed_at"][0]


def test_approved_requests_cannot_be_appealed_and_providers_only_their_own(rw):
    approved = rw.approve(rw.submit())
    with pytest.raises(ValidationError):
        _file(rw, approved)
    denied = rw.deny(rw.submit())
    from django.http import Http404

    with pytest.raises(Http404):
        _file(rw, denied, acting_user=rw.users["other_provider"])


def test_a_deemed_denial_can_be_appealed(rw):
    from authorizations.services.review import requests_flag_deemed_denials

    request = rw.submit(received_at=timezone.now() - dt.timedelta(days=4))
    requests_flag_deemed_denials()
    request.refresh_from_db()
    appeal = _file(rw, request)
    assert appeal.notice.kind == "deemed_denial"


def test_the_advisor_who_denied_cannot_decide_the_appeal(rw):
    request = rw.deny(rw.submit())
    appeal = _file(rw, request)
    with pytest.raises(ValidationError) as caught:
        appeal_decide(
            acting_user=rw.users["physician_advisor"],
            appeal=appeal,
            expected_version=1,
            outcome="upheld",
            explanation=SPECIFIC,
            units=None,
        )
    assert caught.value.message_dict == {"outcome": [REVIEWER_DECIDED_ORIGINAL]}
    with pytest.raises(PermissionDenied):
        appeal_decide(
            acting_user=rw.users["care_manager"],
            appeal=appeal,
            expected_version=1,
            outcome="overturned",
            explanation=SPECIFIC,
            units=3,
        )


def test_an_overturned_appeal_approves_what_was_requested_without_hearing_rights(rw):
    request = rw.deny(rw.submit())
    appeal = appeal_decide(
        acting_user=rw.users["advisor_2"],
        appeal=_file(rw, request),
        expected_version=1,
        outcome="overturned",
        explanation=SPECIFIC,
        units=3,
    )
    assert appeal.status == "decided" and appeal.hearing_last_day is None
    authorization = Authorization.objects.get(request=request)
    assert (authorization.units, authorization.end) == (3, dt.date(2026, 6, 3))
    assert authorization.episode is not None
    request.refresh_from_db()
    assert request.status == "denied"  # the first determination stays: the CMS metrics count it
    body = Notice.objects.get(appeal=appeal, recipient="member").body
    assert "We changed our decision" in body and authorization.number in body
    assert "STATE FAIR HEARING" not in body


def test_an_upheld_appeal_carries_hearing_rights_in_both_languages(rw):
    request = rw.deny(
        rw.submit(member=rw.child),
        epsdt_finding="not_met",
        epsdt_note="Intensive in-home services meet the child's needs safely this week.",
    )
    appeal = appeal_decide(
        acting_user=rw.users["advisor_2"],
        appeal=_file(rw, request),
        expected_version=1,
        outcome="upheld",
        explanation=SPECIFIC,
        units=None,
    )
    assert appeal.hearing_last_day == timezone.localdate() + dt.timedelta(days=120)
    member = Notice.objects.get(appeal=appeal, recipient="member")
    provider = Notice.objects.get(appeal=appeal, recipient="provider")
    assert member.language == "es" and "AUDIENCIA IMPARCIAL DEL ESTADO" in member.body
    assert "STATE FAIR HEARING" in provider.body and "(120 days from this notice)" in provider.body


def test_a_partial_overturn_enlarges_the_partial_approval(rw):
    request = rw.submit(requested_units=5, requested_end=dt.date(2026, 6, 5))
    request = rw.deny(
        request,
        outcome="approve",
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 6, 2),
        units=2,
        reason_code="MN_FEWER_UNITS",
    )
    appeal = appeal_decide(
        acting_user=rw.users["advisor_2"],
        appeal=_file(rw, request),
        expected_version=1,
        outcome="partially_overturned",
        explanation=SPECIFIC,
        units=4,
    )
    authorization = Authorization.objects.get(request=request)
    assert (authorization.units, authorization.end) == (4, dt.date(2026, 6, 4))
    assert appeal.hearing_last_day is not None


def test_a_second_decision_on_the_same_appeal_is_refused(rw):
    appeal = _file(rw, rw.deny(rw.submit()))
    appeal_decide(
        acting_user=rw.users["advisor_2"],
        appeal=appeal,
        expected_version=1,
        outcome="upheld",
        explanation=SPECIFIC,
        units=None,
    )
    with pytest.raises(ValidationError, match="changed since you opened it"):
        appeal_decide(
            acting_user=rw.users["advisor_2"],
            appeal=appeal,
            expected_version=1,
            outcome="overturned",
            explanation=SPECIFIC,
            units=3,
        )
    assert Appeal.objects.get(pk=appeal.pk).outcome == "upheld"


# -- peer-to-peer ---------------------------------------------------------------------------------


def test_a_peer_to_peer_is_offered_within_one_business_day_and_recorded(rw):
    request = rw.deny(rw.submit())
    p2p = peer_to_peer_request(
        acting_user=rw.users["provider_staff"],
        request=request,
        contact="Dr. Ortiz 860-555-0100",
        now=ny(2026, 11, 25, 18, 0),
    )
    assert p2p.due_by == ny(2026, 11, 28, 0, 0)  # Thanksgiving does not count
    with pytest.raises(ValidationError, match="within one business day"):
        peer_to_peer_schedule(
            acting_user=rw.users["care_manager"],
            p2p=p2p,
            expected_version=1,
            advisor=rw.users["physician_advisor"],
            scheduled_for=ny(2026, 11, 30, 10, 0),
        )
    p2p = peer_to_peer_schedule(
        acting_user=rw.users["care_manager"],
        p2p=p2p,
        expected_version=1,
        advisor=rw.users["physician_advisor"],
        scheduled_for=ny(2026, 11, 27, 10, 0),
    )
    with pytest.raises(PermissionDenied):
        peer_to_peer_record(
            acting_user=rw.users["care_manager"],
            p2p=p2p,
            expected_version=2,
            outcome="upheld",
            notes="Discussed the case with the attending.",
        )
    p2p = peer_to_peer_record(
        acting_user=rw.users["physician_advisor"],
        p2p=p2p,
        expected_version=2,
        outcome="upheld",
        notes="Discussed sleep, safety plan and family supervision.",
    )
    assert p2p.status == "held" and request.events.filter(kind="p2p_held").exists()


def test_a_peer_to_peer_needs_a_referral_or_an_adverse_decision(rw):
    with pytest.raises(ValidationError):
        peer_to_peer_request(
            acting_user=rw.users["provider_staff"],
            request=rw.submit(),
            contact="Dr. Ortiz 860-555-0100",
        )
