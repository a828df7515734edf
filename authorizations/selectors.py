"""Which requests and authorizations a user may see: the one door for every read of them.

Clinical staff holding `authorizations.view_all_requests` see all; provider staff see their own
organizations' (by the request's site); everybody else none (RNMs and agencies read aggregates elsewhere).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from aso.core.rows import model_rows
from authorizations.choices import ReviewPath
from authorizations.models import Authorization, AuthorizationRule, Event, Request
from members.models import Member
from providers.models import LevelOfCare, Site
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
    """The authorization rule of a level of care in force on a date (None when no rule covers it): the
    latest effective_from on or before the date, not ended before it.

    Rules are dated rows: a registration decides by the rule in force on its start date, so a change of
    path (IOP moved from prior authorization to registration on 2014-01-01) applies by date. Read by
    hand-written SQL (aso.core.rows): every registration asks it.
    """
    level_id = level_of_care if isinstance(level_of_care, int) else level_of_care.pk
    found = model_rows(
        AuthorizationRule,
        '"level_of_care_id" = %s AND "effective_from" <= %s '
        'AND ("effective_to" IS NULL OR "effective_to" >= %s)',
        [level_id, on, on],
        order_by='"effective_from" DESC',
        limit=1,
    )
    return found[0] if found else None


def registration_levels() -> QuerySet[LevelOfCare]:
    """Levels of care that have ever been, or are, registered rather than reviewed (the form's choices;
    the rule in force on the chosen start date decides)."""
    return (
        LevelOfCare.objects.filter(rules__review_path=ReviewPath.REGISTRATION)
        .distinct()
        .order_by("sort_order", "code")
    )


def member_for_registration(*, medicaid_id: str, birth_date: dt.date) -> Member | None:
    """The member with this Medicaid id *and* date of birth: providers must give both, so an id alone
    never finds anyone (no fishing). None when either does not match; callers say so in one message."""
    found = model_rows(
        Member,
        '"medicaid_id" = %s AND "birth_date" = %s',
        [medicaid_id.strip().upper(), birth_date],
        limit=1,
    )  # hand-written SQL: the registration API's hot path (aso.core.rows)
    return found[0] if found else None


def registration_sites(*, user: Any) -> QuerySet[Site]:
    """The active sites a provider user may register services at: its own organizations' only."""
    return (
        Site.objects.filter(provider_id__in=own_provider_ids(user=user), active=True)
        .select_related("provider")
        .order_by("provider__name", "site_number")
    )


def authorization_chain(*, authorization: Authorization) -> list[Authorization]:
    """Every authorization of the same member, site and level of care, oldest first: the chain an
    extension continues reads as one list. One query."""
    return list(
        Authorization.objects.filter(
            member_id=authorization.member_id,
            site_id=authorization.site_id,
            level_of_care_id=authorization.level_of_care_id,
        )
        .select_related("request")
        .order_by("start", "pk")
    )


def request_events(*, request_ids: list[int]) -> QuerySet[Event]:
    """The audit trail of some requests, in order, with who acted."""
    return (
        Event.objects.filter(request_id__in=request_ids)
        .select_related("actor", "request")
        .order_by("occurred_at", "pk")
    )


def requests_filtered(
    requests: QuerySet[Request],
    *,
    number: str = "",
    status: str = "",
    kind: str = "",
    level_of_care: LevelOfCare | None = None,
    site: Site | None = None,
    start_from: dt.date | None = None,
    start_to: dt.date | None = None,
) -> QuerySet[Request]:
    """Narrow a visible set of requests by the list filters (a number finds the request or the
    authorization it was given)."""
    if number:
        number = number.strip().upper()
        requests = requests.filter(Q(number=number) | Q(authorization__number=number))
    if status:
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    if level_of_care is not None:
        requests = requests.filter(level_of_care=level_of_care)
    if site is not None:
        requests = requests.filter(site=site)
    if start_from:
        requests = requests.filter(requested_start__gte=start_from)
    if start_to:
        requests = requests.filter(requested_start__lte=start_to)
    return requests
