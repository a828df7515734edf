"""Provider organizations' staff groups (guardian) and who may manage whose staff.

Every provider organization has one Django group, created by the service that creates the provider. Its
members are the organization's active staff; it holds guardian's `view_provider` on its own provider, and
later capabilities grant it permissions on the organization's objects (requests, notices, scorecards).
`ProviderStaff` links stay the record of who works where; the staff services keep the group in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from providers.models import Provider, ProviderGroupObjectPermission
from providers.selectors import access_provider

GROUP_PREFIX = "provider-staff-"
NOT_YOUR_STAFF = "You may manage the staff accounts of your own organization only."


def staff_group_name(provider_id: int) -> str:
    return f"{GROUP_PREFIX}{provider_id}"


def staff_groups_create(*, providers: Sequence[Provider]) -> int:
    """Create the staff group of each provider that has none, with `view_provider` on its provider.

    Set-based (three queries whatever the number), so the import and the seed use it for thousands.
    """
    missing = [p for p in providers if p.staff_group_id is None]
    if not missing:
        return 0
    Group.objects.bulk_create(
        [Group(name=staff_group_name(p.pk)) for p in missing], ignore_conflicts=True
    )
    groups = {
        g.name: g for g in Group.objects.filter(name__in=[staff_group_name(p.pk) for p in missing])
    }
    for provider in missing:
        provider.staff_group = groups[staff_group_name(provider.pk)]
    # The group is plumbing, not a provider-file fact: linked without a history row.
    Provider.objects.bulk_update(missing, ["staff_group"], batch_size=2000)
    view = Permission.objects.get(content_type__app_label="providers", codename="view_provider")
    ProviderGroupObjectPermission.objects.bulk_create(
        [
            ProviderGroupObjectPermission(group=p.staff_group, permission=view, content_object=p)
            for p in missing
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return len(missing)


def is_staff_admin_of(*, user: Any, provider_id: int) -> bool:
    """Whether the user is an active administrator of this organization's staff."""
    return bool(
        user.is_authenticated
        and user.has_perm("providers.manage_own_staff")
        and user.provider_links.filter(provider_id=provider_id, active=True, is_admin=True).exists()
    )


def can_manage_staff(*, user: Any, provider: Provider) -> bool:
    """Network operations manage any organization's staff (e.g. its first administrator); a provider
    administrator manages its own organization's, nobody else's."""
    if user.has_perm("providers.manage_provider_file"):
        return True
    return is_staff_admin_of(user=user, provider_id=provider.pk)


def access_staff_provider(*, user: Any, pk: int) -> Provider:
    """The provider whose staff the user manages: 404 if the user cannot see it, 403 if it may see it
    but not manage its staff."""
    provider = access_provider(user=user, pk=pk)
    if not can_manage_staff(user=user, provider=provider):
        raise PermissionDenied(NOT_YOUR_STAFF)
    return provider
