"""Writes of the interoperability app: a provider system's OAuth2 client.

A provider system acts through a **system account** of one organization: a user with the provider-staff
role, an active staff link and no usable password (it never signs in on the web), owning a confidential
client-credentials Application (django-oauth-toolkit). The organization scoping of every selector then
applies to the client as to a person, and ending the staff link (providers `staff_deactivate`) disables
the account and so the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import Application

from providers.models import Provider, ProviderStaff
from providers.permissions import can_manage_staff, staff_groups_create

NOT_ALLOWED = "Only network operations or the organization's administrators add its systems."
NAME_NEEDED = "Name the system (for example the EHR product), 3 to 60 characters."
TAKEN = "This organization already has a system named so."


@dataclass(frozen=True)
class ProviderClient:
    application: Application
    user: Any
    client_id: str
    client_secret: str  # shown once: stored hashed


def _username(provider: Provider, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    return f"system-{provider.npi}-{slug}"


@transaction.atomic
def provider_client_create(*, acting_user: Any, provider: Provider, name: str) -> ProviderClient:
    """Create a provider system's account and OAuth2 client-credentials client; the secret is
    returned once (stored hashed). Same permission as inviting staff to the organization."""
    if not can_manage_staff(user=acting_user, provider=provider):
        raise PermissionDenied(NOT_ALLOWED)
    name = name.strip()
    if not 3 <= len(name) <= 60:
        raise ValidationError({"name": [NAME_NEEDED]})
    User = get_user_model()
    username = _username(provider, name)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"name": [TAKEN]})
    user = User(username=username, first_name=name[:150], last_name="(system)")
    user.set_unusable_password()
    user._change_reason = f"Provider system of provider {provider.pk}"  # type: ignore[attr-defined]
    user.full_clean()
    user.save()
    link = ProviderStaff(user=user, provider=provider, active=True)
    link._change_reason = "Provider system added"  # type: ignore[attr-defined]
    link.full_clean()
    link.save()
    user.groups.add(Group.objects.get(name="provider_staff"))
    staff_groups_create(providers=[provider])
    if provider.staff_group is not None:
        user.groups.add(provider.staff_group)
    client_id, secret = generate_client_id(), generate_client_secret()
    application = Application.objects.create(
        name=f"{provider.name}: {name}"[:255],
        user=user,
        client_id=client_id,
        client_secret=secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    return ProviderClient(application, user, client_id, secret)
