"""The VCM seeder at small scale: realistic flows, clocks by the real rules, rates near the
program's reported outcomes, provider team links, and a second run that adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from aso.core.seeding import SeedContext
from authorizations.rules.clocks import local_day
from authorizations.selectors_review import business_calendar
from care import rules_vcm
from care.models import CommunityResource, VcmDischarge, VcmPlan, VcmPlanVersion, VcmReferral
from care.seed_vcm import seed_vcm
from care.selectors.vcm_outcomes import outcomes
from care.services.vcm_referrals import program_rule
from providers.seed import seed_providers

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 1)


def test_seed_vcm_small(ref, make_user):
    ctx = SeedContext(scale="small", seed=5, today=TODAY, log=lambda line: None)
    seed_providers(ctx)
    seed_vcm(ctx)
    assert VcmReferral.objects.count() == ctx.counts["vcm_referrals"] == 120
    assert CommunityResource.objects.count() == 40
    statuses = set(VcmReferral.objects.values_list("status", flat=True))
    assert statuses == {"outreach", "engaged", "discharged"}
    assert VcmDischarge.objects.filter(reason__code="unable_to_reach").exists()
    assert VcmPlanVersion.objects.count() > VcmPlan.objects.count() > 30
    assert VcmPlan.team_providers.through.objects.exists()
    calendar = business_calendar()
    for referral in VcmReferral.objects.select_related("rule")[:40]:
        rule = program_rule(referral.rule)
        received = local_day(referral.received_at)
        assert referral.first_attempt_due == rules_vcm.first_attempt_due(received, rule, calendar)
        if referral.engaged_on:
            assert referral.plan_due == rules_vcm.plan_due(referral.engaged_on, rule)
    lines = outcomes(user=make_user("vcm_coordinator"), start=dt.date(2025, 11, 1), end=TODAY,
                     grain="quarter", as_of=TODAY)  # fmt: skip
    total = rules_vcm.totals(lines)
    assert total.connected.value is not None and total.connected.value > 0.85
    assert total.plan_on_time.value is not None and total.plan_on_time.value > 0.8
    seed_vcm(ctx)
    assert VcmReferral.objects.count() == 120
