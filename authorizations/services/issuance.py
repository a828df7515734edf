"""Issuing an authorization: the number a provider bills with, its dates and units.

Minimal version written with the clinical-review capability (issue 6); the registration capability
(issue 5) owns this module: when both land, keep one `authorization_issue` with this keyword signature.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from authorizations.choices import AuthorizationStatus
from authorizations.models import Authorization, Request
from authorizations.numbers import next_number


def authorization_issue(
    *, request: Request, start: dt.date, end: dt.date, units: int, acting_user: Any
) -> Authorization:
    """Issue the authorization of an approved request (in the caller's transaction). A concurrent
    review's authorization continues the one it extends."""
    authorization = Authorization(
        number=next_number("A", on=start),
        request=request,
        member_id=request.member_id,
        site_id=request.site_id,
        level_of_care_id=request.level_of_care_id,
        start=start,
        end=end,
        units=units,
        unit_type=request.rule.unit_type if request.rule else request.level_of_care.unit_type,
        status=AuthorizationStatus.ACTIVE,
        previous=request.extends,
    )
    authorization.full_clean()
    authorization.save()
    return authorization
