"""Synthetic registrations: a year of outpatient-type registrations in realistic proportions.

ct scale: about 400,000 requests over the last 365 days (weekdays busier than weekends), by level of care
(outpatient therapy and evaluations most, then IOP, home-based, methadone, ...) and by site (a few large
clinics register most), about 6% refused by the rules (their reasons computed by the real rule chain),
psychological testing decided by staff review (the most recent still waiting), and extensions continuing
about a fifth of the longer services. Members are eligible on the start date and of an age the rule
allows; authorizations never overlap.

Written through the bulk path (COPY on PostgreSQL), which bypasses simple-history: provenance is the one
Event row per request (detail `{"source": "seed_demo", "seed": ...}`), and number sequences are moved past
the seeded numbers so later registrations continue them.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from aso.core.bulk import bulk_insert, reset_sequence
from aso.core.seeding import SeedContext
from authorizations.choices import (
    AuthorizationStatus,
    ClockUnit,
    RefusalCode,
    RequestKind,
    RequestStatus,
    ReviewPath,
)
from authorizations.models import (
    Authorization,
    AuthorizationRule,
    DecisionReason,
    Event,
    NumberSequence,
    Request,
    TurnaroundClock,
)
from authorizations.numbers import format_number
from authorizations.rules.registration import (
    AgeRange,
    RegistrationFacts,
    RuleTerms,
    decide_registration,
)
from members.models import EligibilitySpan
from providers.models import ServiceOffering, Site

NY = zoneinfo.ZoneInfo("America/New_York")
# level of care -> share of registrations (CT BHP: outpatient dominates; home-based and IOP next)
LEVEL_MIX = {
    "OP": 0.50,
    "OP_EVAL": 0.19,
    "IOP": 0.06,
    "METHADONE": 0.05,
    "HOME_HEALTH": 0.04,
    "HB_IICAPS": 0.04,
    "PSYCH_TEST": 0.03,
    "AMB_DETOX": 0.02,
    "HB_MST": 0.03,
    "HB_FFT": 0.02,
    "HB_MDFT": 0.02,
}
REFUSED_SHARE = 0.06
REFUSAL_MIX = {
    RefusalCode.NOT_ELIGIBLE: 0.34,
    RefusalCode.OVERLAP: 0.18,
    RefusalCode.BACKDATED: 0.18,
    RefusalCode.TOO_MANY_UNITS: 0.12,
    RefusalCode.NOT_OFFERED: 0.12,
    RefusalCode.AGE_OUT_OF_RANGE: 0.06,
}
EXTENDED_SHARE = {"OP": 0.18, "IOP": 0.25, "METHADONE": 0.45, "HOME_HEALTH": 0.3, "AMB_DETOX": 0.1}
EXTENDED_SHARE.update(dict.fromkeys(("HB_IICAPS", "HB_MST", "HB_FFT", "HB_MDFT"), 0.3))
API_SHARE = 0.28
WEEKDAY_WEIGHT = (1.0, 1.0, 1.0, 1.0, 0.95, 0.15, 0.05)  # Monday .. Sunday
DIAGNOSES = {
    "METHADONE": (("F11.20",), ("F11.20", "F32.9")),
    "AMB_DETOX": (("F10.239",), ("F10.230",), ("F11.23",)),
    "HB_MDFT": (("F12.20",), ("F12.20", "F91.3")),
    "HB_IICAPS": (("F91.3",), ("F90.2", "F91.3"), ("F43.10",)),
}
COMMON_DIAGNOSES = (
    ("F32.9",),
    ("F41.1",),
    ("F43.10",),
    ("F33.1", "F41.1"),
    ("F90.0",),
    ("F43.23",),
)


@dataclass(slots=True)
class _Row:
    """One seeded request, and what its authorization would be."""

    level: str
    member: int
    birth: dt.date
    site: int
    received: dt.datetime
    start: dt.date
    units: int
    channel: str
    status: str = RequestStatus.APPROVED
    kind: str = RequestKind.INITIAL
    refusal: str = ""
    decided: dt.datetime | None = None
    overlaps: _Row | None = None
    previous: _Row | None = None
    refusals: list[dict[str, str]] = field(default_factory=list)
    end: dt.date | None = None
    request_id: int = 0
    auth_id: int = 0
    number: str = ""
    auth_number: str = ""


@dataclass
class _Catalog:
    """What the seed draws from: rules, contracted sites, eligible and uncovered members."""

    rules: dict[str, AuthorizationRule]
    sites: dict[str, tuple[np.ndarray, np.ndarray]]  # level -> (site ids, weights)
    all_sites: np.ndarray
    members: np.ndarray  # ids covered all year
    births: np.ndarray  # datetime64[D], same order
    uncovered: list[tuple[int, dt.date, dt.date]]  # (member, birth, coverage end) ended this year


def seed_registrations(ctx: SeedContext) -> None:
    """A year of registrations up to ctx.today. Skips when registrations exist (seed once)."""
    if Request.objects.filter(review_path=ReviewPath.REGISTRATION).exists():
        ctx.log("registrations: already present, not seeded again")
        return
    rng = ctx.rng("registrations")
    catalog = _catalog(ctx, rng)
    if not catalog.rules or not len(catalog.members):
        ctx.log("registrations: no members or rules to register, skipped")
        return
    total = ctx.pick(small=1200, ct=400_000)
    rows = _initial_rows(ctx, rng, catalog, int(total / 1.1))
    _refuse_some(ctx, rng, catalog, rows)
    rows += _extensions(ctx, rng, catalog, rows)
    _decide_reviews(ctx, rng, rows)
    _number(ctx, rows)
    _explain_refusals(catalog, rows)
    requests, authorizations = _write(ctx, catalog, rows)
    ctx.counts.update(registrations=requests, registration_authorizations=authorizations)
    ctx.log(f"registrations: {requests} requests, {authorizations} authorizations")


def _catalog(ctx: SeedContext, rng: np.random.Generator) -> _Catalog:
    rules = {
        r.level_of_care.code: r
        for r in AuthorizationRule.objects.select_related("level_of_care").filter(
            review_path=ReviewPath.REGISTRATION, effective_to__isnull=True
        )
        if r.level_of_care.code in LEVEL_MIX
    }
    by_level: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for code, site, certified in ServiceOffering.objects.filter(
        level_of_care__code__in=list(rules), effective_to__isnull=True, site__active=True
    ).values_list("level_of_care__code", "site_id", "site__provider__dcf_certified"):
        if certified or not rules[code].dcf_certified_provider_required:
            by_level[code].append((site, certified))
    site_size: dict[
        int, float
    ] = {}  # a few large clinics register most: one lognormal size per site
    sites = {}
    for code, pairs in by_level.items():
        ids = np.array(sorted({s for s, _ in pairs}))
        weights = np.array([site_size.setdefault(s, rng.lognormal(0, 1.1)) for s in ids])
        sites[code] = (ids, weights / weights.sum())
    year_ago = ctx.today - dt.timedelta(days=400)
    covered = EligibilitySpan.objects.filter(end__isnull=True, start__lte=year_ago).order_by(
        "member_id"
    )
    covered_pairs = list(covered.values_list("member_id", "member__birth_date"))
    members = np.array([m for m, _ in covered_pairs], dtype=np.int64)
    births = np.array([b for _, b in covered_pairs], dtype="datetime64[D]")
    covered_ids = set(members.tolist())
    uncovered = [
        (m, b, e)
        for m, b, e in EligibilitySpan.objects.filter(
            end__gte=ctx.today - dt.timedelta(days=330), end__lt=ctx.today - dt.timedelta(days=20)
        ).values_list("member_id", "member__birth_date", "end")
        if m not in covered_ids and e is not None
    ]
    all_sites = np.array(list(Site.objects.filter(active=True).values_list("pk", flat=True)))
    return _Catalog(
        rules={c: rules[c] for c in sites}, sites=sites, all_sites=all_sites,
        members=members, births=births, uncovered=uncovered,
    )  # fmt: skip


def _ages_on(births: np.ndarray, day: dt.date) -> np.ndarray:
    years = births.astype("datetime64[Y]").astype(int) + 1970
    month_day = (
        (births.astype("datetime64[M]").astype(int) % 12 + 1) * 100
        + (births - births.astype("datetime64[M]")).astype(int)
        + 1
    )
    return day.year - years - ((day.month * 100 + day.day) < month_day)


def _received(ctx: SeedContext, rng: np.random.Generator, size: int) -> list[dt.datetime]:
    """Times over the last year in business hours, weekdays busier than weekends."""
    days = np.arange(365)
    weights = np.array(
        [WEEKDAY_WEIGHT[(ctx.today - dt.timedelta(days=int(d))).weekday()] for d in days]
    )
    drawn = rng.choice(days, size=size, p=weights / weights.sum())
    minutes = rng.integers(8 * 60, 18 * 60, size)
    return [
        dt.datetime.combine(ctx.today - dt.timedelta(days=int(d)), dt.time(int(m) // 60, int(m) % 60), NY)
        for d, m in zip(drawn, minutes, strict=True)
    ]  # fmt: skip


def _initial_rows(
    ctx: SeedContext, rng: np.random.Generator, catalog: _Catalog, total: int
) -> list[_Row]:
    shares = {code: LEVEL_MIX[code] for code in catalog.rules}
    scale = sum(shares.values())
    ages_then = _ages_on(catalog.births, ctx.today - dt.timedelta(days=366))
    ages_now = _ages_on(catalog.births, ctx.today)
    rows: list[_Row] = []
    for code, share in shares.items():
        rule = catalog.rules[code]
        low, high = rule.min_age or 0, rule.max_age if rule.max_age is not None else 200
        pool = np.flatnonzero((ages_then >= low) & (ages_now <= high))
        count = min(round(total * share / scale), len(pool))
        chosen = rng.choice(pool, size=count, replace=False)
        site_ids, weights = catalog.sites[code]
        sites = rng.choice(site_ids, size=count, p=weights)
        back = np.where(
            rng.random(count) < 0.6, 0, rng.integers(0, rule.max_backdate_days + 1, count)
        )
        custom = rng.random(count) < 0.3
        units = np.where(custom, rng.integers(1, rule.max_units + 1, count), rule.initial_units)
        api = rng.random(count) < API_SHARE
        for i, received in enumerate(_received(ctx, rng, count)):
            rows.append(
                _Row(
                    level=code,
                    member=int(catalog.members[chosen[i]]),
                    birth=catalog.births[chosen[i]].item(),
                    site=int(sites[i]),
                    received=received,
                    start=received.date() - dt.timedelta(days=int(back[i])),
                    units=int(units[i]),
                    channel="api" if api[i] else "web",
                    decided=received,
                )
            )
    return rows


def _refuse_some(
    ctx: SeedContext, rng: np.random.Generator, catalog: _Catalog, rows: list[_Row]
) -> None:
    """Turn a share of the requests into refusals, each failing one rule the way providers do (a
    refusal that cannot be staged for a row asks for too many units instead)."""
    codes = list(REFUSAL_MIX)
    weights = np.array(list(REFUSAL_MIX.values()))
    refuser = _Refuser(ctx, rng, catalog, rows)
    for index in rng.choice(len(rows), size=int(len(rows) * REFUSED_SHARE), replace=False):
        row = rows[index]
        code = codes[int(rng.choice(len(codes), p=weights / weights.sum()))]
        if not refuser.stage(code, row):
            refuser.stage(RefusalCode.TOO_MANY_UNITS, row)
    for row in rows:  # an overlap needs an authorization (or a waiting request) to overlap
        if row.overlaps is not None and row.overlaps.refusal:
            row.overlaps = None
            refuser.stage(RefusalCode.TOO_MANY_UNITS, row)


class _Refuser:
    """Stages one failing rule on a row; `stage` answers whether it could."""

    def __init__(
        self, ctx: SeedContext, rng: np.random.Generator, catalog: _Catalog, rows: list[_Row]
    ) -> None:
        self.ctx, self.rng, self.catalog, self.rows = ctx, rng, catalog, rows
        self.uncovered = iter(rng.permutation(len(catalog.uncovered)).tolist())
        self.outside: dict[str, np.ndarray] = {}
        self.by_level: dict[str, list[int]] = defaultdict(list)
        for position, row in enumerate(rows):
            self.by_level[row.level].append(position)

    def stage(self, code: str, row: _Row) -> bool:
        staged = getattr(self, code.lower())(row, self.catalog.rules[row.level])
        if staged:
            row.refusal, row.status = code, RequestStatus.REFUSED
        return staged

    def not_eligible(self, row: _Row, rule: AuthorizationRule) -> bool:
        spare = next(self.uncovered, None)
        if spare is None:
            return False
        row.member, row.birth, ended = self.catalog.uncovered[spare]
        row.start = ended + dt.timedelta(days=int(self.rng.integers(1, 20)))
        row.received = dt.datetime.combine(row.start, row.received.timetz())
        return True

    def overlap(self, row: _Row, rule: AuthorizationRule) -> bool:
        same_level = self.by_level[row.level]
        target = self.rows[same_level[int(self.rng.integers(len(same_level)))]]
        if target.refusal or target is row:
            return False
        row.member, row.birth, row.site, row.overlaps = (
            target.member, target.birth, target.site, target,
        )  # fmt: skip
        later = target.start + dt.timedelta(days=int(self.rng.integers(1, 30)))
        row.start = min(later, self.ctx.today)
        row.received = dt.datetime.combine(row.start, row.received.timetz())
        return True

    def age_out_of_range(self, row: _Row, rule: AuthorizationRule) -> bool:
        member = _out_of_age(self.ctx, self.rng, self.catalog, rule, self.outside)
        if member is not None:
            row.member, row.birth = member
        return member is not None

    def backdated(self, row: _Row, rule: AuthorizationRule) -> bool:
        days = rule.max_backdate_days + int(self.rng.integers(1, 60))
        row.start = row.received.date() - dt.timedelta(days=days)
        return True

    def too_many_units(self, row: _Row, rule: AuthorizationRule) -> bool:
        row.units = rule.max_units + int(self.rng.integers(1, rule.max_units + 1))
        return True

    def not_offered(self, row: _Row, rule: AuthorizationRule) -> bool:
        offering = set(self.catalog.sites[row.level][0].tolist())
        others = [
            s for s in self.rng.choice(self.catalog.all_sites, 20).tolist() if s not in offering
        ]
        if others:
            row.site = others[0]
        return bool(others)


def _out_of_age(
    ctx: SeedContext,
    rng: np.random.Generator,
    catalog: _Catalog,
    rule: AuthorizationRule,
    outside: dict[str, np.ndarray],
) -> tuple[int, dt.date] | None:
    """A covered member too young or too old for the rule (None when the rule has no age limit)."""
    if rule.min_age is None and rule.max_age is None:
        return None
    code = rule.level_of_care.code
    if code not in outside:
        ages = _ages_on(catalog.births, ctx.today)
        low, high = rule.min_age or 0, rule.max_age if rule.max_age is not None else 200
        outside[code] = np.flatnonzero((ages < low - 1) | (ages > high + 1))
    if not len(outside[code]):
        return None
    index = int(rng.choice(outside[code]))
    return int(catalog.members[index]), catalog.births[index].item()


def _extensions(
    ctx: SeedContext, rng: np.random.Generator, catalog: _Catalog, rows: list[_Row]
) -> list[_Row]:
    """Extensions of approved authorizations that ended this year, asked for shortly before the end."""
    extensions = []
    for row in rows:
        rule = catalog.rules[row.level]
        row.end = row.start + dt.timedelta(days=rule.initial_days - 1)
        share = EXTENDED_SHARE.get(row.level, 0.0)
        if row.refusal or row.end >= ctx.today or rng.random() >= share:
            continue
        received_day = max(
            row.end - dt.timedelta(days=int(rng.integers(0, 10))), row.received.date()
        )
        received = dt.datetime.combine(received_day, row.received.timetz())
        extension = _Row(
            level=row.level, member=row.member, birth=row.birth, site=row.site,
            received=received, start=row.end + dt.timedelta(days=1), units=rule.initial_units,
            channel=row.channel, kind=RequestKind.EXTENSION, decided=received, previous=row,
        )  # fmt: skip
        extension.end = extension.start + dt.timedelta(days=rule.initial_days - 1)
        if rng.random() < 0.08:
            extension.units = rule.max_units + int(rng.integers(1, 30))
            extension.refusal, extension.status = RefusalCode.TOO_MANY_UNITS, RequestStatus.REFUSED
        extensions.append(extension)
    return extensions


def _decide_reviews(ctx: SeedContext, rng: np.random.Generator, rows: list[_Row]) -> None:
    """Psychological testing waits for staff review: decided within a week, the latest still open."""
    now = dt.datetime.combine(ctx.today, dt.time(18), NY)
    for row in rows:
        if row.level != "PSYCH_TEST" or row.refusal:
            continue
        decided = row.received + dt.timedelta(hours=int(rng.integers(4, 7 * 24)))
        if decided > now:
            row.status, row.decided = RequestStatus.SUBMITTED, None
        else:
            row.decided = decided


def _number(ctx: SeedContext, rows: list[_Row]) -> None:
    """Request and authorization numbers in time order, per year, continuing the sequences."""
    start_request = (Request.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    start_auth = (
        Authorization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    rows.sort(key=lambda r: r.received)
    last = {(s.prefix, s.year): s.last for s in NumberSequence.objects.all()}
    for index, row in enumerate(rows):
        row.request_id = start_request + index
        row.number = _next(last, "R", row.received.year)
    issued = sorted((r for r in rows if _approved(r)), key=lambda r: r.decided or r.received)
    for index, row in enumerate(issued):
        row.auth_id = start_auth + index
        row.auth_number = _next(last, "A", (row.decided or row.received).year)
    for (prefix, year), value in last.items():
        NumberSequence.objects.update_or_create(prefix=prefix, year=year, defaults={"last": value})


def _next(last: dict[tuple[str, int], int], prefix: str, year: int) -> str:
    last[(prefix, year)] = last.get((prefix, year), 0) + 1
    return format_number(prefix, year, last[(prefix, year)])


def _approved(row: _Row) -> bool:
    return row.status == RequestStatus.APPROVED


def _explain_refusals(catalog: _Catalog, rows: list[_Row]) -> None:
    """Every refused request gets its reasons from the real rule chain."""
    for row in rows:
        if not row.refusal:
            continue
        rule = catalog.rules[row.level]
        facts = RegistrationFacts(
            level_name=rule.level_of_care.name,
            start=row.start,
            today=row.received.date(),
            birth_date=row.birth,
            units=row.units,
            programs_on_start=() if row.refusal == RefusalCode.NOT_ELIGIBLE else ("HUSKY_A",),
            offering_ages=() if row.refusal == RefusalCode.NOT_OFFERED else (AgeRange(0, 120),),
            provider_dcf_certified=True,
            overlapping=(row.overlaps.auth_number or row.overlaps.number,) if row.overlaps else (),
        )
        verdict = decide_registration(facts, _terms(rule))
        row.refusals = [r.as_dict() for r in verdict.refusals]


def _terms(rule: AuthorizationRule) -> RuleTerms:
    return RuleTerms(
        id=rule.pk, level_name=rule.level_of_care.name, effective_from=rule.effective_from,
        review_path=rule.review_path, auto_approve=rule.auto_approve, unit_type=rule.unit_type,
        initial_units=rule.initial_units, initial_days=rule.initial_days, max_units=rule.max_units,
        min_age=rule.min_age, max_age=rule.max_age, programs=tuple(rule.programs or ()),
        dcf_approval_required=rule.dcf_approval_required,
        dcf_certified_provider_required=rule.dcf_certified_provider_required,
        max_backdate_days=rule.max_backdate_days,
    )  # fmt: skip


REQUEST_FIELDS = (
    "id", "number", "member", "site", "level_of_care", "kind", "channel", "review_path", "urgency",
    "received_at", "due_at", "requested_start", "requested_end", "requested_units", "diagnoses",
    "clinical", "status", "refusals", "decision_reason", "decision_note", "decided_at", "rule",
    "previous", "extends", "version", "created_at", "updated_at",
)  # fmt: skip
AUTHORIZATION_FIELDS = (
    "id", "number", "request", "member", "site", "level_of_care", "start", "end", "units",
    "unit_type", "status", "previous", "created_at",
)  # fmt: skip
EVENT_FIELDS = ("request", "kind", "from_status", "to_status", "detail", "occurred_at")
EVENT_KIND = {
    RequestStatus.APPROVED: "registration_approved",
    RequestStatus.REFUSED: "registration_refused",
    RequestStatus.SUBMITTED: "registration_sent_to_review",
}


def _write(ctx: SeedContext, catalog: _Catalog, rows: list[_Row]) -> tuple[int, int]:
    rng = ctx.rng("registration-diagnoses")
    levels = {code: rule.level_of_care_id for code, rule in catalog.rules.items()}
    reasons = dict(DecisionReason.objects.values_list("code", "pk"))
    now = dt.datetime.now(dt.UTC)
    clocks = list(
        TurnaroundClock.objects.filter(code="PA_STANDARD", unit=ClockUnit.CALENDAR_DAYS)
        .order_by("effective_from")
        .values_list("effective_from", "amount")
    )

    def due(received: dt.datetime) -> dt.datetime | None:
        days = [amount for since, amount in clocks if since <= received.date()]
        return received + dt.timedelta(days=days[-1]) if days else None

    diagnoses_json = {
        code: [json.dumps(list(d)) for d in DIAGNOSES.get(code, COMMON_DIAGNOSES)]
        for code in catalog.rules
    }
    picks = rng.random(len(rows))

    def request_values(r: _Row, pick: float) -> tuple[object, ...]:
        choices = diagnoses_json[r.level]
        return (
            r.request_id, r.number, r.member, r.site, levels[r.level], r.kind, r.channel,
            ReviewPath.REGISTRATION, "standard", r.received,
            due(r.received) if r.level == "PSYCH_TEST" else None, r.start, r.end, r.units,
            choices[int(pick * len(choices))], "{}", r.status,
            json.dumps(r.refusals) if r.refusals else "[]",
            reasons.get(r.refusal) if r.refusal else None, "", r.decided,
            catalog.rules[r.level].pk, r.previous.request_id if r.previous else None,
            r.previous.auth_id if r.previous else None, 1, now, now,
        )  # fmt: skip

    def authorization_values(r: _Row) -> tuple[object, ...]:
        assert r.end is not None
        status = AuthorizationStatus.ACTIVE if r.end >= ctx.today else AuthorizationStatus.EXPIRED
        return (
            r.auth_id, r.auth_number, r.request_id, r.member, r.site, levels[r.level], r.start,
            r.end, r.units, catalog.rules[r.level].unit_type, status,
            r.previous.auth_id if r.previous else None, r.decided or r.received,
        )  # fmt: skip

    provenance = json.dumps({"source": "seed_demo", "seed": ctx.seed})[:-1]
    kinds = {str(status): kind for status, kind in EVENT_KIND.items()}

    def event_values(r: _Row) -> tuple[object, ...]:
        number = f'"{r.auth_number}"' if r.auth_number else "null"  # numbers need no escaping
        detail = f'{provenance}, "authorization": {number}}}'
        return (r.request_id, kinds[r.status], "", r.status, detail, r.decided or r.received)

    requests = bulk_insert(
        Request, REQUEST_FIELDS, (request_values(r, p) for r, p in zip(rows, picks, strict=True))
    )
    authorizations = bulk_insert(
        Authorization, AUTHORIZATION_FIELDS, (authorization_values(r) for r in rows if _approved(r))
    )
    bulk_insert(Event, EVENT_FIELDS, (event_values(r) for r in rows))
    reset_sequence(Request)
    reset_sequence(Authorization)
    return requests, authorizations
