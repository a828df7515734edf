"""Synthetic PAR data: a year of paid claims consistent with the episodes, and (when no other seeder
made any) the acute, residential and intermediate episodes themselves.

ct scale: about 150,000 acute episodes and 3,000,000 claim lines; small: a few hundred episodes and
about 15,000 lines, then four quarterly PAR runs so the demo has scorecards with a trend.

Every provider gets hidden quality traits (length of stay, discharge delays, readmissions, follow-up,
ED returns, engagement) so each measure has a realistic spread and a few outliers. Episodes are
created here only when the database has none yet (the utilization-review seeder makes them once it
exists); claims are always derived from the episodes found. Written through the bulk path
(`aso.core.bulk.bulk_insert`): seeded episodes carry no history rows, and seeded claim lines point at
one `ClaimsLoad` named "synthetic seed" (their provenance). Deterministic for a seed and a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aso.core.bulk import bulk_insert, reset_sequence
from aso.core.seeding import SeedContext
from par.frames import InputWindow, read_episodes, read_values

MH_DX = ("F329", "F331", "F209", "F250", "F319", "F4310", "F411", "F603", "F332", "F42")
YOUTH_DX = ("F329", "F900", "F913", "F4310", "F411", "F319", "F840")
SUD_DX = ("F10239", "F1123", "F1920", "F10239", "F1520")
DELAY_REASONS = ("awaiting_placement", "awaiting_dcf", "no_lower_level_bed", "family")
DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class SeedWindow:
    """The seeded year: the twelve full months before today's month."""

    start: dt.date
    end: dt.date

    @classmethod
    def before(cls, today: dt.date) -> SeedWindow:
        first_of_month = today.replace(day=1)
        end = first_of_month - dt.timedelta(days=1)
        start = first_of_month.replace(year=first_of_month.year - 1)
        return cls(start, end)

    @property
    def lead_in(self) -> dt.date:
        """Stays that began up to 60 days before the year still discharge in it."""
        return self.start - dt.timedelta(days=60)


def seed_par(ctx: SeedContext) -> None:
    """Seed episodes (if none), a year of claims, and for the small demo four quarterly runs."""
    from authorizations.models import Episode
    from par.models import ClaimsLoad

    window = SeedWindow.before(ctx.today)
    if not Episode.objects.exists():
        created = create_episodes(ctx, window)
        ctx.counts["episodes"] = created
        ctx.log(f"par: no episodes yet, created {created} acute/residential/intermediate episodes")
    digest = hashlib.sha256(f"seed_par:{ctx.seed}:{ctx.scale}:{window}".encode()).hexdigest()
    if ClaimsLoad.objects.filter(sha256=digest).exists():
        ctx.log("par: claims already seeded, not seeded again")
        return
    from par.seed_claims import seed_claims

    lines = seed_claims(ctx, window, digest)
    ctx.counts["claim_lines"] = lines
    ctx.log(f"par: {lines} claim lines for {window.start} - {window.end}")
    if ctx.scale == "small":
        _demo_runs(window)


def _demo_runs(window: SeedWindow) -> None:
    """Score the last four full quarters of the seeded year, oldest first."""
    from par.rules import period_from_label
    from par.services import score_run_execute, score_run_start

    year, quarter = window.end.year, window.end.month // 3
    labels = []
    for _ in range(4):
        if quarter == 0:
            year, quarter = year - 1, 4
        labels.append(f"{year}Q{quarter}")
        quarter -= 1
    for label in reversed(labels):
        period = period_from_label(label)
        if window.start <= period.start and period.end <= window.end:
            score_run_execute(run=score_run_start(acting_user=None, period=period))


# --- the network and the people ------------------------------------------------------------------


@dataclass
class Network:
    """Sites offering each level, every provider's quality traits, the members who can be seen."""

    sites: pd.DataFrame  # site_id, provider_id, level
    quality: dict[str, np.ndarray]  # trait -> value per provider id (index = provider id)
    members: pd.DataFrame  # member_id, birth (datetime64), dcf

    def sites_for(self, levels: tuple[str, ...]) -> pd.DataFrame:
        return self.sites.loc[self.sites["level"].isin(levels)].reset_index(drop=True)

    def trait(self, name: str, provider_ids: np.ndarray) -> np.ndarray:
        return self.quality[name][provider_ids]

    def rows_of(self, member_ids: np.ndarray) -> np.ndarray:
        """Positions in ``members`` of these member ids."""
        return pd.Index(self.members["member_id"]).get_indexer(member_ids)


TRAITS = ("los", "delay", "readmit", "follow_up", "ed", "engagement")


