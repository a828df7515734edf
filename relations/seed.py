"""Synthetic member- and provider-relations data: a year of the service line at Connecticut scale.

ct: about 120,000 contacts over 365 days (480 a business day), about 480 grievances on their clocks,
referrals for the referral calls, 150 bulletins, and 30 days of bed reports (two or three a day) from
every inpatient and residential site, a few of which stopped reporting (flagged stale). small: 60 days.

Written through the bulk path, which bypasses simple-history: seeded rows carry no acting user
(`taken_by`, `received_by`, `given_by`, `reported_by` and `published_by` are empty, which no service
ever writes), so synthetic rows are told apart from real work; grievance deadlines are computed with
the same rules and clock rows as real ones. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import numpy as np

from aso.core.bulk import bulk_insert, reset_sequence
from aso.core.seeding import SeedContext
from members.models import Member
from relations import rules
from relations.choices import BedGender, GrievanceOutcome, GrievanceStatus
from relations.models import (
    BedReport,
    BedReportLine,
    Bulletin,
    Contact,
    ContactCategory,
    Grievance,
    GrievanceCategory,
    Holiday,
    Referral,
    ReferralSite,
)
from relations.selectors import as_clock, bed_offerings, clock_in_force, offerings_in_force

NEW_YORK = ZoneInfo("America/New_York")
# category code -> share of contacts (the grievance share differs by scale, see _category_shares)
CATEGORY_SHARES = {
    "ELIGIBILITY": 0.34,
    "COMPLAINT": 0.05,
    "TRANSPORTATION": 0.20,
    "PEER_REFERRAL": 0.05,
    "CLINICAL_REFERRAL": 0.12,
    "PROVIDER_REFERRAL": 0.14,
    "OTHER": 0.10,
}
CALLERS = (
    ("member", 0.55),
    ("family", 0.20),
    ("provider", 0.18),
    ("agency", 0.05),
    ("other", 0.02),
)
CHANNELS = (("phone", 0.88), ("email", 0.04), ("web", 0.04), ("mail", 0.02), ("fax", 0.02))
OUTCOMES = {
    "PROVIDER_REFERRAL": "referral_given",
    "PEER_REFERRAL": "referral_given",
    "CLINICAL_REFERRAL": "referral_given",
    "GRIEVANCE": "grievance_filed",
}
BULLETIN_TITLES = (
    ("bulletin", "Updated authorization guidelines for {level}"),
    ("alert", "System maintenance this weekend: web registration unavailable"),
    ("newsletter", "Provider newsletter: {month}"),
    ("manual", "Provider manual: revised chapter on {level}"),
    ("training", "Training: documenting medical necessity for {level}"),
)


def _pick(rng: np.random.Generator, table: tuple[tuple[str, float], ...], size: int) -> np.ndarray:
    codes = np.array([c for c, _ in table])
    weights = np.array([w for _, w in table])
    return codes[rng.choice(len(codes), size=size, p=weights / weights.sum())]


def _times(
    rng: np.random.Generator, ctx: SeedContext, days: int, per_day: int
) -> list[dt.datetime]:
    """Contact times over the last `days` days: business hours on weekdays, a trickle otherwise."""
    times = []
    for offset in range(days, 0, -1):
        day = ctx.today - dt.timedelta(days=offset)
        count = int(rng.poisson(per_day if day.weekday() < 5 else per_day * 0.08))
        minutes = rng.integers(8 * 60, 18 * 60, count)
        for minute in np.sort(minutes):
            local = dt.datetime.combine(day, dt.time(int(minute) // 60, int(minute) % 60))
            times.append(local.replace(tzinfo=NEW_YORK).astimezone(dt.UTC))
    return times


def seed_relations(ctx: SeedContext) -> None:
    """Contacts, grievances, referrals, bulletins and bed reports. Skips when contacts exist."""
    if Contact.objects.exists():
        ctx.log("relations: already present, not seeded again")
        return
    rng = ctx.rng("relations")
    member_ids = np.array(Member.objects.values_list("id", flat=True))
    contacts = _seed_contacts(ctx, rng, member_ids)
    grievances = _seed_grievances(ctx, rng, contacts)
    referrals = _seed_referrals(ctx, rng, contacts)
    bulletins = _seed_bulletins(ctx, rng)
    reports, lines = _seed_beds(ctx, rng)
    ctx.counts.update(
        contacts=len(contacts),
        grievances=grievances,
        referrals=referrals,
        bulletins=bulletins,
        bed_reports=reports,
        bed_report_lines=lines,
    )
    ctx.log(
        f"relations: {len(contacts)} contacts, {grievances} grievances, {referrals} referrals, "
        f"{bulletins} bulletins, {reports} bed reports ({lines} lines)"
    )


def _next_id(model: type) -> int:
    return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1  # type: ignore[attr-defined]


def _seed_contacts(
    ctx: SeedContext, rng: np.random.Generator, member_ids: np.ndarray
) -> list[tuple[int, dt.datetime, str, int | None]]:
    """(id, received_at, category code, member id) of every contact written."""
    days, per_day = ctx.pick(small=60, ct=365), ctx.pick(small=15, ct=480)
    times = _times(rng, ctx, days, per_day)
    n = len(times)
    shares = dict(CATEGORY_SHARES, GRIEVANCE=ctx.pick(small=0.03, ct=0.004))
    categories = dict(ContactCategory.objects.values_list("code", "id"))
    codes = _pick(rng, tuple(shares.items()), n)
    callers = _pick(rng, CALLERS, n)
    channels = _pick(rng, CHANNELS, n)
    with_member = (callers == "member") | (callers == "family") | (rng.random(n) < 0.3)
    members = (
        member_ids[rng.integers(0, len(member_ids), n)] if len(member_ids) else np.zeros(n, int)
    )
    general = np.where(rng.random(n) < 0.9, "answered", "follow_up")
    outcomes = [
        OUTCOMES.get(code, default)
        for code, default in zip(codes.tolist(), general.tolist(), strict=True)
    ]
    member_list = [
        int(m) if has and len(member_ids) else None
        for m, has in zip(members.tolist(), with_member.tolist(), strict=True)
    ]
    start, now = _next_id(Contact), dt.datetime.now(dt.UTC)
    code_list, caller_list, channel_list = codes.tolist(), callers.tolist(), channels.tolist()
    written = [(start + i, times[i], code_list[i], member_list[i]) for i in range(n)]
    rows = [
        (
            start + i,
            times[i],
            caller_list[i],
            channel_list[i],
            categories[code_list[i]],
            member_list[i],
            "",
            outcomes[i],
            now,
        )
        for i in range(n)
    ]
    fields = (
        "id",
        "received_at",
        "caller_type",
        "channel",
        "category",
        "member",
        "notes",
        "outcome",
        "created_at",
    )
    bulk_insert(Contact, fields, rows)
    reset_sequence(Contact)
    return written


def _seed_grievances(
    ctx: SeedContext,
    rng: np.random.Generator,
    contacts: list[tuple[int, dt.datetime, str, int | None]],
) -> int:
    """A grievance for each grievance call about a member, its clocks from the rules, its state
    from its age: recent ones open, older ones acknowledged and resolved, a few of them late."""
    ack_row = clock_in_force(code="GRIEVANCE_ACKNOWLEDGMENT", on=ctx.today)
    res_row = clock_in_force(code="GRIEVANCE_RESOLUTION", on=ctx.today)
    ack, res = as_clock(ack_row), as_clock(res_row)
    holidays = frozenset(
        Holiday.objects.filter(calendar=ack_row.calendar).values_list("date", flat=True)
    )
    categories = list(GrievanceCategory.objects.values_list("id", flat=True))
    outcomes = (
        GrievanceOutcome.SUBSTANTIATED,
        GrievanceOutcome.NOT_SUBSTANTIATED,
        GrievanceOutcome.WITHDRAWN,
    )
    today, now = ctx.today, dt.datetime.now(dt.UTC)
    rows = []
    for contact_id, received_at, code, member in contacts:
        if code != "GRIEVANCE" or member is None:
            continue
        received_on = received_at.astimezone(NEW_YORK).date()
        deadlines = rules.grievance_deadlines(received_on, ack, res, holidays)
        ack_days = int(rng.integers(1, 6)) if rng.random() < 0.93 else int(rng.integers(6, 12))
        ack_at = received_at + dt.timedelta(days=ack_days * 7 / 5)
        res_at = received_at + dt.timedelta(
            days=int(rng.integers(10, 86 if rng.random() < 0.95 else 110))
        )
        ack_at = min(ack_at, res_at)  # a resolution notice acknowledges a grievance too
        acknowledged = ack_at.astimezone(NEW_YORK).date() < today
        resolved = res_at.astimezone(NEW_YORK).date() < today
        status = (
            GrievanceStatus.RESOLVED
            if resolved
            else (GrievanceStatus.ACKNOWLEDGED if acknowledged else GrievanceStatus.RECEIVED)
        )
        outcome = str(outcomes[int(rng.choice(3, p=[0.35, 0.55, 0.10]))]) if resolved else ""
        rows.append(
            (
                member,
                int(categories[int(rng.integers(0, len(categories)))]),
                contact_id,
                received_at,
                "member" if rng.random() < 0.7 else "representative",
                "phone",
                "Synthetic grievance (seed data).",
                "es" if rng.random() < 0.2 else "en",
                deadlines.acknowledge_by,
                deadlines.resolve_by,
                ack.id,
                res.id,
                str(status),
                ack_at if acknowledged else None,
                res_at if resolved else None,
                outcome,
                "Synthetic resolution (seed data)." if resolved else "",
                now,
                now,
            )
        )
    fields = (
        "member", "category", "contact", "received_at", "filed_by", "channel", "description",
        "notice_language", "acknowledge_by", "resolve_by", "ack_clock", "resolution_clock", "status",
        "acknowledged_at", "resolved_at", "outcome", "resolution", "created_at", "updated_at",
    )  # fmt: skip
    return bulk_insert(Grievance, fields, rows)


def _seed_referrals(
    ctx: SeedContext,
    rng: np.random.Generator,
    contacts: list[tuple[int, dt.datetime, str, int | None]],
) -> int:
    """A referral for most provider-referral calls: one to three sites offering the level of care."""
    by_level: dict[int, list[int]] = defaultdict(list)
    for site_id, level_id in offerings_in_force(on=ctx.today).values_list(
        "site_id", "level_of_care_id"
    ):
        by_level[level_id].append(site_id)
    if not by_level:
        return 0
    levels = sorted(by_level)
    weights = np.array([len(by_level[level]) for level in levels], dtype=float)
    start = _next_id(Referral)
    referrals, sites = [], []
    for contact_id, received_at, code, member in contacts:
        if code != "PROVIDER_REFERRAL" or rng.random() > 0.85:
            continue
        level = levels[int(rng.choice(len(levels), p=weights / weights.sum()))]
        pool = by_level[level]
        chosen = rng.choice(len(pool), size=min(len(pool), int(rng.integers(1, 4))), replace=False)
        referral_id = start + len(referrals)
        referrals.append((referral_id, received_at, member, contact_id, level, "", ""))
        sites.extend((referral_id, pool[int(c)], rank) for rank, c in enumerate(chosen, 1))
    bulk_insert(
        Referral,
        ("id", "given_at", "member", "contact", "level_of_care", "language", "note"),
        referrals,
    )
    reset_sequence(Referral)
    bulk_insert(ReferralSite, ("referral", "site", "rank"), sites)
    return len(referrals)


def _seed_bulletins(ctx: SeedContext, rng: np.random.Generator) -> int:
    """Bulletins about weekly over the period, most to everyone, some to a level or a region."""
    count = ctx.pick(small=12, ct=150)
    days = ctx.pick(small=60, ct=365)
    levels = ["IP_PSY", "PHP", "IOP", "OP", "HB_IICAPS", "RTC"]
    regions = ["R1", "R2", "R3", "R4", "R5"]
    bulletins = []
    for i in range(count):
        kind, template = BULLETIN_TITLES[i % len(BULLETIN_TITLES)]
        level = levels[int(rng.integers(0, len(levels)))]
        publish_on = ctx.today - dt.timedelta(days=int(days * (count - i) / count))
        targeted = rng.random() < 0.3
        bulletins.append(
            Bulletin(
                kind=kind,
                title=template.format(level=level, month=f"{publish_on:%B %Y}"),
                body="Synthetic bulletin (seed data).\n\nSee the attached guidance for details.",
                audience_all=not targeted,
                audience_levels=[level] if targeted and rng.random() < 0.6 else [],
                audience_regions=[regions[int(rng.integers(0, 5))]] if targeted else [],
                publish_on=publish_on,
                expires_on=publish_on + dt.timedelta(days=int(rng.integers(30, 180))),
            )
        )
    for bulletin in bulletins:  # a targeted bulletin always names a region, so it has an audience
        if not bulletin.audience_all and not bulletin.audience_regions:
            bulletin.audience_regions = ["R1"]
    Bulletin.objects.bulk_create(bulletins)
    return len(bulletins)


def _seed_beds(ctx: SeedContext, rng: np.random.Generator) -> tuple[int, int]:
    """Two or three reports a day per inpatient or residential site over the last days; a few sites
    stopped reporting more than 12 hours ago, so the board has something to flag."""
    offered: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for site_id, level_id, low, high in bed_offerings(on=ctx.today).values_list(
        "site_id", "level_of_care_id", "min_age", "max_age"
    ):
        for unit, (unit_low, unit_high) in rules.UNIT_AGES.items():
            if unit_low <= high and low <= unit_high:
                offered[site_id].append((level_id, str(unit)))
    days = ctx.pick(small=3, ct=30)
    # Seeding for today (the demo): reports run up to now, so the board's ages are real; for another
    # day (benchmarks, tests): up to 7 am that day, so the data does not depend on the clock.
    now = dt.datetime.now(dt.UTC)
    morning = dt.datetime.combine(ctx.today, dt.time(7), tzinfo=NEW_YORK).astimezone(dt.UTC)
    end = now if now.astimezone(NEW_YORK).date() == ctx.today else morning
    report_id, reports, lines = _next_id(BedReport), [], []
    for site_id, units in sorted(offered.items()):
        silent = rng.random() < 0.08 or not reports  # the first site always, so the demo shows one
        silent_hours = int(rng.integers(14, 60)) if silent else 0
        staffed = {key: int(rng.integers(8, 30)) for key in units}
        moment = end - dt.timedelta(days=days)
        while moment < end - dt.timedelta(hours=silent_hours):
            reports.append((report_id, site_id, moment, ""))
            for level_id, unit in units:
                open_beds = min(int(rng.poisson(1.5)), staffed[(level_id, unit)])
                lines.append(
                    (report_id, level_id, unit, BedGender.ANY, open_beds, staffed[(level_id, unit)])
                )
            report_id += 1
            moment += dt.timedelta(hours=float(rng.uniform(7, 12)))
    bulk_insert(BedReport, ("id", "site", "reported_at", "note"), reports)
    reset_sequence(BedReport)
    bulk_insert(
        BedReportLine,
        ("report", "level_of_care", "unit", "gender", "open_beds", "staffed_beds"),
        lines,
    )
    return len(reports), len(lines)
