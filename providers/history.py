"""The full history of a provider organization: its own record, its sites, offerings and staff links.

Reads django-simple-history's rows (one query per kind of record, whatever their number) and turns
consecutive versions of each record into "field: old -> new" lines with who did it and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from providers.models import (
    LevelOfCare,
    Provider,
    ProviderStaff,
    Region,
    ServiceOffering,
    Site,
    Town,
)

KINDS = {"+": "Added", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    record: str
    kind: str
    reason: str
    changes: tuple[Change, ...]


def _shown(names: Mapping[Any, str], value: Any) -> str:
    """The display name of a coded value, or the value itself (lists such as languages are not codes)."""
    if isinstance(value, list | dict):
        return _text(value)
    return _text(names.get(value, value))


def _text(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def _entries(
    rows: Iterable[Any],
    fields: Mapping[str, str],
    label: Callable[[Any], str],
    display: Mapping[str, Mapping[Any, str]],
) -> list[HistoryEntry]:
    """Entries from history rows of one model, oldest first per record, diffing consecutive versions."""
    previous: dict[int, Any] = {}
    entries = []
    for row in sorted(rows, key=lambda r: (r.id, r.history_date, r.history_id)):
        before = previous.get(row.id)
        changes = []
        for attname, title in fields.items():
            new = getattr(row, attname)
            old = getattr(before, attname) if before is not None else None
            if before is not None and old == new:
                continue
            if before is None and new in (None, "", [], False):
                continue
            names = display.get(attname, {})
            changes.append(Change(title, _shown(names, old) if before else "", _shown(names, new)))
        previous[row.id] = row
        user = row.history_user
        entries.append(
            HistoryEntry(
                when=row.history_date,
                who=(user.get_full_name() or user.username) if user else "system",
                record=label(row),
                kind=KINDS.get(row.history_type, row.history_type),
                reason=row.history_change_reason or "",
                changes=tuple(changes),
            )
        )
    return entries


PROVIDER_FIELDS = {
    "name": "legal name",
    "npi": "NPI",
    "medicaid_id": "Medicaid id",
    "tax_id": "tax id",
    "kind": "kind",
    "taxonomy": "taxonomy",
    "status": "status",
    "dcf_certified": "DCF-certified",
    "effective_date": "effective date",
    "termination_date": "termination date",
    "termination_reason": "termination reason",
    "practice_street": "practice address",
    "practice_city": "practice city",
    "practice_state": "practice state",
    "practice_zip": "practice ZIP",
}
SITE_FIELDS = {
    "site_number": "site number",
    "name": "name",
    "street": "street",
    "town_id": "town",
    "zip_code": "ZIP",
    "region_id": "region",
    "phone": "phone",
    "languages": "languages",
    "active": "active",
}
OFFERING_FIELDS = {
    "level_of_care_id": "level of care",
    "min_age": "minimum age",
    "max_age": "maximum age",
    "effective_from": "from",
    "effective_to": "to",
}
STAFF_FIELDS = {"user_id": "user", "is_admin": "administrator", "active": "active"}


def provider_history(*, provider: Provider, limit: int = 500) -> list[HistoryEntry]:
    """The latest `limit` changes to a provider and everything it owns, newest first."""
    site_ids = list(Site.objects.filter(provider=provider).values_list("pk", flat=True))
    towns = dict(Town.objects.values_list("pk", "name"))
    regions = dict(Region.objects.values_list("pk", "code"))
    levels = dict(LevelOfCare.objects.values_list("pk", "code"))
    sites = dict(Site.objects.filter(pk__in=site_ids).values_list("pk", "site_number"))
    staff_rows = list(
        ProviderStaff.history.filter(provider_id=provider.pk).select_related("history_user", "user")
    )
    users = {r.user_id: (r.user.get_full_name() or r.user.username) for r in staff_rows if r.user}
    entries = [
        *_entries(
            Provider.history.filter(id=provider.pk).select_related("history_user"),
            PROVIDER_FIELDS,
            lambda r: "Provider",
            {},
        ),
        *_entries(
            Site.history.filter(provider_id=provider.pk).select_related("history_user"),
            SITE_FIELDS,
            lambda r: f"Site {r.site_number}",
            {"town_id": towns, "region_id": regions},
        ),
        *_entries(
            ServiceOffering.history.filter(site_id__in=site_ids).select_related("history_user"),
            OFFERING_FIELDS,
            lambda r: (
                f"Offering {levels.get(r.level_of_care_id, '?')} at site "
                f"{sites.get(r.site_id, '?')}"
            ),
            {"level_of_care_id": levels},
        ),
        *_entries(
            staff_rows,
            STAFF_FIELDS,
            lambda r: f"Staff {users.get(r.user_id, '?')}",
            {"user_id": users},
        ),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
