"""Writes of the interoperability app: a provider system's OAuth2 client.

A provider system acts through a **system account** of one organization: a user with the provider-staff
role, an active staff link and no usable password (it never signs in on the web), owning a confidential
client-credentials Application (django-oauth-toolkit). The organization scoping of every selector then
applies to the client as to a person, and ending the staff link (providers `staff_deactivate`) disables
the account and so the client.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import Application

from authorizations.choices import Channel, ReviewPath
from authorizations.models import Request
from authorizations.selectors import rule_in_force
from authorizations.services.intake import prior_auth_submit
from authorizations.services.registration import registration_submit
from members.models import Member
from providers.models import LevelOfCare, Provider, ProviderStaff, Site
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


def _save(obj: Any, *, acting_user: Any, reason: str) -> None:
    """Validate and save with who did it and why in the record's history (the management command
    runs without a request, so simple-history cannot know the person otherwise)."""
    obj.full_clean()
    obj._history_user = acting_user
    obj._change_reason = reason[:100]
    obj.save()


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
    _save(user, acting_user=acting_user, reason=f"Provider system of provider {provider.pk}")
    link = ProviderStaff(user=user, provider=provider, active=True)
    _save(link, acting_user=acting_user, reason="Provider system added")
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


def service_request_submit(
    *,
    acting_user: Any,
    member: Member,
    site: Site,
    level_of_care: LevelOfCare,
    start: dt.date,
    end: dt.date | None,
    units: int | None,
    urgency: str,
    diagnoses: Sequence[str],
    clinical: dict[str, Any],
    idempotency_key: str | None,
) -> Request:
    """Record a request from a provider system through the portal's own service for its review path,
    whichever standard it came in (FHIR PAS or X12 278): prior authorization when the rule in force on
    the start date says so, registration otherwise (the registration rules then refuse, with the
    reason on record, a level no rule covers, as the portal does). The recorded request: approved,
    refused with reasons, or waiting for review."""
    rule = rule_in_force(level_of_care=level_of_care, on=start)
    if rule is not None and rule.review_path == ReviewPath.PRIOR_AUTH:
        return prior_auth_submit(
            acting_user=acting_user,
            member=member,
            site=site,
            level_of_care=level_of_care,
            urgency=urgency,
            channel=Channel.API,
            requested_start=start,
            requested_end=end,
            requested_units=units,
            diagnoses=list(diagnoses),
            clinical=clinical,
            idempotency_key=idempotency_key,
        )
    return registration_submit(
        acting_user=acting_user,
        member=member,
        site_id=site.pk,
        level_of_care=level_of_care,
        start=start,
        units=units,
        diagnoses=diagnoses,
        channel=Channel.API,
        idempotency_key=idempotency_key,
    ).request
