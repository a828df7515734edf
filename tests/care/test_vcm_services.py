"""VCM intake, outreach, plan versions and discharge through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from care.models import VcmCaregiver, VcmPlanVersion, VcmReferral
from care.services.vcm_plans import vcm_discharge_record
from care.services.vcm_referrals import DuplicateReferral, vcm_attempt_log
from members.models import Member
from providers.models import Provider, Region
from tests.care.vcm_factory import engaged, plan, received, referral


@pytest.fixture
def vcm(make_user):  # type: ignore[no-untyped-def]
    return make_user("vcm_coordinator")


def test_an_eligible_referral_starts_the_outreach_clock(vcm):
    ref = referral(vcm, day=dt.date(2026, 5, 22))  # Friday before Memorial Day
    assert ref.status == "outreach"
    assert ref.first_attempt_due == dt.date(2026, 5, 27)
    assert ref.region.code == ref.town.region.code
    assert ref.eligibility == {"eligible": True, "reasons": [], "age": 11}
    assert ref.caregivers.get().primary
    assert ref.history.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"child_birth_date": dt.date(2008, 3, 1)}, "child_birth_date", "under 18"),
        ({"consent": False}, "consent", "not consented"),
        ({"problem_code": "medical"}, "problem", "is not one of them"),
        ({"caregivers": []}, "caregivers", "at least one caregiver"),
    ],
)
def test_an_ineligible_referral_is_refused_and_nothing_is_saved(vcm, changes, field, words):
    with pytest.raises(ValidationError) as refused:
        referral(vcm, **changes)
    assert words in " ".join(refused.value.message_dict[field])
    assert not VcmReferral.objects.exists() and not VcmCaregiver.objects.exists()


def test_a_duplicate_agency_id_names_the_existing_referral(vcm):
    first = referral(vcm, ref_id="DCF-77")
    with pytest.raises(DuplicateReferral) as dup:
        referral(vcm, ref_id=" DCF-77 ")
    assert dup.value.existing == first
    assert VcmReferral.objects.count() == 1


def test_the_child_links_to_the_one_matching_member(vcm):
    member = Member.objects.create(
        medicaid_id="300000001", last_name="Rivera", first_name="Sam",
        birth_date=dt.date(2014, 6, 1), region=Region.objects.get(code="R4"),
    )  # fmt: skip
    assert referral(vcm).member == member
    assert referral(vcm, ref_id="DCF-2", child_first_name="Other").member is None


def test_only_vcm_staff_and_the_agency_system_may_refer(make_user):
    with pytest.raises(PermissionDenied):
        referral(make_user("care_manager"))
    assert referral(make_user("agency_referrer")).coordinator is None


def test_attempts_are_logged_and_unable_to_reach_needs_three(vcm):
    ref = referral(vcm)
    for hours in (48, 24):
        vcm_attempt_log(
            acting_user=vcm, referral=ref, occurred_at=timezone.now() - dt.timedelta(hours=hours),
            channel="phone", outcome="no_answer",
        )  # fmt: skip
    args = {"acting_user": vcm, "referral": ref, "discharged_on": timezone.localdate(),
            "reason_code": "unable_to_reach", "services_met_needs": False, "goals_met": False,
            "satisfaction": None}  # fmt: skip
    with pytest.raises(ValidationError, match="needs 3 attempts"):
        vcm_discharge_record(**args)
    vcm_attempt_log(
        acting_user=vcm, referral=ref, occurred_at=timezone.now(), channel="text",
        outcome="left_message",
    )  # fmt: skip
    vcm_discharge_record(**args)
    ref.refresh_from_db()
    assert ref.status == "discharged"
    with pytest.raises(ValidationError, match="discharged"):
        vcm_attempt_log(acting_user=vcm, referral=ref, occurred_at=timezone.now(),
                        channel="phone", outcome="reached")  # fmt: skip


def test_engagement_starts_the_30_day_plan_clock(vcm):
    ref = engaged(vcm)
    assert ref.status == "engaged" and ref.plan_due == dt.date(2026, 4, 11)


def test_a_plan_needs_engagement_and_keeps_every_version(vcm):
    ref = referral(vcm)
    with pytest.raises(ValidationError, match="engaged family"):
        plan(vcm, ref, effective_on=dt.date(2026, 3, 20))
    ref = engaged(vcm, ref_id="DCF-9")
    provider = Provider.objects.create(
        npi="1234567893", medicaid_id="000000001", name="Clinic", kind="clinic",
        effective_date=dt.date(2015, 1, 1),
    )  # fmt: skip
    first = plan(vcm, ref, effective_on=dt.date(2026, 3, 20))
    second = plan(vcm, ref, effective_on=dt.date(2026, 4, 20), provider_id=provider.pk,
                  note="Added therapist")  # fmt: skip
    assert (first.number, second.number) == (1, 2)
    ref.plan.refresh_from_db()
    assert ref.plan.current_version == 2
    assert ref.plan.first_effective_on == dt.date(2026, 3, 20)
    assert list(ref.plan.team_providers.all()) == [provider]
    assert VcmPlanVersion.objects.filter(plan=ref.plan).count() == 2
    assert first.team == [{"name": "Maria Lopez", "role": "Mother", "kind": "family",
                           "provider_id": None}]  # fmt: skip


def test_a_plan_without_goals_or_family_is_refused_and_nothing_saved(vcm):
    from care.services.vcm_plans import vcm_plan_revise

    ref = engaged(vcm)
    with pytest.raises(ValidationError, match="measurable indicator"):
        vcm_plan_revise(
            acting_user=vcm, referral=ref, effective_on=dt.date(2026, 3, 20), needs=[],
            strengths=[], goals=[{"goal": "Better", "indicator": ""}],
            team=[{"name": "M", "role": "Mother", "kind": "family"}], services=[],
            next_review=dt.date(2026, 6, 1),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="include the family"):
        vcm_plan_revise(
            acting_user=vcm, referral=ref, effective_on=dt.date(2026, 3, 20), needs=[],
            strengths=[], goals=[{"goal": "Better", "indicator": "x"}],
            team=[{"name": "Dr", "role": "Therapist", "kind": "provider"}], services=[],
            next_review=dt.date(2026, 6, 1),
        )  # fmt: skip
    assert not VcmPlanVersion.objects.exists()


def test_discharge_records_the_outcome_answers(vcm):
    ref = engaged(vcm)
    out = vcm_discharge_record(
        acting_user=vcm, referral=ref, discharged_on=dt.date(2026, 6, 1),
        reason_code="ongoing_treatment", services_met_needs=True, goals_met=True, satisfaction=5,
    )  # fmt: skip
    assert out.reason.ongoing_treatment and out.history.count() == 1
    with pytest.raises(ValidationError, match="already"):
        vcm_discharge_record(
            acting_user=vcm, referral=ref, discharged_on=dt.date(2026, 6, 2),
            reason_code="declined", services_met_needs=False, goals_met=False, satisfaction=None,
        )  # fmt: skip


def test_received_at_is_stored_aware(vcm):
    assert referral(vcm).received_at == received(dt.date(2026, 3, 10))


def test_a_later_rule_change_never_moves_a_running_clock(vcm):
    from care.models import VcmProgramRule

    ref = engaged(vcm)
    VcmProgramRule.objects.filter(effective_to__isnull=True).update(effective_to="2026-03-31")
    VcmProgramRule.objects.create(
        outreach_business_days=5, max_outreach_attempts=5, plan_due_days=45, max_age_years=18,
        effective_from=dt.date(2026, 4, 1),
    )  # fmt: skip
    ref.refresh_from_db()
    assert (ref.first_attempt_due, ref.plan_due) == (dt.date(2026, 3, 12), dt.date(2026, 4, 11))
    later = referral(vcm, ref_id="DCF-LATER", day=dt.date(2026, 4, 6))  # Monday
    assert later.first_attempt_due == dt.date(2026, 4, 13)


def test_dates_that_would_bend_the_clocks_are_refused_and_nothing_is_saved(vcm):
    future = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as refused:
        referral(vcm, received_at=future)
    assert "received_at" in refused.value.message_dict and not VcmReferral.objects.exists()
    ref = engaged(vcm)
    with pytest.raises(ValidationError) as refused:
        vcm_attempt_log(acting_user=vcm, referral=ref, occurred_at=ref.received_at
                        - dt.timedelta(hours=1), channel="phone", outcome="reached")  # fmt: skip
    assert "before the referral" in refused.value.message_dict["occurred_at"][0]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        plan(vcm, ref, effective_on=tomorrow)
    assert "effective_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        vcm_discharge_record(acting_user=vcm, referral=ref, discharged_on=tomorrow,
                             reason_code="goals_met", services_met_needs=True, goals_met=True,
                             satisfaction=5)  # fmt: skip
    assert "discharged_on" in refused.value.message_dict
    ref.refresh_from_db()
    assert ref.attempts.count() == 0 and ref.status == "engaged"
    assert not VcmPlanVersion.objects.exists()


def test_a_second_caregiver_without_phone_or_email_is_named_and_nothing_is_saved(vcm):
    from care.services.vcm_referrals import CaregiverData
    from tests.care.vcm_factory import CAREGIVER

    silent = CaregiverData(first_name="Ana", last_name="Lopez", relationship="aunt")
    with pytest.raises(ValidationError) as refused:
        referral(vcm, caregivers=[CAREGIVER, silent])
    assert refused.value.message_dict["caregivers"] == [
        "Caregiver 2 needs a phone number or an email address."
    ]
    assert not VcmReferral.objects.exists() and not VcmCaregiver.objects.exists()


def test_only_providers_on_the_team_read_the_plan_not_those_named_for_a_service(vcm):
    from care.services.vcm_plans import vcm_plan_revise

    ref = engaged(vcm)
    on_team, for_service = (
        Provider.objects.create(npi=npi, medicaid_id=mid, name=name, kind="clinic",
                                effective_date=dt.date(2015, 1, 1))
        for npi, mid, name in (("1234567893", "000000001", "Team"),
                               ("1245319599", "000000002", "Service"))
    )  # fmt: skip
    vcm_plan_revise(
        acting_user=vcm, referral=ref, effective_on=dt.date(2026, 3, 20), needs=["School"],
        strengths=["Family"], goals=[{"goal": "Attend", "indicator": "90% days"}],
        team=[{"name": "Maria Lopez", "role": "Mother", "kind": "family"},
              {"name": "Clinic", "role": "Therapist", "kind": "provider",
               "provider_id": on_team.pk}],
        services=[{"service": "Mentoring", "provider_id": for_service.pk}],
        next_review=dt.date(2026, 6, 20), change_note="",
    )  # fmt: skip
    ref.plan.refresh_from_db()
    assert list(ref.plan.team_providers.all()) == [on_team]
