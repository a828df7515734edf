"""Which requests and authorizations a user may see: the one door for every read of them.

Clinical staff holding `authorizations.view_all_requests` see all; provider staff see their own
organizations' (by the request's site); everybody else none (RNMs and agencies read aggregates elsewhere).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from authorizations.choices import ReviewPath
from authorizations.models import Authorization, AuthorizationRule, Request
from providers.models import LevelOfCare
from providers.selectors import own_provider_ids


def requests_visible_to(*, user: Any) -> QuerySet[Request]:
    requests = Request.objects.select_related("member", "site__provider", "level_of_care")
    if not user.is_authenticated:
        return requests.none()
    if user.has_perm("authorizations.view_all_requests"):
        return requests
    return requests.filter(site__provider_id__in=own_provider_ids(user=user))


def authorizations_visible_to(*, user: Any) -> QuerySet[Authorization]:
    authorizations = Authorization.objects.select_related(
        "member", "site__provider", "level_of_care", "request"
    )
    if not user.is_authenticated:
        return authorizations.none()
    if user.has_perm("authorizations.view_all_requests"):
        return authorizations
    return authorizations.filter(site__provider_id__in=own_provider_ids(user=user))


def access_request(*, user: Any, number: str) -> Request:
    """The request, or 404 whether it is missing or not the user's."""
    return get_object_or_404(requests_visible_to(user=user), number=number)


def access_authorization(*, user: Any, number: str) -> Authorization:
    """The authorization, or 404 whether it is missing or not the user's."""
    return get_object_or_404(authorizations_visible_to(user=user), number=number)


def rule_in_force(*, level_of_care: LevelOfCare | int, on: dt.date) -> AuthorizationRule | None:
    """The authorization rule of a level of care in force on a date (None when no rule covers it).

    Rules are dated rows: a registration decides by the rule in force on its start date, so a change of
    path (IOP moved from prior authorization to registration on 2014-01-01) applies by date.
    """
    level_id = level_of_care if isinstance(level_of_care, int) else level_of_care.pk
    return (
        AuthorizationRule.objects.select_related("level_of_care")
        .filter(level_of_care_id=level_id, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )


def registration_levels() -> QuerySet[LevelOfCare]:
    """Levels of care that have ever been, or are, registered rather than reviewed (the form's choices;
    the rule in force on the chosen start date decides)."""
    return (
        LevelOfCare.objects.filter(rules__review_path=ReviewPath.REGISTRATION)
        .distinct()
        .order_by("sort_order", "code")
    )
