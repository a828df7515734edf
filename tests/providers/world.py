"""The provider network's objects in the shared permission-matrix world."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from providers.choices import ImportSource, ImportStatus
from providers.models import LevelOfCare, ProviderImport, ProviderStaff, ServiceOffering
from providers.permissions import staff_groups_create
from tests.matrix import World, world_builder


@world_builder
def provider_network(world: World) -> None:
    """Staff groups for both organizations, an offering at each site, a staff member of B, a report."""
    staff_groups_create(providers=[world.provider_a, world.provider_b])
    for role in ("provider_staff", "provider_admin"):
        world.users[role].groups.add(world.provider_a.staff_group)
    outpatient = LevelOfCare.objects.get(code="OP")
    world.extra["offering_a"] = ServiceOffering.objects.create(
        site=world.site_a, level_of_care=outpatient, effective_from=dt.date(2020, 1, 1)
    )
    world.extra["offering_b"] = ServiceOffering.objects.create(
        site=world.site_b, level_of_care=outpatient, effective_from=dt.date(2020, 1, 1)
    )
    world.extra["staff_link_a"] = ProviderStaff.objects.get(
        user=world.users["provider_staff"], provider=world.provider_a
    )
    staff_b = get_user_model().objects.create_user(username="matrix_staff_of_b")
    world.extra["staff_link_b"] = ProviderStaff.objects.create(
        user=staff_b, provider=world.provider_b
    )
    world.extra["import_a"] = ProviderImport.objects.create(
        source=ImportSource.PROVIDER_FILE,
        status=ImportStatus.READY,
        file_name="provider-file.csv",
        sha256="0" * 64,
        file_date=dt.date(2026, 11, 1),
        created_by=world.users["network_ops"],
    )
