"""A year of synthetic paid claim lines, derived from the episodes (see par.seed).

Stays bill one institutional line; partial hospitalization, intensive outpatient and extended day
bill one line per attended day; some discharges are followed by an outpatient visit (sooner at
providers good at follow-up, a few only on the discharge day itself) and some by an ED visit; and
outpatient courses (an evaluation, then therapy visits spaced by the clinic's engagement) make the
bulk. Codes are the ones fixtures/par_claim_codes.yaml maps to each level. Lines of members not
covered on the service date, and lines not yet paid by "today", are left out, as in a real extract.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aso.core.bulk import bulk_insert
from aso.core.seeding import SeedContext
from par.claims_file import LINE_FIELDS
from par.frames import read_values
from par.loading import indexes_deferred
from par.measures import _continuously_enrolled

if TYPE_CHECKING:
    from par.seed import Network, SeedWindow

DAY = np.timedelta64(1, "D")
WRITE_BATCH = 250_000
STAY_CODES = {  # level -> (procedure, revenue codes)
    "IP_PSY": ("", ("0114", "0124")),
    "IP_DETOX": ("", ("0116",)),
    "OBS_23H": ("", ("0762",)),
    "PRTF": ("", ("0191",)),
    "RTC": ("", ("1001",)),
    "RES_DETOX": ("", ("1002",)),
    "GROUP_HOME": ("H0019", ("",)),
}
DAY_CODES = {"PHP": ("", "0913", 0.7), "IOP": ("S9480", "", 0.45), "EDT": ("H2012", "", 0.65)}
THERAPY = np.array(["90834", "90837", "90832", "90847", "90853"])
OP_DX = np.array(["F329", "F411", "F4310", "F900", "F331", "F419", "F432", "F639"])


@dataclass
class Lines:
    """Claim lines as numpy columns; ``claim`` numbers encounters, ``line`` numbers within one."""

    claim: np.ndarray
    line: np.ndarray
    member: np.ndarray
    provider: np.ndarray
    site: np.ndarray
    start: np.ndarray
    end: np.ndarray
    procedure: np.ndarray
    revenue: np.ndarray
    dx: np.ndarray
    pos: np.ndarray
    level: np.ndarray

    def __len__(self) -> int:
        return len(self.claim)

    def take(self, mask: np.ndarray) -> Lines:
        return Lines(*(getattr(self, f.name)[mask] for f in fields(self)))

    @classmethod
    def concat(cls, parts: list[Lines]) -> Lines:
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))


class _Claims:
    """Hands out claim numbers to encounters."""

    def __init__(self) -> None:
        self.next = 1

    def numbers(self, n: int) -> np.ndarray:
        out = np.arange(self.next, self.next + n, dtype=np.int64)
        self.next += n
        return out


def _lines(
    claim, line, member, provider, site, start, end, procedure, revenue, dx, pos, level
) -> Lines:  # type: ignore[no-untyped-def]
    n = len(claim)

    def full(value: object) -> np.ndarray:
        return np.asarray(value) if np.ndim(value) else np.full(n, value)

    return Lines(
        np.asarray(claim, dtype=np.int64),
        full(line).astype(np.int64),
        np.asarray(member, dtype=np.int64),
        np.asarray(provider, dtype=np.int64),
        np.asarray(site, dtype=np.int64),
        np.asarray(start, dtype="datetime64[D]"),
        np.asarray(end, dtype="datetime64[D]"),
        full(procedure).astype(object),
        full(revenue).astype(object),
        full(dx).astype(object),
        full(pos).astype(object),
        full(level).astype(object),
    )


def seed_claims(ctx: SeedContext, window: SeedWindow, digest: str) -> int:
    """Generate and bulk-insert the year's claim lines; returns how many were written."""
    from par.models import ClaimsLoad
    from par.seed import network, seed_episodes_frame

    rng = ctx.rng("par-claims")
    net = network(ctx)
    episodes = seed_episodes_frame(window)
    numbers = _Claims()
    first, last = np.datetime64(window.lead_in), np.datetime64(window.end)
    parts = [
        _stay_lines(rng, episodes, numbers),
        _day_lines(rng, episodes, numbers, last),
        _follow_up_lines(rng, net, episodes, numbers),
        _ed_lines(rng, net, episodes, numbers, first, last, ctx.pick(150, 80_000)),
        _op_courses(rng, net, numbers, first, last, ctx.pick(1_200, 290_000)),
    ]
    lines = Lines.concat([p for p in parts if len(p)])
    lines = lines.take((lines.start >= first) & (lines.start <= last))
    lines = lines.take(_covered(lines))
    paid = lines.end + rng.integers(10, 45, len(lines)) * DAY
    keep = paid <= np.datetime64(ctx.today)
    lines, paid = lines.take(keep), paid[keep]
    load = ClaimsLoad.objects.create(
        file_name="synthetic seed (par.seed)", sha256=digest, rows_read=len(lines)
    )
    written = _write(load.pk, lines, paid)
    ClaimsLoad.objects.filter(pk=load.pk).update(
        rows_loaded=written,
        first_service=lines.start.min().item() if written else None,
        last_service=lines.end.max().item() if written else None,
    )
    return written


