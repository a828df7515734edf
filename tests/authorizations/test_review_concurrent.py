"""Concurrent reviews in their window, episodes across concurrent authorizations, discharge reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from authorizations.models import Authorization, Episode
from authorizations.rules.appeals import AFTERCARE_REQUIRED, DELAY_REASON_REQUIRED
from authorizations.services.episodes import episode_discharge
from tests.authorizations.review_helpers import CONCURRENT_CLINICAL, build_review_world, ny


@pytest.fixture
def rw(db, ref, make_user):  # type: ignore[no-untyped-def]
    return build_review_world(make_user)


def _admitted(rw):  # type: ignore[no-untyped-def]
    request = rw.approve(rw.submit())
    return Authorization.objects.get(request=request)


def _concurrent(rw, authorization, received_at, **changes):  # type: ignore[no-untyped-def]
    data = {
        "extends": authorization,
        "urgency": "urgent_concurrent",
        "clinical": CONCURRENT_CLINICAL,
        "requested_units": 3,
        "diagnoses": ["F33.2"],
        "received_at": received_at,
    }
    return rw.submit(**{**data, **changes})


def test_a_concurrent_review_continues_the_stay_in_the_same_episode(rw):
    first = _admitted(rw)
    request = _concurrent(rw, first, ny(2026, 6, 3, 10, 0))
    assert request.kind == "concurrent" and request.previous == first.request
    assert request.requested_start == dt.date(2026, 6, 4)
    assert request.due_at == ny(2026, 6, 4, 10, 0)  # urgent concurrent: 24 hours
    rw.approve(request)
    second = Authorization.objects.get(request=request)
    assert second.previous == first and second.episode == first.episode
    assert Episode.objects.count() == 1
    assert list(first.episode.authorizations.order_by("start").values_list("start", "end")) == [
        (dt.date(2026, 6, 1), dt.date(2026, 6, 3)),
        (dt.date(2026, 6, 4), dt.date(2026, 6, 6)),
    ]


def test_acute_concurrent_requests_close_four_hours_before_expiry(rw):
    first = _admitted(rw)
    with pytest.raises(ValidationError) as caught:
        _concurrent(rw, first, ny(2026, 6, 3, 20, 30))
    assert "closed at Jun 3, 2026 8:00 PM EDT" in caught.value.message_dict["extends"][0]


def test_other_levels_open_48_hours_before_expiry(rw):
    rtc = rw.submit(
        member=rw.child,
        site=rw.other_site,
        level_of_care=rw.level("RTC"),
        urgency="standard",
        requested_units=30,
        acting_user=rw.users["other_provider"],
        clinical={
            **CONCURRENT_CLINICAL,
            "presentation": "Aggressive at home and school",
            "substances": ["none"],
            "legal_status": "guardian_consent",
            "supports": "Grandmother",
            "treatment_objectives": "Safety and family work",
            "projected_discharge": "2026-07-15",
            "dcf_approval_reference": "DCF-2026-1189",
        },
    )
    approved = rw.approve(rtc)
    authorization = Authorization.objects.get(request=approved)
    assert authorization.end == dt.date(2026, 6, 30)
    later_clinical = {**CONCURRENT_CLINICAL, "projected_discharge": "2026-07-20"}
    with pytest.raises(ValidationError) as caught:
        _concurrent(
            rw,
            authorization,
            ny(2026, 6, 28, 23, 0),
            urgency="standard",
            clinical=later_clinical,
            acting_user=rw.users["other_provider"],
            site=rw.other_site,
            member=rw.child,
            level_of_care=rw.level("RTC"),
            requested_units=30,
        )
    assert "from Jun 29, 2026 12:00 AM EDT" in caught.value.message_dict["extends"][0]
    later = _concurrent(
        rw,
        authorization,
        ny(2026, 6, 29, 9, 0),
        urgency="standard",
        clinical=later_clinical,
        acting_user=rw.users["other_provider"],
        site=rw.other_site,
        member=rw.child,
        level_of_care=rw.level("RTC"),
        requested_units=30,
    )
    assert later.requested_start == dt.date(2026, 7, 1)
    assert later.requested_end == dt.date(2026, 7, 30)


def test_only_an_active_authorization_of_the_same_stay_can_be_continued(rw):
    first = _admitted(rw)
    with pytest.raises(ValidationError) as caught:
        _concurrent(rw, first, ny(2026, 6, 3, 10, 0), member=rw.child)
    assert "extends" in caught.value.message_dict


def test_discharge_review_closes_the_episode_and_ends_its_authorizations(rw):
    first = _admitted(rw)
    second_request = rw.approve(_concurrent(rw, first, ny(2026, 6, 3, 10, 0)))
    episode = first.episode
    episode = episode_discharge(
        acting_user=rw.users["care_manager"],
        episode=episode,
        discharged=dt.date(2026, 6, 6),
        disposition="HOME",
        delay_days=2,
        delay_reason="AWAIT_COMMUNITY_SERVICE",
        aftercare_date=dt.date(2026, 6, 9),
        aftercare_provider="River Clinic, Dr. Ortiz",
        today=dt.date(2026, 6, 6),
    )
    assert (episode.discharged, episode.disposition, episode.delay_days, episode.delay_reason) == (
        dt.date(2026, 6, 6),
        "HOME",
        2,
        "AWAIT_COMMUNITY_SERVICE",
    )
    assert set(Authorization.objects.values_list("status", flat=True)) == {"ended"}
    assert second_request.events.filter(kind="discharged").exists()
    with pytest.raises(ValidationError, match="already closed"):
        episode_discharge(
            acting_user=rw.users["care_manager"],
            episode=episode,
            discharged=dt.date(2026, 6, 6),
            disposition="HOME",
            delay_days=0,
            delay_reason="",
            aftercare_date=None,
            aftercare_provider="",
            today=dt.date(2026, 6, 6),
        )


def test_a_bad_discharge_lists_every_problem_and_changes_nothing(rw):
    episode = _admitted(rw).episode
    with pytest.raises(ValidationError) as caught:
        episode_discharge(
            acting_user=rw.users["care_manager"],
            episode=episode,
            discharged=dt.date(2026, 6, 3),
            disposition="HOME",
            delay_days=1,
            delay_reason="",
            aftercare_date=None,
            aftercare_provider="",
            today=dt.date(2026, 6, 6),
        )
    assert caught.value.message_dict == {
        "delay_reason": [DELAY_REASON_REQUIRED],
        "aftercare_date": [AFTERCARE_REQUIRED],
    }
    episode.refresh_from_db()
    assert episode.discharged is None
    assert set(Authorization.objects.values_list("status", flat=True)) == {"active"}
