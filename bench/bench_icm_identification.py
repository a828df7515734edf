"""Benchmark: nightly ICM identification over 1,000,000 members and a year of episodes.

Target: under 60 s and a peak resident set under 2 GB, on PostgreSQL (the real deployment).

Data: the ct seed (1,000,000 members, about 1.25 M eligibility spans; ICM stays from ``seed_icm``
or from the review seeder once it exists). The seed writes only the 24-hour and intermediate stays
that can meet a trigger, so this benchmark first tops the database up, inside a transaction rolled
back at the end, to Connecticut-like yearly volumes of what the nightly run also has to read:
outpatient, intermediate and home-based courses of care (episodes) and request diagnosis lists.

Figure: ``icm_candidates_identify`` for the night after the seed day, reads and writes included.
Peak: the process's resident high-water mark, reset just before the run (``/proc/self/clear_refs``),
so it measures the run on top of the already-loaded process.

Baseline (same run, same data): the same triggers evaluated member by member with the ORM (one
member's stays, requests, referrals, coverage and assignment at a time; plain Python rules) on a
10,000-member random slice, extrapolated to the population. Both answers are compared on the slice.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import numpy as np
from common import Measurement, Result, database_vendor, django_setup, timed

EPISODES_PER_YEAR = 350_000
REQUESTS_PER_YEAR = 400_000
SLICE = 10_000
COURSES = (("OP", 0.55), ("IOP", 0.10), ("METHADONE", 0.08), ("HB_IICAPS", 0.05), ("HB_MST", 0.03))
COURSES += (("AMB_DETOX", 0.04), ("EDT", 0.03), ("PSYCH_TEST", 0.07), ("HOME_HEALTH", 0.05))
MENTAL_HEALTH = np.array(["F32.1", "F33.1", "F41.1", "F43.10", "F90.2", "F31.81", "F84.0"])
SUBSTANCE_USE = np.array(["F10.20", "F11.20", "F12.20", "F14.20"])
SUBSTANCE_LEVELS = {"AMB_DETOX", "METHADONE"}


def codes_for(rng: np.random.Generator, levels: np.ndarray, most: int) -> list[list[str]]:
    """1..``most`` codes per row, substance-use codes at substance-use levels, mental-health
    codes elsewhere: co-occurring diagnoses then come from members seen at both, as in life."""
    counts = rng.integers(1, most + 1, len(levels))
    out = []
    for level, count in zip(levels, counts, strict=True):
        pool = SUBSTANCE_USE if level in SUBSTANCE_LEVELS else MENTAL_HEALTH
        out.append([str(c) for c in rng.choice(pool, int(count), replace=False)])
    return out


def rss_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _pick(rng: np.random.Generator, table: tuple[tuple[str, float], ...], size: int) -> np.ndarray:
    codes = np.array([c for c, _ in table])
    weights = np.array([w for _, w in table])
    return codes[rng.choice(len(codes), size=size, p=weights / weights.sum())]


def top_up(as_of: dt.date) -> dict[str, int]:
    """Courses of care and requests of the last year, up to Connecticut-like volumes."""
    from django.db.models import Q
    from django.utils import timezone

    from aso.core.bulk import bulk_insert
    from authorizations.models import Episode, Request
    from members.models import Member
    from providers.models import LevelOfCare, Site

    rng = np.random.default_rng(2026)
    year_ago = as_of - dt.timedelta(days=365)
    have = Episode.objects.filter(Q(discharged__isnull=True) | Q(discharged__gte=year_ago)).count()
    members = np.array(Member.objects.order_by().values_list("pk", flat=True))
    sites = np.array(Site.objects.order_by().values_list("pk", flat=True))
    levels = dict(LevelOfCare.objects.values_list("code", "pk"))
    n_ep = max(EPISODES_PER_YEAR - have, 0)
    who, where = rng.choice(members, n_ep), rng.choice(sites, n_ep)
    what = _pick(rng, COURSES, n_ep)
    start = rng.integers(0, 365, n_ep)
    length = rng.integers(14, 180, n_ep)
    dx = [codes[0] for codes in codes_for(rng, what, 1)]
    episodes = (
        (
            int(who[i]),
            int(where[i]),
            levels[what[i]],
            year_ago + dt.timedelta(days=int(start[i])),
            None
            if start[i] + length[i] > 365
            else year_ago + dt.timedelta(days=int(start[i] + length[i])),
            str(dx[i]),
            "",
            0,
            "",
            "",
        )
        for i in range(n_ep)
    )
    fields = ("member", "site", "level_of_care", "admitted", "discharged")
    fields += ("principal_diagnosis", "disposition", "delay_days", "delay_reason")
    written_ep = bulk_insert(Episode, (*fields, "aftercare_provider"), episodes)
    n_rq = REQUESTS_PER_YEAR
    who, where = rng.choice(members, n_rq), rng.choice(sites, n_rq)
    what = _pick(rng, (*COURSES, ("IP_PSY", 0.06), ("PHP", 0.02)), n_rq)
    when = rng.integers(0, 365 * 24 * 60, n_rq)
    diagnoses = codes_for(rng, what, 3)
    now = timezone.now()
    base = timezone.make_aware(dt.datetime.combine(year_ago, dt.time.min))
    requests = (
        (
            f"BENCH{i:09d}",
            int(who[i]),
            int(where[i]),
            levels[what[i]],
            "initial",
            "web",
            "registration",
            "standard",
            base + dt.timedelta(minutes=int(when[i])),
            year_ago + dt.timedelta(days=int(when[i]) // (24 * 60)),
            json.dumps(diagnoses[i]),
            "{}",
            "approved",
            "[]",
            "",
            1,
            now,
            now,
        )
        for i in range(n_rq)
    )
    request_fields = ("number", "member", "site", "level_of_care", "kind", "channel")
    request_fields += ("review_path", "urgency", "received_at", "requested_start", "diagnoses")
    request_fields += ("clinical", "status", "refusals", "decision_note", "version")
    written_rq = bulk_insert(Request, (*request_fields, "created_at", "updated_at"), requests)
    return {"episodes_before": have, "episodes_added": written_ep, "requests_added": written_rq}


def main() -> None:
    django_setup()
    from django.db import connection, transaction
    from django.db.models import Max

    from care.models import IcmCandidate
    from care.services.icm_identification import icm_candidates_identify
    from members.models import Member

    load = tuple(round(x, 1) for x in os.getloadavg())  # other work on the machine slows it
    seeded = IcmCandidate.objects.aggregate(day=Max("as_of"))["day"] or dt.date(2026, 11, 1)
    as_of = seeded + dt.timedelta(days=1)
    with transaction.atomic():
        with timed() as t_top:
            added = top_up(as_of)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"top-up in {t_top['seconds']:.1f} s: {added}")
        rss_reset()
        before = vm_hwm_mb()
        with timed() as t:
            result = icm_candidates_identify(as_of=as_of)
        peak = vm_hwm_mb()
        print(f"identification in {t['seconds']:.1f} s, peak {peak:.0f} MB: {result.as_dict()}")
        members = Member.objects.count()
        slice_ids = np.random.default_rng(7).choice(
            np.array(Member.objects.order_by().values_list("pk", flat=True)), SLICE, replace=False
        )
        from orm_baseline import per_member_identify, vectorized_on

        with timed() as t_base:
            by_orm = per_member_identify(sorted(int(m) for m in slice_ids), as_of)
        vectorized = vectorized_on(slice_ids, as_of)
        transaction.set_rollback(True)
    agree = by_orm == vectorized
    print(f"baseline {t_base['seconds']:.1f} s for {SLICE}; agree={agree} ({len(by_orm)} members)")
    if not agree:
        print(
            "only ORM:",
            sorted(by_orm - vectorized)[:20],
            "only pandas:",
            sorted(vectorized - by_orm)[:20],
        )
    frames = result.frames
    figure = Measurement(
        label="nightly identification, 1 run over the population (reads, rules, writes)",
        seconds=t["seconds"],
        peak_rss_mb=peak,
        rows=frames["episodes"] + frames["diagnoses"] + frames["eligible_members"],
        note=(
            f"{members:,} members; frames: {frames['episodes']:,} episodes, "
            f"{frames['diagnoses']:,} request diagnoses, {frames['eligible_members']:,} covered "
            f"members; {result.identified:,} identified, {result.created:,} new candidates; "
            f"split {result.seconds}; process resident before the run {before:.0f} MB"
        ),
    )
    extrapolated = t_base["seconds"] * members / SLICE
    baseline = Measurement(
        label=f"same triggers member by member with the ORM, {SLICE:,}-member slice, x{members // SLICE}",
        seconds=extrapolated,
        rows=SLICE,
        note=(
            f"measured {t_base['seconds']:.1f} s on the slice; "
            f"{len(by_orm)} slice members identified, same answer as the vectorized run: {agree}"
        ),
    )
    Result(
        name=f"icm_identification_{database_vendor()}",
        title=f"ICM nightly identification ({database_vendor()})",
        target="under 60 s, peak under 2 GB (1,000,000 members, a year of episodes)",
        database=database_vendor(),
        figure=figure,
        baselines=[baseline],
        extra={
            "load average (1, 5, 15 min) at the start": load,
            "as_of": as_of.isoformat(),
            "top-up (rolled back)": added,
            "by trigger": result.by_trigger,
        },
    ).write()
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    sys.exit(main())
