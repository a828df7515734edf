"""The ICM seeder at small scale: 14 ICMs over the regions, stays only when none exist, a
realistic number of candidates, caseloads under their caps, and a second run that adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from aso.core.seeding import SeedContext
from authorizations.models import Episode
from care.models import IcmAssignment, IcmCandidate, IcmProfile
from care.seed import icm_demo_setup, seed_icm
from care.selectors.icm_workers import icm_workers
from members.seed import seed_members
from providers.seed import seed_providers

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 1)


def test_seed_icm_small_gives_icms_candidates_and_caseloads_under_caps(ref, make_user):
    ctx = SeedContext(scale="small", seed=11, today=TODAY, log=lambda line: None)
    seed_providers(ctx)
    seed_members(ctx)
    seed_icm(ctx)
    assert IcmProfile.objects.count() == 14
    assert set(IcmProfile.objects.values_list("regions__code", flat=True)) == {
        "R1",
        "R2",
        "R3",
        "R4",
        "R5",
    }
    assert Episode.objects.count() == ctx.counts["icm_seeded_stays"] > 100
    assert 20 <= IcmCandidate.objects.count() <= 120
    assigned = IcmAssignment.objects.filter(end__isnull=True).count()
    assert 0 < assigned == ctx.counts["icm_assigned"] < IcmCandidate.objects.count()
    assert all(w.caseload <= w.cap for w in icm_workers(on=TODAY))
    seed_icm(ctx)  # once only
    assert IcmProfile.objects.count() == 14 and IcmAssignment.objects.count() == assigned
    demo_icm = make_user("icm")
    taken = icm_demo_setup(
        icm_user=demo_icm, supervisor=make_user("clinical_supervisor"), today=TODAY
    )
    assert demo_icm.icm_profile.languages == ["en", "es"]
    assert IcmAssignment.objects.filter(icm=demo_icm).count() == taken <= 8