def _covered(lines: Lines) -> np.ndarray:
    """True where the member is covered on the service-from day."""
    from members.models import EligibilitySpan

    spans = read_values(
        EligibilitySpan.objects.order_by("pk").values_list("member_id", "start", "end"),
        {"member_id": "id", "start": "date", "end": "date"},
    )
    day = pd.Series(lines.start.astype("datetime64[ns]"))
    return _continuously_enrolled(spans, pd.Series(lines.member), day, day)


def _stay_lines(rng: np.random.Generator, ep: pd.DataFrame, numbers: _Claims) -> Lines:
    """One institutional line per discharged stay, admission to discharge."""
    stays = ep.loc[ep["level_of_care"].isin(list(STAY_CODES)) & ep["discharged"].notna()]
    n = len(stays)
    level = stays["level_of_care"].to_numpy()
    procedure = np.array([STAY_CODES[lv][0] for lv in level], dtype=object)
    revenue = np.array([STAY_CODES[lv][1][0] for lv in level], dtype=object)
    revenue = np.where((level == "IP_PSY") & (rng.random(n) < 0.5), "0124", revenue)
    pos = np.where(np.isin(level, ["PRTF", "RTC", "GROUP_HOME", "RES_DETOX"]), "56", "21")
    return _lines(
        numbers.numbers(n),
        1,
        stays["member_id"],
        stays["provider_id"],
        stays["site_id"],
        stays["admitted"].to_numpy(),
        stays["discharged"].to_numpy(),
        procedure,
        revenue,
        stays["principal_dx"].to_numpy(),
        pos,
        level,
    )


def _day_lines(rng: np.random.Generator, ep: pd.DataFrame, numbers: _Claims, last) -> Lines:  # type: ignore[no-untyped-def]
    """A line per attended day of partial hospitalization, intensive outpatient, extended day."""
    days = ep.loc[ep["level_of_care"].isin(list(DAY_CODES))].reset_index(drop=True)
    if days.empty:
        return _lines(*([[]] * 12))
    admitted = days["admitted"].to_numpy().astype("datetime64[D]")
    until = days["discharged"].fillna(pd.Timestamp(last)).to_numpy().astype("datetime64[D]")
    length = ((until - admitted) / DAY).astype(int) + 1
    row = np.repeat(np.arange(len(days)), length)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(length) - length, length)
    level = days["level_of_care"].to_numpy()[row]
    chance = np.array([DAY_CODES[lv][2] for lv in level])
    keep = (rng.random(len(row)) < chance) | (offset == 0)
    row, offset, level = row[keep], offset[keep], level[keep]
    day = admitted[row] + offset * DAY
    return _lines(
        numbers.numbers(len(row)),
        1,
        days["member_id"].to_numpy()[row],
        days["provider_id"].to_numpy()[row],
        days["site_id"].to_numpy()[row],
        day,
        day,
        np.array([DAY_CODES[lv][0] for lv in level], dtype=object),
        np.array([DAY_CODES[lv][1] for lv in level], dtype=object),
        days["principal_dx"].to_numpy()[row],
        "52",
        level,
    )


def _discharges(ep: pd.DataFrame) -> pd.DataFrame:
    acute = ep["level_of_care"].isin(["IP_PSY", "IP_DETOX"]) & ep["discharged"].notna()
    return ep.loc[acute].reset_index(drop=True)


def _follow_up_lines(
    rng: np.random.Generator, net: Network, ep: pd.DataFrame, numbers: _Claims
) -> Lines:
    """After some discharges an evaluation at a clinic (days 1-7 more often at providers good at
    follow-up, else days 8-30, a few on the discharge day itself), then weekly therapy."""
    out = _discharges(ep)
    n = len(out)
    soon = np.clip(0.42 + 0.16 * net.trait("follow_up", out["provider_id"].to_numpy()), 0.05, 0.95)
    draw, later = rng.random(n), rng.random(n) < 0.5
    offset = np.where(
        draw < soon, rng.integers(1, 8, n), np.where(later, rng.integers(8, 31, n), -1)
    )
    offset = np.where((offset < 0) & (rng.random(n) < 0.08), 0, offset)
    seen = offset >= 0
    clinics = net.sites_for(("OP",))
    if not seen.any() or clinics.empty:
        return _lines(*([[]] * 12))
    visits = int(seen.sum())
    site, provider = _pick(rng, clinics, visits)
    first_day = out["discharged"].to_numpy().astype("datetime64[D]")[seen] + offset[seen] * DAY
    return _course(
        rng,
        numbers,
        out["member_id"].to_numpy()[seen],
        provider,
        site,
        first_day,
        1 + rng.poisson(3, visits),
        np.full(visits, 7.0),
        out["principal_dx"].to_numpy()[seen],
    )


