"""The synthetic network: offerings match each kind; every organization has its staff group."""

import datetime as dt

import pytest

from aso.core.seeding import SeedContext
from providers.models import Provider, ProviderGroupObjectPermission, ServiceOffering
from providers.seed import seed_providers

pytestmark = pytest.mark.django_db


def test_the_small_seed_gives_each_kind_its_levels_and_each_provider_a_staff_group(ref):
    seed_providers(
        SeedContext(scale="small", seed=3, today=dt.date(2026, 11, 1), log=lambda _: None)
    )
    providers = Provider.objects.all()
    assert providers.count() == 24 and not providers.filter(staff_group__isnull=True).exists()
    assert ProviderGroupObjectPermission.objects.count() == 24
    levels_of = {
        kind: set(
            ServiceOffering.objects.filter(site__provider__kind=kind).values_list(
                "level_of_care__code", flat=True
            )
        )
        for kind in ("hospital", "individual")
    }
    assert "IP_PSY" in levels_of["hospital"]
    assert levels_of["individual"] <= {"OP_EVAL", "OP", "PSYCH_TEST"}
