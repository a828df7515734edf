"""Which requests and authorizations a user may see: the one door for every read of them.

Clinical staff holding `authorizations.view_all_requests` see all; provider staff see their own
organizations' (by the request's site); everybody else none (RNMs and agencies read aggregates elsewhere).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from authorizations.models import Authorization, Request
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