def network(ctx: SeedContext) -> Network:
    """Sites by level (from the offerings), quality traits per provider, members."""
    from members.models import Member
    from providers.models import Provider, ServiceOffering

    sites = read_values(
        ServiceOffering.objects.order_by("pk").values_list(
            "site_id", "site__provider_id", "level_of_care__code"
        ),
        {"site_id": "id", "provider_id": "id", "level": "text"},
    ).drop_duplicates()
    top = (Provider.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    rng = ctx.rng("par-quality")
    quality = {trait: rng.normal(0.0, 1.0, top) for trait in TRAITS}
    members = read_values(
        Member.objects.order_by("pk").values_list("pk", "birth_date", "dcf_involved"),
        {"member_id": "id", "birth": "date", "dcf": "bool"},
    )
    return Network(sites, quality, members)


def _age_on(members: pd.DataFrame, rows: np.ndarray, day: np.datetime64) -> np.ndarray:
    birth = members["birth"].to_numpy()[rows]
    return ((day - birth.astype("datetime64[D]")) / np.timedelta64(1, "D") / 365.25).astype(int)


def _pick_sites(rng: np.random.Generator, sites: pd.DataFrame, n: int) -> tuple:
    index = rng.integers(0, len(sites), n)
    return sites["site_id"].to_numpy()[index], sites["provider_id"].to_numpy()[index]


# --- episodes ----------------------------------------------------------------------------------


@dataclass
class Stays:
    member: np.ndarray
    site: np.ndarray
    provider: np.ndarray
    level: np.ndarray
    admitted: np.ndarray  # datetime64[D]
    discharged: np.ndarray
    delay: np.ndarray
    dx: np.ndarray

    @classmethod
    def concat(cls, parts: list[Stays]) -> Stays:
        return cls(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__dataclass_fields__)
        )


def create_episodes(ctx: SeedContext, window: SeedWindow) -> int:
    """Acute stays with readmission chains and step-ups, residential and intermediate episodes."""
    rng = ctx.rng("par-episodes")
    net = network(ctx)
    if net.sites.empty or net.members.empty:
        return 0
    first, last = np.datetime64(window.lead_in), np.datetime64(window.end)
    days = int((last - first) / DAY)
    people = rng.permutation(len(net.members))
    n_int, n_res = ctx.pick(120, 25_000), ctx.pick(30, 8_000)
    n_acute = ctx.pick(420, 130_000)
    intermediate = _intermediate(rng, net, people[:n_int], first, days)
    residential = _residential(rng, net, people[n_int : n_int + n_res], first, days)
    step_ups = intermediate.member[rng.random(n_int) < 0.12]
    starts = intermediate.admitted[np.isin(intermediate.member, step_ups)]
    stepped = _acute(rng, net, step_ups, starts + rng.integers(5, 90, len(step_ups)) * DAY)
    fresh = people[n_int + n_res : n_int + n_res + n_acute]
    index = _acute(
        rng,
        net,
        net.members["member_id"].to_numpy()[fresh],
        first + rng.integers(0, days, len(fresh)) * DAY,
    )
    acute = _with_readmissions(rng, net, Stays.concat([index, stepped]))
    stays = Stays.concat([acute, residential, intermediate])
    return _write_episodes(stays, np.datetime64(ctx.today))


def _acute(
    rng: np.random.Generator, net: Network, members: np.ndarray, admitted: np.ndarray
) -> Stays:
    """Index acute stays: psychiatric (65%), detox (25%, adults), 23-hour observation (10%)."""
    n = len(members)
    age = _age_on(net.members, net.rows_of(members), admitted.astype("datetime64[D]"))
    draw = rng.random(n)
    level = np.where(draw < 0.65, "IP_PSY", np.where(draw < 0.90, "IP_DETOX", "OBS_23H"))
    level = np.where((age < 18) & (level == "IP_DETOX"), "IP_PSY", level)
    return _acute_stays(rng, net, members, admitted, level, age)


def _acute_stays(rng, net, members, admitted, level, age) -> Stays:  # type: ignore[no-untyped-def]
    n = len(members)
    site = np.zeros(n, dtype=np.int64)
    provider = np.zeros(n, dtype=np.int64)
    for code in ("IP_PSY", "IP_DETOX", "OBS_23H"):
        mask = level == code
        sites = net.sites_for((code,))
        if len(sites) == 0:
            sites = net.sites_for(("IP_PSY",))
        site[mask], provider[mask] = _pick_sites(rng, sites, int(mask.sum()))
    youth = age < 18
    base = np.where(youth, 13.0, 9.0) * np.exp(0.22 * net.trait("los", provider))
    los = np.where(
        level == "IP_PSY",
        np.maximum(1, rng.lognormal(np.log(base), 0.45)).astype(int),
        np.where(level == "IP_DETOX", 1 + rng.poisson(3.5, n), rng.integers(0, 2, n)),
    )
    delayed = (level == "IP_PSY") & (
        rng.random(n)
        < np.clip(0.10 + 0.06 * net.trait("delay", provider) + 0.08 * youth, 0.01, 0.5)
    )
    delay = np.where(delayed, 1 + rng.poisson(np.where(youth, 5, 3)), 0)
    dx = np.where(
        level == "IP_DETOX",
        rng.choice(SUD_DX, n),
        np.where(youth, rng.choice(YOUTH_DX, n), rng.choice(MH_DX, n)),
    )
    admitted = admitted.astype("datetime64[D]")
    return Stays(
        members, site, provider, level, admitted, admitted + (los + delay) * DAY, delay, dx
    )


