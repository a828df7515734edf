"""What a registration decision reads, in two statements: the member's row locked, then every other fact.

A registration is the platform's busiest write (issue 5: 150 a second on two cores). Read through the
ORM, its facts took seven queries whose building cost more CPU than the database spent answering them.
`registration_facts` reads them in one portable statement (PostgreSQL and SQLite): a UNION ALL of
tagged rows, one branch per fact, each the same filter the ORM selectors use, and the tests of the rules
and of the registration service hold it to those meanings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.db import connection

from aso.core.rows import hot_cursor
from authorizations.choices import OPEN_STATUSES, AuthorizationStatus
from authorizations.models import Authorization, Request
from members.models import EligibilitySpan, Member, Program
from providers.models import Provider, ProviderStaff, ServiceOffering, Site


@dataclass(frozen=True)
class SiteFacts:
    """One of the user's organization's sites, as the network rules read it."""

    site_id: int
    site_active: bool
    provider_id: int
    provider_status: str
    provider_effective: dt.date
    provider_termination: dt.date | None
    provider_dcf_certified: bool


@dataclass(frozen=True)
class RegistrationReads:
    """The facts a registration is decided on, read in one statement."""

    site: SiteFacts | None  # None: not one of the user's organization's active links
    programs: tuple[str, ...]  # programs of the member's eligibility spans on the start date
    offering_ages: tuple[tuple[int, int], ...]  # the site's contracts for the level
    overlapping: tuple[str, ...]  # numbers of active authorizations and open requests overlapping
    replay_request_id: int | None  # an earlier request with the same idempotency key


def member_lock(*, member_id: int) -> dt.date:
    """Lock the member's row for the decision and answer the date of birth: one member's registrations
    are decided one at a time (SQLite serializes writers itself: its transactions begin IMMEDIATE)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    table = Member._meta.db_table
    with hot_cursor() as cursor:
        cursor.execute(f'SELECT "birth_date" FROM "{table}" WHERE "id" = %s{lock}', [member_id])
        row = cursor.fetchone()
    if row is None:
        raise Member.DoesNotExist
    born = row[0]
    return born if isinstance(born, dt.date) else dt.date.fromisoformat(born)


@cache
def _sql() -> str:
    t = {
        "site": Site._meta.db_table,
        "provider": Provider._meta.db_table,
        "staff": ProviderStaff._meta.db_table,
        "span": EligibilitySpan._meta.db_table,
        "program": Program._meta.db_table,
        "offering": ServiceOffering._meta.db_table,
        "auth": Authorization._meta.db_table,
        "request": Request._meta.db_table,
    }
    open_statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
    return f"""
SELECT 'site' AS tag, p."status" AS txt, p."id" AS n1,
       CASE WHEN s."active" THEN 1 ELSE 0 END AS n2,
       CASE WHEN p."dcf_certified" THEN 1 ELSE 0 END AS n3,
       p."effective_date" AS d1, p."termination_date" AS d2
  FROM "{t["site"]}" s JOIN "{t["provider"]}" p ON p."id" = s."provider_id"
 WHERE s."id" = %(site)s AND EXISTS (
       SELECT 1 FROM "{t["staff"]}" ps
        WHERE ps."provider_id" = p."id" AND ps."user_id" = %(user)s AND ps."active")
UNION ALL
SELECT 'program', g."code", NULL, NULL, NULL, NULL, NULL
  FROM "{t["span"]}" e JOIN "{t["program"]}" g ON g."id" = e."program_id"
 WHERE e."member_id" = %(member)s AND e."start" <= %(start)s
   AND (e."end" IS NULL OR e."end" >= %(start)s)
UNION ALL
SELECT 'offer', NULL, o."min_age", o."max_age", NULL, NULL, NULL
  FROM "{t["offering"]}" o
 WHERE o."site_id" = %(site)s AND o."level_of_care_id" = %(level)s
   AND o."effective_from" <= %(start)s
   AND (o."effective_to" IS NULL OR o."effective_to" >= %(start)s)
UNION ALL
SELECT 'auth', a."number", NULL, NULL, NULL, NULL, NULL
  FROM "{t["auth"]}" a JOIN "{t["site"]}" asite ON asite."id" = a."site_id"
 WHERE a."member_id" = %(member)s AND a."level_of_care_id" = %(level)s
   AND asite."provider_id" = (SELECT "provider_id" FROM "{t["site"]}" WHERE "id" = %(site)s)
   AND a."status" = '{AuthorizationStatus.ACTIVE}' AND a."start" <= %(end)s AND a."end" >= %(start)s
   AND a."id" <> %(extends)s
UNION ALL
SELECT 'wait', r."number", NULL, NULL, NULL, NULL, NULL
  FROM "{t["request"]}" r JOIN "{t["site"]}" rsite ON rsite."id" = r."site_id"
 WHERE r."member_id" = %(member)s AND r."level_of_care_id" = %(level)s
   AND rsite."provider_id" = (SELECT "provider_id" FROM "{t["site"]}" WHERE "id" = %(site)s)
   AND r."status" IN ({open_statuses}) AND r."requested_start" <= %(end)s
   AND (r."requested_end" >= %(start)s
        OR (r."requested_end" IS NULL AND r."requested_start" >= %(start)s))
UNION ALL
SELECT 'replay', NULL, r."id", NULL, NULL, NULL, NULL
  FROM "{t["request"]}" r
 WHERE r."idempotency_key" = %(key)s AND r."submitted_by_id" = %(user)s
"""


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _as_date(value: object) -> dt.date:
    found = _date(value)
    assert found is not None
    return found


def registration_facts(
    *,
    user_id: int,
    site_id: int,
    member_id: int,
    level_of_care_id: int,
    start: dt.date,
    end: dt.date,
    extends_id: int | None,
    idempotency_key: str | None,
) -> RegistrationReads:
    """The facts of one registration on its span [start, end]: the site when it is one of the user's
    organizations' (through an active staff link), the member's programs on the start date, the site's
    contracted ages for the level on that date, the numbers of the same member's active authorizations
    and open requests at the same provider and level overlapping the span (the extended one aside),
    and an earlier request with the same idempotency key. One statement."""
    params: dict[str, int | str | dt.date] = {
        "site": site_id,
        "user": user_id,
        "member": member_id,
        "level": level_of_care_id,
        "start": start,
        "end": end,
        "extends": extends_id or 0,
        "key": idempotency_key or "",
    }
    with hot_cursor() as cursor:
        cursor.execute(_sql(), params)
        rows = cursor.fetchall()
    site: SiteFacts | None = None
    programs: list[str] = []
    ages: list[tuple[int, int]] = []
    overlapping: set[str] = set()
    replay: int | None = None
    for tag, txt, n1, n2, n3, d1, d2 in rows:
        if tag == "site":
            site = SiteFacts(site_id, bool(n2), n1, txt, _as_date(d1), _date(d2), bool(n3))
        elif tag == "program":
            programs.append(txt)
        elif tag == "offer":
            ages.append((n1, n2))
        elif tag in ("auth", "wait"):
            overlapping.add(txt)
        elif tag == "replay" and idempotency_key:
            replay = n1 if replay is None else max(replay, n1)
    return RegistrationReads(
        site=site,
        programs=tuple(sorted(programs)),
        offering_ages=tuple(ages),
        overlapping=tuple(sorted(overlapping)),
        replay_request_id=replay,
    )
