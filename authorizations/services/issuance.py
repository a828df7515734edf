"""Issuing an authorization: what a provider bills with once a request is approved.

Used by registration (approved at once when the rules pass) and by clinical review (when a reviewer
approves). One place gives every authorization its number, dates, units and unit type, so both paths
answer alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from aso.core.history import history_rows_insert
from aso.core.rows import insert_rows
from authorizations.choices import AuthorizationStatus, RequestStatus
from authorizations.models import Authorization, Request
from authorizations.numbers import next_number
from authorizations.rules.registration import authorization_end
from authorizations.services.events import event_record

AUTHORIZATION_ISSUED = "authorization_issued"
AUTHORIZATION_ENDED = "authorization_ended"
ISSUABLE_STATUSES = (RequestStatus.APPROVED, RequestStatus.PARTIALLY_APPROVED)
NOT_APPROVED = "Only an approved request gets an authorization; this one is {status}."
# Foreign keys come from loaded rows: full_clean() would re-read each one (a query per key).
FOREIGN_KEYS = ("request", "member", "site", "level_of_care", "previous", "episode")


class IssuanceError(ValueError):
    """The request cannot be given an authorization (not approved)."""


@transaction.atomic
def authorization_issue(
    *,
    request: Request,
    acting_user: Any,
    units: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    days: int | None = None,
    today: dt.date | None = None,
) -> Authorization:
    """Issue the authorization of an approved request; calling it again returns the same one.

    `start` defaults to the requested start; `end` to `start` plus `days` (default: the initial days of
    the rule the request was decided by) minus one. A request that extends an authorization (or a
    concurrent review continuing one) continues it: when the new span starts inside the current one,
    the current one ends the day before, so a member never holds two active authorizations for the same
    dates at one site.
    """
    if request.status not in ISSUABLE_STATUSES:
        raise IssuanceError(NOT_APPROVED.format(status=request.get_status_display().lower()))
    existing = Authorization.objects.filter(request=request).first()
    if existing is not None:
        return existing
    start = start or request.requested_start
    rule = request.rule
    if end is None:
        end = authorization_end(start, days or (rule.initial_days if rule else 1))
    unit_type = rule.unit_type if rule else request.level_of_care.unit_type
    return authorization_create(
        request=request,
        acting_user=acting_user,
        start=start,
        end=end,
        units=units,
        unit_type=unit_type,
        today=today or timezone.localdate(),
    )


def authorization_create(
    *,
    request: Request,
    acting_user: Any,
    start: dt.date,
    end: dt.date,
    units: int,
    unit_type: str,
    today: dt.date,
    number: str | None = None,
) -> Authorization:
    """Write the authorization row and its event, inside the caller's transaction (no checks: the
    caller decided). Ends the authorization it continues first when the spans overlap. `number`, when
    the caller drew one already, else the next one."""
    if request.extends_id is not None:
        _end_continued(request.extends_id, start=start, by=request, acting_user=acting_user)
    authorization = Authorization(
        number=number or next_number("A", on=today),
        request=request,
        member_id=request.member_id,
        site_id=request.site_id,
        level_of_care_id=request.level_of_care_id,
        start=start,
        end=end,
        units=units,
        unit_type=unit_type,
        status=AuthorizationStatus.ACTIVE,
        previous_id=request.extends_id,
    )
    authorization.full_clean(
        exclude=FOREIGN_KEYS, validate_unique=False, validate_constraints=False
    )
    insert_rows([authorization])  # the database holds the one-active-per-start constraint
    history_rows_insert([authorization], user=acting_user, when=timezone.now())
    event_record(
        request=request,
        kind=AUTHORIZATION_ISSUED,
        actor=acting_user,
        to_status=AuthorizationStatus.ACTIVE,
        detail={
            "authorization": authorization.number,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "units": units,
            "unit_type": unit_type,
        },
    )
    return authorization


def _end_continued(pk: int, *, start: dt.date, by: Request, acting_user: Any) -> None:
    """End the continued authorization the day before `start` when it still runs then."""
    current = (
        Authorization.objects.select_for_update(of=("self",)).select_related("request").get(pk=pk)
    )
    if current.end < start or current.status != AuthorizationStatus.ACTIVE:
        return
    current.end = max(start - dt.timedelta(days=1), current.start)
    current.status = AuthorizationStatus.ENDED
    current.save(update_fields=["end", "status"])
    event_record(
        request=current.request,
        kind=AUTHORIZATION_ENDED,
        actor=acting_user,
        from_status=AuthorizationStatus.ACTIVE,
        to_status=AuthorizationStatus.ENDED,
        detail={"authorization": current.number, "end": current.end.isoformat(), "by": by.number},
    )
