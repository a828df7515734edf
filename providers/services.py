"""Writes to the provider file: providers, sites, offerings and provider staff.

Every service runs in one transaction, validates with `full_clean()`, and saves through the ORM so
django-simple-history records the acting user and a change reason (the history rows are the audit trail
of the provider file). Services that write the provider file take the provider-file lock first
(`providers.locks`), so an import never plans on a state that changes under it. Bulk writes by the file
import live in `providers.imports.apply`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from providers.choices import ProviderStatus
from providers.locks import provider_file_write
from providers.models import LevelOfCare, Provider, ProviderStaff, ServiceOffering, Site
from providers.permissions import NOT_YOUR_STAFF, can_manage_staff, staff_groups_create
from providers.rules import (
    OfferingSpan,
    describe_span,
    end_open_offering,
    offering_conflict,
    offering_refusals,
    termination_refusals,
)

PROVIDER_EDITABLE = (
    "npi",
    "medicaid_id",
    "tax_id",
    "name",
    "kind",
    "taxonomy",
    "status",
    "dcf_certified",
    "effective_date",
    "practice_street",
    "practice_city",
    "practice_state",
    "practice_zip",
)
SITE_EDITABLE = (
    "site_number",
    "name",
    "street",
    "town",
    "zip_code",
    "phone",
    "languages",
    "active",
)
CANNOT_DEACTIVATE_SELF = "You cannot deactivate your own account."
ALREADY_STAFF = "{email} already works for {provider}."
STAFF_NOT_PROVIDER_USER = (
    "{email} belongs to an account that is not a provider account; ask an administrator."
)
STATUS_TERMINATED_BY_EDIT = (
    "Use Terminate to end a provider's participation: it asks for a date and reason."
)


def _save(obj: models.Model, *, acting_user: Any, reason: str) -> None:
    """Validate and save, recording who did it and why in the object's history."""
    obj.full_clean()
    obj._history_user = acting_user  # type: ignore[attr-defined]
    obj._change_reason = reason[:100]  # type: ignore[attr-defined]
    obj.save()


@provider_file_write
def provider_create(*, acting_user: Any, reason: str = "Added", **fields: Any) -> Provider:
    """Add a provider organization, with its staff group (guardian) created in the same transaction."""
    provider = Provider(**fields)
    _save(provider, acting_user=acting_user, reason=reason)
    staff_groups_create(providers=[provider])
    return provider


