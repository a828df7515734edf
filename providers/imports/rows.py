"""One row of the provider file, checked and typed. Pure: no ORM; lookups are passed in.

A row is either a `FileRow` (provider, site and offering facts) or a `Rejection` listing every reason,
with the row's line number, so the person fixing the file sees all problems at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from providers.choices import ProviderKind, ProviderStatus
from providers.validators import npi_is_valid

MISSING_VALUE = "missing required value: {column}"
ROW_LENGTH = "the row has {got} values, the header has {want}"
BAD_NPI = "NPI {value!r} is not 10 digits with a valid check digit"
BAD_KIND = "unknown provider kind {value!r} (use {choices})"
BAD_STATUS = "unknown provider status {value!r} (use {choices})"
BAD_DATE = "{column} {value!r} is not a date (use YYYY-MM-DD or MM/DD/YYYY)"
BAD_FLAG = "{column} {value!r} is not Y or N"
BAD_AGE = "{column} {value!r} is not an age from 0 to 120"
AGES_REVERSED = "min_age {low} is above max_age {high}"
END_BEFORE_START = "{end_column} {end} is before {start_column} {start}"
UNKNOWN_TOWN = "unknown town {value!r}"
UNKNOWN_LEVEL = "unknown level of care {value!r}"
BAD_ZIP = "zip {value!r} is not a 5-digit ZIP code or ZIP+4"
BAD_TAX_ID = "tax_id {value!r} is not 9 digits"
BAD_TAXONOMY = "taxonomy {value!r} is not a 10-character taxonomy code"
BAD_MEDICAID_ID = "medicaid_id {value!r} has characters other than letters and digits"

ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")
TAXONOMY_RE = re.compile(r"^[0-9A-Z]{9}X$")
MEDICAID_ID_RE = re.compile(r"^[0-9A-Z]{1,20}$")
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0", ""}
# Computed once: TextChoices.values builds a new list on every access.
KINDS = frozenset(ProviderKind.values)
STATUSES = frozenset(ProviderStatus.values)
KIND_CHOICES = ", ".join(ProviderKind.values)
STATUS_CHOICES = ", ".join(ProviderStatus.values)


@dataclass(frozen=True)
class ProviderFacts:
    medicaid_id: str
    npi: str
    tax_id: str
    name: str
    kind: str
    taxonomy: str
    status: str
    dcf_certified: bool
    effective_date: dt.date
    termination_date: dt.date | None


@dataclass(frozen=True)
class SiteFacts:
    site_number: str
    name: str
    street: str
    town_id: int
    region_id: int
    zip_code: str
    phone: str


@dataclass(frozen=True)
class OfferingFacts:
    level_id: int
    min_age: int
    max_age: int
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class FileRow:
    line: int
    provider: ProviderFacts
    site: SiteFacts
    offering: OfferingFacts
    level_code: str


@dataclass(frozen=True)
class Rejection:
    line: int
    reasons: tuple[str, ...]
    raw: Mapping[str, str]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class Lookups:
    """Reference data a row is checked against: towns by lower-case name -> (town id, region id),
    levels of care by upper-case code -> id."""

    towns: Mapping[str, tuple[int, int]]
    levels: Mapping[str, int]


def parse_date(value: str) -> dt.date | None:
    """ISO dates (2026-01-31) and US dates (01/31/2026); None when it is neither."""
    value = value.strip()
    try:
        if len(value) == 10 and value[4] == "-":
            return dt.date.fromisoformat(value)
        month, day, year = value.split("/")
        if len(year) == 4 and month.isdigit() and day.isdigit() and year.isdigit():
            return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return None


class _Checker:
    """Collects every problem of one row while typing its values."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.reasons: list[str] = []

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.values.get(column, "").strip()
        if required and not value:
            self.reasons.append(MISSING_VALUE.format(column=column))
        return value

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.reasons.append(BAD_DATE.format(column=column, value=value))
        return parsed

    def age(self, column: str, default: int) -> int:
        value = self.text(column)
        if not value:
            return default
        if not value.isdigit() or int(value) > 120:
            self.reasons.append(BAD_AGE.format(column=column, value=value))
            return default
        return int(value)

    def flag(self, column: str) -> bool:
        value = self.text(column).lower()
        if value not in YES | NO:
            self.reasons.append(BAD_FLAG.format(column=column, value=value))
        return value in YES

    def check(self, failed: bool, template: str, **values: object) -> None:
        """Record `template` (formatted only when needed: most rows are fine) when `failed`."""
        if failed:
            self.reasons.append(template.format(**values))

    def ordered(self, start: dt.date | None, end: dt.date | None, names: tuple[str, str]) -> None:
        if start and end and end < start:
            self.reasons.append(
                END_BEFORE_START.format(
                    end_column=names[1], end=end, start_column=names[0], start=start
                )
            )


