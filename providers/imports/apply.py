"""Writing a change plan in one transaction, in bulk, with a history row for every record it touches.

Bulk writes bypass `save()`, so history is written in bulk too (simple-history's bulk helpers): each row
names the acting user and the import ("Provider file import #12"), which is the provenance of the change.
Updates run before inserts so an offering is closed before its successor opens.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from providers.imports.plan import Plan
from providers.models import Provider, ServiceOffering, Site
from providers.permissions import staff_groups_create

BATCH = 1000


def _update(
    model: type[models.Model], changes: Mapping[int, Mapping[str, Any]], user: Any, reason: str
) -> None:
    if not changes:
        return
    objects = list(model._default_manager.select_for_update().filter(pk__in=list(changes)))
    names: set[str] = set()
    for obj in objects:
        for name, value in changes[obj.pk].items():
            setattr(obj, name, value)
            names.add(name)
    bulk_update_with_history(
        objects,
        model,
        sorted(names),
        batch_size=BATCH,
        default_user=user,
        default_change_reason=reason,
    )


def _create(model: type[models.Model], objects: list[Any], user: Any, reason: str) -> list[Any]:
    if not objects:
        return []
    return bulk_create_with_history(
        objects, model, batch_size=BATCH, default_user=user, default_change_reason=reason
    )


@transaction.atomic
def plan_apply(plan: Plan, *, acting_user: Any, reason: str) -> None:
    """Make the provider file what the plan says: all of it or, on any error, none of it."""
    _update(Provider, plan.provider_changes, acting_user, reason)
    created = _create(
        Provider,
        [Provider(**vars(facts)) for facts in plan.new_providers.values()],
        acting_user,
        reason,
    )
    staff_groups_create(providers=created)
    provider_ids = dict(
        Provider.objects.filter(medicaid_id__in={m for m, _ in plan.new_sites}).values_list(
            "medicaid_id", "pk"
        )
    )
    _update(Site, plan.site_changes, acting_user, reason)
    _create(
        Site,
        [
            Site(provider_id=provider_ids[medicaid_id], **vars(facts))
            for (medicaid_id, _), facts in plan.new_sites.items()
        ],
        acting_user,
        reason,
    )
    _update(ServiceOffering, plan.offering_changes, acting_user, reason)
    if plan.new_offerings:
        keys = {key for key, _ in plan.new_offerings}
        site_ids = {
            (medicaid_id, number): pk
            for pk, medicaid_id, number in Site.objects.filter(
                provider__medicaid_id__in={m for m, _ in keys}
            ).values_list("pk", "provider__medicaid_id", "site_number")
        }
        _create(
            ServiceOffering,
            [
                ServiceOffering(
                    site_id=site_ids[key],
                    level_of_care_id=facts.level_id,
                    min_age=facts.min_age,
                    max_age=facts.max_age,
                    effective_from=facts.start,
                    effective_to=facts.end,
                )
                for key, facts in plan.new_offerings
            ],
            acting_user,
            reason,
        )