@provider_file_write
def provider_update(*, acting_user: Any, provider: Provider, **fields: Any) -> Provider:
    """Change a provider's file fields. Terminations go through `provider_terminate` (date and reason)."""
    unknown = set(fields) - set(PROVIDER_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    if (
        fields.get("status") == ProviderStatus.TERMINATED
        and provider.status != ProviderStatus.TERMINATED
    ):
        raise ValidationError({"status": STATUS_TERMINATED_BY_EDIT})
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    was_terminated = locked.status == ProviderStatus.TERMINATED
    for name, value in fields.items():
        setattr(locked, name, value)
    if was_terminated and locked.status != ProviderStatus.TERMINATED:  # reinstated
        locked.termination_date, locked.termination_reason = None, ""
    _save(locked, acting_user=acting_user, reason="Edited")
    return locked


@provider_file_write
def provider_terminate(
    *, acting_user: Any, provider: Provider, date: dt.date, reason: str
) -> Provider:
    """End a provider's participation on `date` (its last day in the network) for a stated reason.

    Its offerings still in force after that date end on it too; nothing is deleted.
    """
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    refusals = termination_refusals(
        effective_date=locked.effective_date,
        current_termination=locked.termination_date,
        already_terminated=locked.status == ProviderStatus.TERMINATED,
        date=date,
        reason=reason,
    )
    if refusals:
        raise ValidationError(list(refusals))
    locked.status = ProviderStatus.TERMINATED
    locked.termination_date = date
    locked.termination_reason = reason.strip()
    _save(locked, acting_user=acting_user, reason=f"Terminated: {reason.strip()}")
    offerings = ServiceOffering.objects.filter(site__provider=locked).exclude(
        effective_to__lte=date
    )
    for offering in offerings:
        offering.effective_to = end_open_offering(
            offering.effective_to, offering.effective_from, date
        )
        _save(offering, acting_user=acting_user, reason="Provider terminated")
    return locked


@provider_file_write
def site_update(*, acting_user: Any, site: Site, **fields: Any) -> Site:
    """Change a site; its region follows its town."""
    unknown = set(fields) - set(SITE_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    locked = Site.objects.select_for_update().get(pk=site.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.region_id = locked.town.region_id
    _save(locked, acting_user=acting_user, reason="Edited")
    return locked


def _span_of(offering: ServiceOffering, site: Site, level: LevelOfCare) -> OfferingSpan:
    label = describe_span(level.code, str(site), offering.effective_from, offering.effective_to)
    if offering.pk:
        label += f" (offering #{offering.pk})"
    return OfferingSpan(
        start=offering.effective_from, end=offering.effective_to, label=label, id=offering.pk
    )


def _check_offering(offering: ServiceOffering) -> None:
    """Refuse inconsistent values, and an overlap with another offering of the level at the site,
    naming both offerings."""
    # Lock the site so two people adding the same level at once cannot both pass the check.
    site = Site.objects.select_for_update().select_related("provider").get(pk=offering.site_id)
    refusals = offering_refusals(
        min_age=offering.min_age,
        max_age=offering.max_age,
        start=offering.effective_from,
        end=offering.effective_to,
        provider_end=site.provider.termination_date,
    )
    if refusals:
        raise ValidationError(list(refusals))
    level = offering.level_of_care
    others = ServiceOffering.objects.filter(site=site, level_of_care=level).exclude(pk=offering.pk)
    conflict = offering_conflict(
        _span_of(offering, site, level), [_span_of(o, site, level) for o in others]
    )
    if conflict:
        raise ValidationError(conflict)


@provider_file_write
def offering_add(
    *,
    acting_user: Any,
    site: Site,
    level_of_care: LevelOfCare,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    min_age: int = 0,
    max_age: int = 120,
) -> ServiceOffering:
    """Contract a site for a level of care over a date range; refused if another offering of that level at
    that site is in force on any of those dates."""
    offering = ServiceOffering(
        site=site,
        level_of_care=level_of_care,
        effective_from=effective_from,
        effective_to=effective_to,
        min_age=min_age,
        max_age=max_age,
    )
    _check_offering(offering)
    _save(offering, acting_user=acting_user, reason="Added")
    return offering


@provider_file_write
def offering_update(
    *,
    acting_user: Any,
    offering: ServiceOffering,
    effective_from: dt.date,
    effective_to: dt.date | None,
    min_age: int,
    max_age: int,
) -> ServiceOffering:
    """Change an offering's dates or ages, under the same one-offering-at-a-time rule."""
    locked = ServiceOffering.objects.select_for_update().get(pk=offering.pk)
    locked.effective_from, locked.effective_to = effective_from, effective_to
    locked.min_age, locked.max_age = min_age, max_age
    _check_offering(locked)
    _save(locked, acting_user=acting_user, reason="Edited")
    return locked


def _role_group(is_admin: bool) -> Group:
    return Group.objects.get(name="provider_admin" if is_admin else "provider_staff")


@transaction.atomic
def staff_invite(
    *,
    acting_user: Any,
    provider: Provider,
    email: str,
    first_name: str,
    last_name: str,
    is_admin: bool = False,
) -> ProviderStaff:
    """Give a person a staff account at an organization and email them a link to set a password.

    Allowed to network operations and to the organization's own administrators. A person may work for
    several organizations: an existing provider account is linked, not duplicated.
    """
    if not can_manage_staff(user=acting_user, provider=provider):
        raise PermissionDenied(NOT_YOUR_STAFF)
    email = email.strip().lower()
    User = get_user_model()
    user = User.objects.filter(username=email).first()
    if user is None:
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        _save(user, acting_user=acting_user, reason=f"Invited to provider {provider.pk}")
    elif user.groups.exclude(name__in=["provider_staff", "provider_admin"]).exists():
        raise ValidationError(STAFF_NOT_PROVIDER_USER.format(email=email))
    link = ProviderStaff.objects.filter(user=user, provider=provider).first()
    if link is not None and link.active:
        raise ValidationError(ALREADY_STAFF.format(email=email, provider=provider))
    link = link or ProviderStaff(user=user, provider=provider)
    link.active, link.is_admin = True, is_admin
    _save(link, acting_user=acting_user, reason="Invited")
    if not user.is_active:
        user.is_active = True
        _save(user, acting_user=acting_user, reason="Reactivated by invitation")
    user.groups.add(_role_group(is_admin))
    staff_groups_create(providers=[provider])
    if provider.staff_group is not None:
        user.groups.add(provider.staff_group)
    if not user.has_usable_password():
        from providers.tasks import staff_invitation_send_task

        transaction.on_commit(lambda: staff_invitation_send_task.delay(link.pk))
    return link


@transaction.atomic
def staff_deactivate(*, acting_user: Any, link: ProviderStaff) -> ProviderStaff:
    """End a person's access to one organization; an account left with no organization is disabled."""
    if not can_manage_staff(user=acting_user, provider=link.provider):
        raise PermissionDenied(NOT_YOUR_STAFF)
    if link.user_id == acting_user.pk:
        raise ValidationError(CANNOT_DEACTIVATE_SELF)
    locked = (
        ProviderStaff.objects.select_for_update().select_related("user", "provider").get(pk=link.pk)
    )
    if not locked.active:
        return locked
    locked.active = False
    _save(locked, acting_user=acting_user, reason="Deactivated")
    user = locked.user
    if locked.provider.staff_group_id:
        user.groups.remove(locked.provider.staff_group_id)
    remaining = user.provider_links.filter(active=True)
    if not remaining.exists():
        user.is_active = False
        _save(user, acting_user=acting_user, reason="No organization left")
    elif not remaining.filter(is_admin=True).exists():
        user.groups.remove(_role_group(True))
        user.groups.add(_role_group(False))
    return locked