def _provider(c: _Checker) -> ProviderFacts:
    medicaid_id = c.text("medicaid_id", required=True).upper()
    c.check(
        bool(medicaid_id) and not MEDICAID_ID_RE.match(medicaid_id),
        BAD_MEDICAID_ID,
        value=medicaid_id,
    )
    npi = c.text("npi", required=True)
    c.check(bool(npi) and not npi_is_valid(npi), BAD_NPI, value=npi)
    tax_id = c.text("tax_id").replace("-", "")
    c.check(bool(tax_id) and not (tax_id.isdigit() and len(tax_id) == 9), BAD_TAX_ID, value=tax_id)
    kind = c.text("provider_kind", required=True).lower()
    if kind and kind not in KINDS:
        c.reasons.append(BAD_KIND.format(value=kind, choices=KIND_CHOICES))
    taxonomy = c.text("taxonomy").upper()
    c.check(bool(taxonomy) and not TAXONOMY_RE.match(taxonomy), BAD_TAXONOMY, value=taxonomy)
    status = c.text("provider_status").lower() or ProviderStatus.ACTIVE
    if status not in STATUSES:
        c.reasons.append(BAD_STATUS.format(value=status, choices=STATUS_CHOICES))
    effective = c.date("provider_effective_date", required=True)
    terminated = c.date("provider_termination_date")
    c.ordered(effective, terminated, ("provider_effective_date", "provider_termination_date"))
    return ProviderFacts(
        medicaid_id=medicaid_id,
        npi=npi,
        tax_id=tax_id,
        name=c.text("legal_name", required=True),
        kind=kind,
        taxonomy=taxonomy,
        status=status,
        dcf_certified=c.flag("dcf_certified"),
        effective_date=effective or dt.date.min,
        termination_date=terminated,
    )


def _site(c: _Checker, lookups: Lookups) -> SiteFacts:
    town_name = c.text("town", required=True)
    town = lookups.towns.get(town_name.lower())
    c.check(bool(town_name) and town is None, UNKNOWN_TOWN, value=town_name)
    zip_code = c.text("zip", required=True)
    c.check(bool(zip_code) and not ZIP_RE.match(zip_code), BAD_ZIP, value=zip_code)
    return SiteFacts(
        site_number=c.text("site_number", required=True),
        name=c.text("site_name", required=True),
        street=c.text("street", required=True),
        town_id=town[0] if town else 0,
        region_id=town[1] if town else 0,
        zip_code=zip_code,
        phone=c.text("phone"),
    )


def _offering(c: _Checker, lookups: Lookups) -> tuple[OfferingFacts, str]:
    code = c.text("level_of_care", required=True).upper()
    level_id = lookups.levels.get(code)
    c.check(bool(code) and level_id is None, UNKNOWN_LEVEL, value=code)
    low, high = c.age("min_age", 0), c.age("max_age", 120)
    c.check(low > high, AGES_REVERSED, low=low, high=high)
    start = c.date("offering_start", required=True)
    end = c.date("offering_end")
    c.ordered(start, end, ("offering_start", "offering_end"))
    facts = OfferingFacts(
        level_id=level_id or 0, min_age=low, max_age=high, start=start or dt.date.min, end=end
    )
    return facts, code


PROVIDER_PART = (
    "medicaid_id",
    "npi",
    "tax_id",
    "legal_name",
    "provider_kind",
    "taxonomy",
    "provider_status",
    "dcf_certified",
    "provider_effective_date",
    "provider_termination_date",
)
SITE_PART = ("site_number", "site_name", "street", "town", "zip", "phone")


class RowParser:
    """Parses the rows of one file. An organization's (or a site's) cells repeat on each of its rows, so
    each distinct set is checked once and its result reused."""

    def __init__(self, header: list[str], lookups: Lookups) -> None:
        self.header = header
        self.lookups = lookups
        self._providers: dict[tuple[str | None, ...], tuple[ProviderFacts, tuple[str, ...]]] = {}
        self._sites: dict[tuple[str | None, ...], tuple[SiteFacts, tuple[str, ...]]] = {}

    def _provider(self, values: Mapping[str, str]) -> tuple[ProviderFacts, tuple[str, ...]]:
        key = tuple(map(values.get, PROVIDER_PART))
        if key not in self._providers:
            checker = _Checker(values)
            self._providers[key] = (_provider(checker), tuple(checker.reasons))
        return self._providers[key]

    def _site(self, values: Mapping[str, str]) -> tuple[SiteFacts, tuple[str, ...]]:
        key = tuple(map(values.get, SITE_PART))
        if key not in self._sites:
            checker = _Checker(values)
            self._sites[key] = (_site(checker, self.lookups), tuple(checker.reasons))
        return self._sites[key]

    def parse(self, line: int, cells: list[str]) -> FileRow | Rejection:
        """Type and check one row; a Rejection lists every problem found in it."""
        values = dict(zip(self.header, cells, strict=False))
        reasons: list[str] = []
        if len(cells) != len(self.header) and any(cells[len(self.header) :]):
            reasons.append(ROW_LENGTH.format(got=len(cells), want=len(self.header)))
        provider, provider_reasons = self._provider(values)
        site, site_reasons = self._site(values)
        checker = _Checker(values)
        offering, code = _offering(checker, self.lookups)
        reasons += [*provider_reasons, *site_reasons, *checker.reasons]
        if reasons:
            return Rejection(line=line, reasons=tuple(reasons), raw=values)
        return FileRow(line=line, provider=provider, site=site, offering=offering, level_code=code)


def parse_row(
    line: int, cells: list[str], header: list[str], lookups: Lookups
) -> FileRow | Rejection:
    """Type and check one row on its own (see RowParser for a whole file)."""
    return RowParser(header, lookups).parse(line, cells)
