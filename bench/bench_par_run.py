"""Benchmark: a 12-month PAR scoring run at Connecticut scale, end to end (read, hash, compute, write).

Figure: `score_run_start` + `score_run_execute` for the seeded year (par.seed.SeedWindow), wall time and
the process's peak RSS, on the bench database (PostgreSQL). Baselines in the same run on the same
frames, without Django's read or write: (1) the floor, one raw pandas group-by per measure over the
frames already in memory (no measure logic); (2) the pure computation, par.scoring.score_measure over
par.measures for every measure (what the run adds on top is reading, hashing and writing).
A second run of the same period checks reproducibility at scale (same input hash, identical numbers).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

from common import Measurement, Result, database_vendor, django_setup, peak_rss_mb, timed

TODAY = dt.date(2026, 11, 1)  # bench/bench_seed_ct.py seeds with --today 2026-11-01


def load_average() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def remove_runs(label: str) -> None:
    """Runs of earlier bench invocations: their cases would only grow the database."""
    from django.db import connection

    from par.models import ScoreRun

    ids = list(ScoreRun.objects.filter(label=label).values_list("pk", flat=True))
    if not ids:
        return
    with connection.cursor() as cursor:
        for table in ("par_scorecase", "par_providerscore", "par_statewidescore"):
            cursor.execute(f"DELETE FROM {table} WHERE run_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM par_scorerun WHERE id = ANY(%s)", [ids])


def raw_groupby(frames, period) -> int:  # type: ignore[no-untyped-def]
    """The floor: one plain group-by per measure over the same frames, no measure logic."""
    import pandas as pd

    ep, cl = frames.episodes, frames.claims
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    discharged = ep.loc[ep["discharged"].between(start, end)]
    los = (discharged["discharged"] - discharged["admitted"]).dt.days
    groups = 0
    for _ in range(8):  # the eight episode measures: count, sums of stay and delay by provider
        out = (
            discharged.assign(los=los)
            .groupby("provider_id")
            .agg(n=("episode_id", "size"), los=("los", "sum"), delay=("delay_days", "sum"))
        )
        groups += len(out)
    for levels in (("OP", "IOP", "PHP"), ("ED",), ("ED",), ("OP", "IOP")):  # the claim measures
        lines = cl.loc[cl["level_of_care"].isin(levels)]
        groups += len(lines.groupby(["provider_id", "member_id"]).size())
    return groups


def scores_of(run_id: int) -> list:
    from par.models import ProviderScore

    return list(
        ProviderScore.objects.filter(run_id=run_id)
        .order_by("measure_id", "provider_id", "split")
        .values_list("measure_id", "provider_id", "split", "numerator", "denominator", "value")
    )


def main() -> None:
    os.environ.setdefault("DEBUG", "0")
    django_setup()
    from par.frames import InputWindow, read_frames
    from par.measures import Period, run_measure
    from par.rules import period_from_dates
    from par.scoring import score_measure
    from par.seed import SeedWindow
    from par.selectors import measures_in_force
    from par.services import score_run_execute, score_run_start

    window = SeedWindow.before(TODAY)
    period = period_from_dates(window.start, window.end)
    remove_runs(period.label)
    load_before = load_average()
    cpu = time.process_time()
    with timed() as t:
        run = score_run_execute(run=score_run_start(acting_user=None, period=period))
    cpu = time.process_time() - cpu
    figure = Measurement(
        label=f"PAR run {period.label}: read, hash, compute, write (score_run_execute)",
        seconds=t["seconds"],
        peak_rss_mb=peak_rss_mb(),
        rows=run.counts.get("cases", 0) + run.counts.get("scores", 0),
        note=f"process CPU {cpu:.1f} s; phases {run.timings}",
    )
    pure = Period(period.start, period.end)
    frames = read_frames(InputWindow.for_period(pure))
    with timed() as floor:
        groups = raw_groupby(frames, pure)
    specs = [m.spec() for m in measures_in_force(pure.start, pure.end)]
    with timed() as compute:
        for spec in specs:
            score_measure(run_measure(frames, spec, pure), spec)
    again = score_run_execute(run=score_run_start(acting_user=None, period=period))
    same = again.input_hash == run.input_hash and scores_of(again.pk) == scores_of(run.pk)
    remove_second = again.pk
    from par.models import ScoreRun

    ScoreRun.objects.filter(pk=remove_second).update(label=f"{period.label}-rerun")
    remove_runs(f"{period.label}-rerun")
    Result(
        name=f"par_run_{database_vendor()}",
        title=f"PAR scoring run, 12 months at ct scale ({database_vendor()})",
        target="under 60 s end to end, peak under 3 GB",
        database=database_vendor(),
        figure=figure,
        baselines=[
            Measurement(
                label="floor: one raw pandas group-by per measure over the same in-memory frames",
                seconds=floor["seconds"],
                rows=groups,
            ),
            Measurement(
                label="pure computation: par.measures + par.scoring for the 12 measures, frames in memory",
                seconds=compute["seconds"],
            ),
        ],
        extra={
            "counts": run.counts,
            "input hash": run.input_hash,
            "rerun gives the same input hash and identical scores": same,
            "rerun seconds": again.timings.get("total"),
            "load average (1, 5, 15 min) before the run": load_before,
        },
    ).write()


if __name__ == "__main__":
    sys.exit(main())