def _pick(rng: np.random.Generator, sites: pd.DataFrame, n: int) -> tuple[np.ndarray, np.ndarray]:
    index = rng.integers(0, len(sites), n)
    return sites["site_id"].to_numpy()[index], sites["provider_id"].to_numpy()[index]


def _course(rng, numbers, member, provider, site, first_day, visits, mean_gap, dx) -> Lines:  # type: ignore[no-untyped-def]
    """An evaluation on ``first_day``, then ``visits - 1`` therapy visits at the same site."""
    row = np.repeat(np.arange(len(member)), visits)
    index = np.arange(len(row)) - np.repeat(np.cumsum(visits) - visits, visits)
    gap = np.where(index == 0, 0, 1 + rng.exponential(mean_gap[row] - 1).astype(int))
    offset = _cumsum_by_group(gap, visits)
    day = first_day[row] + offset * DAY
    procedure = np.where(index == 0, "90791", THERAPY[rng.integers(0, len(THERAPY), len(row))])
    level = np.where(index == 0, "OP_EVAL", "OP")
    return _lines(
        numbers.numbers(len(row)),
        1,
        member[row],
        provider[row],
        site[row],
        day,
        day,
        procedure,
        "",
        dx[row],
        "11",
        level,
    )


def _cumsum_by_group(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    total = np.cumsum(values)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return total - np.concatenate([[0], total])[starts]


def _ed_lines(rng, net, ep, numbers, first, last, background: int) -> Lines:  # type: ignore[no-untyped-def]
    """ED visits: returns after some discharges (more at some hospitals), and visits of anyone.
    Each visit is one claim with two lines: the facility (revenue 0450) and the physician (99284)."""
    out = _discharges(ep)
    chance = np.clip(0.11 + 0.05 * net.trait("ed", out["provider_id"].to_numpy()), 0.01, 0.5)
    back = rng.random(len(out)) < chance
    days = np.minimum(60, 1 + rng.exponential(9.0, int(back.sum())).astype(int))
    member = np.concatenate(
        [
            out["member_id"].to_numpy()[back],
            net.members["member_id"].to_numpy()[rng.integers(0, len(net.members), background)],
        ]
    )
    day = np.concatenate(
        [
            out["discharged"].to_numpy().astype("datetime64[D]")[back] + days * DAY,
            first + rng.integers(0, int((last - first) / DAY), background) * DAY,
        ]
    )
    hospitals = net.sites_for(("IP_PSY",))
    if hospitals.empty or not len(member):
        return _lines(*([[]] * 12))
    site, provider = _pick(rng, hospitals, len(member))
    claim = numbers.numbers(len(member))
    dx = rng.choice(np.array(["F329", "F411", "R45851", "F1010", "F209"]), len(member))
    facility = _lines(claim, 1, member, provider, site, day, day, "", "0450", dx, "23", "ED")
    physician = _lines(claim, 2, member, provider, site, day, day, "99284", "", dx, "23", "ED")
    return Lines.concat([facility, physician])


def _op_courses(rng, net, numbers, first, last, n: int) -> Lines:  # type: ignore[no-untyped-def]
    """Outpatient courses of anyone: visits spaced by the clinic's engagement trait."""
    clinics = net.sites_for(("OP",))
    if clinics.empty or net.members.empty:
        return _lines(*([[]] * 12))
    member = net.members["member_id"].to_numpy()[rng.integers(0, len(net.members), n)]
    site, provider = _pick(rng, clinics, n)
    start = first + rng.integers(0, int((last - first) / DAY), n) * DAY
    mean_gap = np.clip(9.0 * np.exp(-0.35 * net.trait("engagement", provider)), 3.0, 40.0)
    visits = 1 + rng.negative_binomial(2, 0.2, n)
    return _course(
        rng,
        numbers,
        member,
        provider,
        site,
        start,
        visits,
        mean_gap,
        OP_DX[rng.integers(0, len(OP_DX), n)],
    )


def _write(load_id: int, lines: Lines, paid: np.ndarray) -> int:
    """Bulk-insert in batches, claim ids "S" + 11 digits."""
    from par.models import ClaimLine

    def rows():  # type: ignore[no-untyped-def]
        for start in range(0, len(lines), WRITE_BATCH):
            part = slice(start, start + WRITE_BATCH)
            columns = [
                [f"S{n:011d}" for n in lines.claim[part].tolist()],
                lines.line[part].tolist(),
                lines.member[part].tolist(),
                lines.provider[part].tolist(),
                lines.site[part].tolist(),
                lines.start[part].astype(str).tolist(),
                lines.end[part].astype(str).tolist(),
                lines.procedure[part].tolist(),
                lines.revenue[part].tolist(),
                lines.dx[part].tolist(),
                lines.pos[part].tolist(),
                paid[part].astype(str).tolist(),
                lines.level[part].tolist(),
            ]
            for values in zip(*columns, strict=True):
                yield (load_id, *values)

    with indexes_deferred(ClaimLine):
        return bulk_insert(ClaimLine, ("load", *LINE_FIELDS), rows())
