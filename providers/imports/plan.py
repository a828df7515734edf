"""What a provider file means against the current provider file: the change plan. Pure: no ORM.

Rules (docs/formats/provider-file.md says them to the state's people):
- a provider is keyed by its Medicaid provider id, a site by (provider, site number), an offering by
  (site, level of care); a row's offering matches the existing one with the same start date, else the
  latest one its dates overlap (a correction), else it is a new offering;
- rows of one provider (or one site) must agree on its details; a later row that disagrees is rejected, as
  is a repeated (provider, site, level) row, an NPI another provider holds, and an offering that would
  overlap another offering of the same level at the same site (the message names both);
- a full file terminates, as of the file date, the providers and offerings it does not list and closes the
  sites it does not list; nothing is deleted. A provider, site or offering named on a rejected row counts
  as listed, so a typo never terminates anyone. A delta file terminates nothing by absence;
- the same file against the provider file it produced plans nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from providers.choices import ChangeAction, ChangeEntity, ProviderStatus
from providers.imports.rows import FileRow, OfferingFacts, ProviderFacts, Rejection, SiteFacts
from providers.rules import OfferingSpan, describe_span, end_open_offering, offering_conflict

DUPLICATE_ROW = "duplicate of line {line}: the same provider, site and level of care"
PROVIDER_DIFFERS = "provider details differ from line {line} ({fields})"
SITE_DIFFERS = "site details differ from line {line} ({fields})"
NPI_TAKEN = "NPI {npi} belongs to provider {owner}"
ABSENT_REASON = "Not in the full provider file of {date}"
TERMINATED_IN_FILE = "Terminated in the provider file of {date}"

# Model field -> the file column a person knows it by (report lines name file columns).
PROVIDER_COLUMNS = {
    "medicaid_id": "medicaid_id",
    "npi": "npi",
    "tax_id": "tax_id",
    "name": "legal_name",
    "kind": "provider_kind",
    "taxonomy": "taxonomy",
    "status": "provider_status",
    "dcf_certified": "dcf_certified",
    "effective_date": "provider_effective_date",
    "termination_date": "provider_termination_date",
}
SITE_COLUMNS = {
    "name": "site_name",
    "street": "street",
    "town_id": "town",
    "region_id": "region",
    "zip_code": "zip",
    "phone": "phone",
}
OFFERING_COLUMNS = {
    "min_age": "min_age",
    "max_age": "max_age",
    "effective_from": "offering_start",
    "effective_to": "offering_end",
}


@dataclass(frozen=True)
class CurrentProvider:
    id: int
    facts: ProviderFacts
    termination_reason: str


@dataclass(frozen=True)
class CurrentSite:
    id: int
    provider_id: int
    facts: SiteFacts
    active: bool


@dataclass(frozen=True)
class CurrentOffering:
    id: int
    site_id: int
    facts: OfferingFacts


@dataclass
class Snapshot:
    """The provider file as it stands, in plain values."""

    providers: dict[str, CurrentProvider]  # by Medicaid id
    sites: dict[tuple[int, str], CurrentSite]  # by (provider id, site number)
    offerings: dict[tuple[int, int], list[CurrentOffering]]  # by (site id, level id)
    level_codes: Mapping[int, str]
    town_names: Mapping[int, str]
    region_codes: Mapping[int, str]

    def npi_owners(self) -> dict[str, str]:
        return {p.facts.npi: medicaid_id for medicaid_id, p in self.providers.items()}


@dataclass(frozen=True)
class ReportLine:
    action: str
    entity: str
    key: str
    line: int | None = None
    field: str = ""
    old: str = ""
    new: str = ""
    reason: str = ""
    provider_id: int | None = None


SiteKey = tuple[str, str]  # (Medicaid id, site number)


@dataclass
class Plan:
    """The changes to make, and the report lines that tell a person about them."""

    lines: list[ReportLine] = field(default_factory=list)
    new_providers: dict[str, ProviderFacts] = field(default_factory=dict)
    provider_changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    new_sites: dict[SiteKey, SiteFacts] = field(default_factory=dict)
    site_changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    new_offerings: list[tuple[SiteKey, OfferingFacts]] = field(default_factory=list)
    offering_changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    rows_read: int = 0
    notes: dict[str, int] = field(default_factory=dict)  # further counts (NPIs ignored, ...)

    @property
    def has_changes(self) -> bool:
        return bool(
            self.new_providers
            or self.provider_changes
            or self.new_sites
            or self.site_changes
            or self.new_offerings
            or self.offering_changes
        )

    def counts(self) -> dict[str, int]:
        tally: dict[str, set[str]] = {}
        for line in self.lines:
            if line.action == ChangeAction.REJECTED:
                continue
            name = f"{line.entity}s_{line.action}"
            tally.setdefault(name, set()).add(line.key)
        rejected = {ln.line for ln in self.lines if ln.action == ChangeAction.REJECTED}
        counts = {name: len(keys) for name, keys in sorted(tally.items())}
        counts.update(
            rows_read=self.rows_read,
            rows_rejected=len(rejected),
            rows_accepted=self.rows_read - len(rejected),
        )
        counts.update(self.notes)
        return counts

    def fingerprint(self) -> str:
        """A digest of the changes (not the rejections): equal plans have equal fingerprints."""
        digest = hashlib.sha256()
        for line in self.lines:
            if line.action != ChangeAction.REJECTED:
                values = (line.action, line.entity, line.key, line.field, line.old, line.new)
                digest.update(json.dumps(values).encode())
        return digest.hexdigest()


def show(value: Any) -> str:
    """A value as the report shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _names(facts: Any) -> tuple[str, ...]:
    kind = type(facts)
    if kind not in _FIELD_NAMES:
        _FIELD_NAMES[kind] = tuple(f.name for f in fields(facts))
    return _FIELD_NAMES[kind]