def _with_readmissions(rng: np.random.Generator, net: Network, index: Stays) -> Stays:
    """Readmit some discharges within 30 days (provider-dependent), twice at most."""
    parts, current = [index], index
    for generation in range(2):
        chance = np.clip(0.13 + 0.05 * net.trait("readmit", current.provider), 0.02, 0.45)
        chance = chance * (0.7 if generation else 1.0)
        again = rng.random(len(current.member)) < chance
        gap = np.minimum(30, 1 + rng.exponential(8.0, int(again.sum())).astype(int))
        admitted = current.discharged[again] + gap * DAY
        level = np.where(current.level[again] == "OBS_23H", "IP_PSY", current.level[again])
        members = current.member[again]
        age = _age_on(net.members, net.rows_of(members), admitted)
        current = _acute_stays(rng, net, members, admitted, level, age)
        parts.append(current)
    return Stays.concat(parts)


def _intermediate(
    rng: np.random.Generator, net: Network, rows: np.ndarray, first, days: int
) -> Stays:  # type: ignore[no-untyped-def]
    """Partial hospitalization (about 2 weeks), intensive outpatient (6 weeks), extended day (youth)."""
    n = len(rows)
    members = net.members["member_id"].to_numpy()[rows]
    admitted = (first + rng.integers(0, days, n) * DAY).astype("datetime64[D]")
    age = _age_on(net.members, rows, admitted)
    draw = rng.random(n)
    level = np.where(draw < 0.35, "PHP", "IOP")
    level = np.where((age < 18) & (draw > 0.8), "EDT", level)
    length = np.select([level == "PHP", level == "IOP"], [14, 42], 30) + rng.integers(-4, 8, n)
    return _placed(rng, net, members, admitted, level, length, age)


def _residential(
    rng: np.random.Generator, net: Network, rows: np.ndarray, first, days: int
) -> Stays:  # type: ignore[no-untyped-def]
    """Youth: PRTF, RTC, group home (months); adults: residential detox (days)."""
    n = len(rows)
    members = net.members["member_id"].to_numpy()[rows]
    admitted = (first + rng.integers(0, days, n) * DAY).astype("datetime64[D]")
    age = _age_on(net.members, rows, admitted)
    youth_level = rng.choice(np.array(["PRTF", "RTC", "GROUP_HOME"]), n)
    level = np.where(age < 18, youth_level, "RES_DETOX")
    length = np.where(level == "RES_DETOX", rng.integers(3, 14, n), rng.integers(30, 200, n))
    return _placed(rng, net, members, admitted, level, length, age)


def _placed(rng, net, members, admitted, level, length, age) -> Stays:  # type: ignore[no-untyped-def]
    n = len(members)
    site = np.zeros(n, dtype=np.int64)
    provider = np.zeros(n, dtype=np.int64)
    keep = np.ones(n, dtype=bool)
    for code in np.unique(level):
        mask = level == code
        sites = net.sites_for((str(code),))
        if len(sites) == 0:
            keep &= ~mask
            continue
        site[mask], provider[mask] = _pick_sites(rng, sites, int(mask.sum()))
    dx = np.where(
        np.isin(level, ["RES_DETOX"]),
        rng.choice(SUD_DX, n),
        np.where(age < 18, rng.choice(YOUTH_DX, n), rng.choice(MH_DX, n)),
    )
    stays = Stays(
        members,
        site,
        provider,
        level,
        admitted,
        admitted + np.maximum(length, 1) * DAY,
        np.zeros(n, dtype=int),
        dx,
    )
    return Stays(*(getattr(stays, f)[keep] for f in Stays.__dataclass_fields__))


def _write_episodes(stays: Stays, today: np.datetime64) -> int:
    from authorizations.models import Episode
    from providers.models import LevelOfCare

    levels = dict(LevelOfCare.objects.values_list("code", "pk"))
    start_id = (Episode.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    stays = Stays(*(getattr(stays, f)[stays.admitted < today] for f in Stays.__dataclass_fields__))
    still_in = stays.discharged >= today
    n = len(stays.member)
    reasons = np.array(DELAY_REASONS)[np.arange(n) % len(DELAY_REASONS)]
    rows = zip(
        range(start_id, start_id + n),
        stays.member.tolist(),
        stays.site.tolist(),
        [levels[str(code)] for code in stays.level],
        stays.admitted.astype(str).tolist(),
        [
            None if s else d
            for s, d in zip(still_in, stays.discharged.astype(str).tolist(), strict=True)
        ],
        stays.dx.tolist(),
        ["" if s else "home" for s in still_in],
        stays.delay.astype(int).tolist(),
        ["" if d == 0 else r for d, r in zip(stays.delay, reasons, strict=True)],
        strict=True,
    )
    fields = ("id", "member", "site", "level_of_care", "admitted", "discharged")
    fields += ("principal_diagnosis", "disposition", "delay_days", "delay_reason")
    written = bulk_insert(Episode, (*fields, "aftercare_provider"), (r + ("",) for r in rows))
    reset_sequence(Episode)
    return written


def seed_episodes_frame(window: SeedWindow) -> pd.DataFrame:
    """The episodes the claims are derived from: those touching the seeded year."""
    return read_episodes(InputWindow(window.lead_in, window.end))
