"""Writes of the platform core: role sync, jobs and the access log live in their own modules."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from aso.core.roles import ROLES, Role


class UnknownPermissionError(LookupError):
    pass


@dataclass(frozen=True)
class RoleSyncResult:
    created_groups: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.created_groups or self.added or self.removed)


def _permission(code: str) -> Permission:
    app_label, _, codename = code.partition(".")
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist as exc:
        raise UnknownPermissionError(
            f"Role permission {code!r} does not exist: is the app migrated, the name right?"
        ) from exc


@transaction.atomic
def roles_sync(*, roles: tuple[Role, ...] = ROLES) -> RoleSyncResult:
    """Make each role's group hold exactly the role's permissions. Idempotent: a second run changes nothing."""
    created, added, removed = [], [], []
    for role in roles:
        group, was_created = Group.objects.get_or_create(name=role.code)
        if was_created:
            created.append(role.code)
        wanted = {_permission(code) for code in role.permissions}
        current = set(group.permissions.all())
        for perm in wanted - current:
            added.append(f"{role.code}: {perm.content_type.app_label}.{perm.codename}")
        for perm in current - wanted:
            removed.append(f"{role.code}: {perm.content_type.app_label}.{perm.codename}")
        if wanted != current:
            group.permissions.set(wanted)
    return RoleSyncResult(tuple(created), tuple(sorted(added)), tuple(sorted(removed)))