def _values(facts: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict (flat: faster than dataclasses.asdict)."""
    return {name: getattr(facts, name) for name in _names(facts)}


def _differences(old: Any, new: Any) -> list[str]:
    if old == new:
        return []
    return [name for name in _names(old) if getattr(old, name) != getattr(new, name)]


class _Planner:
    def __init__(self, snapshot: Snapshot, *, file_date: dt.date) -> None:
        self.snap = snapshot
        self.file_date = file_date
        self.plan = Plan()
        self.npi_owners = snapshot.npi_owners()
        self.first_provider: dict[str, tuple[int, ProviderFacts]] = {}
        self.first_site: dict[SiteKey, tuple[int, SiteFacts]] = {}
        self.seen: dict[tuple[str, str, int], int] = {}
        self.mentioned_providers: set[str] = set()
        self.mentioned_sites: set[SiteKey] = set()
        self.mentioned_offerings: set[tuple[str, str, str]] = set()
        self.accepted: list[tuple[FileRow, CurrentOffering | None]] = []

    # --- labels -------------------------------------------------------------------------------
    def provider_key(self, medicaid_id: str, name: str) -> str:
        return f"{medicaid_id} {name}"

    def site_key(self, medicaid_id: str, number: str) -> str:
        return f"{medicaid_id} site {number}"

    def offering_key(self, medicaid_id: str, number: str, code: str) -> str:
        return f"{medicaid_id} site {number} {code}"

    def provider_id(self, medicaid_id: str) -> int | None:
        current = self.snap.providers.get(medicaid_id)
        return current.id if current else None

    def add(self, **values: Any) -> None:
        self.plan.lines.append(ReportLine(**values))

    # --- rows ---------------------------------------------------------------------------------
    def reject(self, line: int, reason: str, medicaid_id: str = "") -> None:
        self.add(
            action=ChangeAction.REJECTED,
            entity=ChangeEntity.ROW,
            key=f"line {line}",
            line=line,
            reason=reason,
            provider_id=self.provider_id(medicaid_id),
        )

    def mention(self, medicaid_id: str, number: str, code: str) -> None:
        self.mentioned_providers.add(medicaid_id)
        self.mentioned_sites.add((medicaid_id, number))
        self.mentioned_offerings.add((medicaid_id, number, code))

    def row(self, row: FileRow | Rejection) -> None:
        if isinstance(row, Rejection):
            raw = row.raw
            medicaid_id = raw.get("medicaid_id", "").strip().upper()
            self.mention(
                medicaid_id,
                raw.get("site_number", "").strip(),
                raw.get("level_of_care", "").strip().upper(),
            )
            self.reject(row.line, row.reason, medicaid_id)
            return
        p, s, o = row.provider, row.site, row.offering
        self.mention(p.medicaid_id, s.site_number, row.level_code)
        reason, match = self._row_problem(row)
        if reason:
            self.reject(row.line, reason, p.medicaid_id)
            return
        self.first_provider.setdefault(p.medicaid_id, (row.line, p))
        self.first_site.setdefault((p.medicaid_id, s.site_number), (row.line, s))
        self.seen[(p.medicaid_id, s.site_number, o.level_id)] = row.line
        self.npi_owners.setdefault(p.npi, p.medicaid_id)
        self.accepted.append((row, match))

    def _row_problem(self, row: FileRow) -> tuple[str, CurrentOffering | None]:
        p, s, o = row.provider, row.site, row.offering
        earlier = self.seen.get((p.medicaid_id, s.site_number, o.level_id))
        if earlier is not None:
            return DUPLICATE_ROW.format(line=earlier), None
        first = self.first_provider.get(p.medicaid_id)
        if first and first[1] != p:
            names = ", ".join(PROVIDER_COLUMNS[f] for f in _differences(first[1], p))
            return PROVIDER_DIFFERS.format(line=first[0], fields=names), None
        owner = self.npi_owners.get(p.npi)
        if owner is not None and owner != p.medicaid_id:
            return NPI_TAKEN.format(npi=p.npi, owner=owner), None
        first_site = self.first_site.get((p.medicaid_id, s.site_number))
        if first_site and first_site[1] != s:
            names = ", ".join(SITE_COLUMNS.get(f, f) for f in _differences(first_site[1], s))
            return SITE_DIFFERS.format(line=first_site[0], fields=names), None
        return self._offering_problem(row)

    def _offering_problem(self, row: FileRow) -> tuple[str, CurrentOffering | None]:
        p, s, o = row.provider, row.site, row.offering
        provider_id = self.provider_id(p.medicaid_id)
        site = self.snap.sites.get((provider_id, s.site_number)) if provider_id else None
        existing = self.snap.offerings.get((site.id, o.level_id), []) if site else []
        match = match_offering(existing, o)
        others = [c for c in existing if c is not match]
        wanted = OfferingSpan(o.start, o.end, "")
        if not any(OfferingSpan(c.facts.start, c.facts.end, "").overlaps(wanted) for c in others):
            return "", match
        # The rule again, with the words that name both offerings (only for the rare clash).
        place = f"{s.name} ({s.site_number})"
        new = OfferingSpan(o.start, o.end, describe_span(row.level_code, place, o.start, o.end))
        labelled = [
            OfferingSpan(
                c.facts.start,
                c.facts.end,
                describe_span(row.level_code, place, c.facts.start, c.facts.end)
                + f" (offering #{c.id})",
                c.id,
            )
            for c in others
        ]
        conflict = offering_conflict(new, labelled) or ""
        return conflict[:1].upper() + conflict[1:], match

    # --- differences --------------------------------------------------------------------------
    def providers(self) -> None:
        for medicaid_id, (line, facts) in self.first_provider.items():
            key = self.provider_key(medicaid_id, facts.name)
            current = self.snap.providers.get(medicaid_id)
            if current is None:
                self.plan.new_providers[medicaid_id] = facts
                self.add(
                    action=ChangeAction.ADDED,
                    entity=ChangeEntity.PROVIDER,
                    key=key,
                    line=line,
                    new=f"{facts.name} ({facts.kind}, NPI {facts.npi})",
                )
                continue
            changes = {name: getattr(facts, name) for name in _differences(current.facts, facts)}
            if "status" in changes:
                terminated = changes["status"] == ProviderStatus.TERMINATED
                reason = TERMINATED_IN_FILE.format(date=self.file_date) if terminated else ""
                if reason != current.termination_reason:
                    changes["termination_reason"] = reason
            old = {**_values(current.facts), "termination_reason": current.termination_reason}
            self._changed(
                ChangeEntity.PROVIDER,
                key,
                line,
                current.id,
                old,
                changes,
                PROVIDER_COLUMNS,
                self.plan.provider_changes,
                current.id,
            )

    def sites(self) -> None:
        for (medicaid_id, number), (line, facts) in self.first_site.items():
            key = self.site_key(medicaid_id, number)
            provider_id = self.provider_id(medicaid_id)
            current = self.snap.sites.get((provider_id, number)) if provider_id else None
            if current is None:
                self.plan.new_sites[(medicaid_id, number)] = facts
                town = self.snap.town_names.get(facts.town_id, "")
                self.add(
                    action=ChangeAction.ADDED,
                    entity=ChangeEntity.SITE,
                    key=key,
                    line=line,
                    new=f"{facts.name}, {facts.street}, {town}",
                    provider_id=provider_id,
                )
                continue
            changes: dict[str, Any] = {
                n: getattr(facts, n) for n in _differences(current.facts, facts)
            }
            if not current.active:
                changes["active"] = True
            old = {**_values(current.facts), "active": current.active}
            self._changed(
                ChangeEntity.SITE,
                key,
                line,
                provider_id,
                old,
                changes,
                {**SITE_COLUMNS, "active": "active"},
                self.plan.site_changes,
                current.id,
            )

    def offerings(self) -> None:
        for row, match in self.accepted:
            p, s, o = row.provider, row.site, row.offering
            key = self.offering_key(p.medicaid_id, s.site_number, row.level_code)
            provider_id = self.provider_id(p.medicaid_id)
            if match is None:
                self.plan.new_offerings.append(((p.medicaid_id, s.site_number), o))
                self.add(
                    action=ChangeAction.ADDED,
                    entity=ChangeEntity.OFFERING,
                    key=key,
                    line=row.line,
                    provider_id=provider_id,
                    new=f"{row.level_code} ages {o.min_age}-{o.max_age} from {o.start}"
                    + (f" to {o.end}" if o.end else ""),
                )
                continue
            old, new = _offering_values(match.facts), _offering_values(o)
            changes = {name: new[name] for name in old if old[name] != new[name]}
            self._changed(
                ChangeEntity.OFFERING,
                key,
                row.line,
                provider_id,
                old,
                changes,
                OFFERING_COLUMNS,
                self.plan.offering_changes,
                match.id,
            )

    def _changed(
        self,
        entity: str,
        key: str,
        line: int | None,
        provider_id: int | None,
        old: Mapping[str, Any],
        changes: dict[str, Any],
        columns: Mapping[str, str],
        target: dict[int, dict[str, Any]],
        object_id: int,
    ) -> None:
        if not changes:
            return
        target.setdefault(object_id, {}).update(changes)
        for name, value in changes.items():
            before = old.get(name)
            self.add(
                action=ChangeAction.CHANGED,
                entity=entity,
                key=key,
                line=line,
                provider_id=provider_id,
                field=columns.get(name, name),
                old=self._display(name, before),
                new=self._display(name, value),
            )

    def _display(self, name: str, value: Any) -> str:
        if name == "town_id":
            return self.snap.town_names.get(value, show(value))
        if name == "region_id":
            return self.snap.region_codes.get(value, show(value))
        return show(value)

    # --- absences -----------------------------------------------------------------------------
    def absences(self) -> None:
        on = self.file_date
        medicaid_of = {p.id: m for m, p in self.snap.providers.items()}
        for medicaid_id, current in self.snap.providers.items():
            if (
                medicaid_id in self.mentioned_providers
                or current.facts.status == ProviderStatus.TERMINATED
            ):
                continue
            end = max(on, current.facts.effective_date)
            reason = ABSENT_REASON.format(date=on)
            self.plan.provider_changes[current.id] = {
                "status": ProviderStatus.TERMINATED,
                "termination_date": end,
                "termination_reason": reason,
            }
            self.add(
                action=ChangeAction.TERMINATED,
                entity=ChangeEntity.PROVIDER,
                key=self.provider_key(medicaid_id, current.facts.name),
                provider_id=current.id,
                field="provider_termination_date",
                old=show(current.facts.termination_date),
                new=show(end),
                reason=reason,
            )
        for (provider_id, number), site in self.snap.sites.items():
            medicaid_id = medicaid_of[provider_id]
            if not site.active or (medicaid_id, number) in self.mentioned_sites:
                continue
            self.plan.site_changes.setdefault(site.id, {})["active"] = False
            self.add(
                action=ChangeAction.TERMINATED,
                entity=ChangeEntity.SITE,
                key=self.site_key(medicaid_id, number),
                provider_id=provider_id,
                field="active",
                old="Y",
                new="N",
                reason=ABSENT_REASON.format(date=on),
            )
        self._absent_offerings(medicaid_of)

    def _absent_offerings(self, medicaid_of: Mapping[int, str]) -> None:
        on = self.file_date
        sites = {site.id: site for site in self.snap.sites.values()}
        for (site_id, level_id), offerings in self.snap.offerings.items():
            site = sites[site_id]
            medicaid_id = medicaid_of[site.provider_id]
            code = self.snap.level_codes[level_id]
            if (medicaid_id, site.facts.site_number, code) in self.mentioned_offerings:
                continue
            for offering in offerings:
                facts = offering.facts
                if facts.end is not None and facts.end <= on:
                    continue
                end = end_open_offering(facts.end, facts.start, on)
                self.plan.offering_changes.setdefault(offering.id, {})["effective_to"] = end
                self.add(
                    action=ChangeAction.TERMINATED,
                    entity=ChangeEntity.OFFERING,
                    key=self.offering_key(medicaid_id, site.facts.site_number, code),
                    provider_id=site.provider_id,
                    field="offering_end",
                    old=show(facts.end),
                    new=show(end),
                    reason=ABSENT_REASON.format(date=on),
                )


def _offering_values(facts: OfferingFacts) -> dict[str, Any]:
    return {
        "min_age": facts.min_age,
        "max_age": facts.max_age,
        "effective_from": facts.start,
        "effective_to": facts.end,
    }


def match_offering(
    existing: Sequence[CurrentOffering], wanted: OfferingFacts
) -> CurrentOffering | None:
    """The existing offering a row describes: same start date, else the latest one it overlaps."""
    for current in existing:
        if current.facts.start == wanted.start:
            return current
    wanted_span = OfferingSpan(wanted.start, wanted.end, "")
    overlapping = [
        c for c in existing if OfferingSpan(c.facts.start, c.facts.end, "").overlaps(wanted_span)
    ]
    return max(overlapping, key=lambda c: c.facts.start) if overlapping else None


def plan_file(
    snapshot: Snapshot,
    rows: Iterable[FileRow | Rejection],
    *,
    full_file: bool,
    file_date: dt.date,
) -> Plan:
    """The changes a provider file makes to the provider file as it stands (see the module rules)."""
    planner = _Planner(snapshot, file_date=file_date)
    for row in rows:
        planner.plan.rows_read += 1
        planner.row(row)
    planner.providers()
    planner.sites()
    planner.offerings()
    if full_file:
        planner.absences()
    return planner.plan
