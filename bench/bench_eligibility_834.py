"""Benchmark: the X12 834 path at 100,000 members, and what pyx12 validation costs.

The first 100,000 members of the seeded ct population (with all their spans: one INS loop per span)
are written as a full-file 834 (BGN08 RX) with `members.x12_834.write_834_to`, then, on PostgreSQL:

- the load into an empty database without pyx12 validation (the figure: throughput of our path);
- baselines: reading the file alone (`iter_members`), pyx12 validation alone (`validate_834`), and the
  load with validation (the default), each into a fresh empty database.
"""

from __future__ import annotations

import datetime as dt
import os

from common import ROOT, Measurement, Result, django_setup, timed
from elig_helpers import driver, fresh_postgres, load_average

MEMBERS = 100_000
AS_OF = dt.date(2026, 11, 1)
PATH = ROOT / "bench" / "data" / "population_100k.834"


def write_file() -> tuple[int, int]:
    from population import population_rows

    from members.x12_834 import Enrollee834, Envelope834, write_834_to

    def enrollees():  # type: ignore[no-untyped-def]
        for (
            mid,
            last,
            first,
            middle,
            birth,
            sex,
            _lang,
            _town,
            _dcf,
            program,
            start,
            end,
        ) in population_rows(limit=MEMBERS):
            yield Enrollee834(
                medicaid_id=mid,
                last_name=last.upper(),
                first_name=first.upper(),
                middle_name=middle.upper(),
                birth_date=birth,
                sex=sex,
                plan_code=program,
                begin=start,
                end=end,
                maintenance="030",
            )

    with PATH.open("w") as out:
        loops = write_834_to(out, enrollees(), Envelope834(file_date=AS_OF, action="RX"))
    return loops, PATH.stat().st_size


def main() -> None:
    django_setup()
    seeded = os.environ["DATABASE_URL"]
    loops, size = write_file()
    from members.x12_834 import iter_members, validate_834

    with timed() as parse:
        read = sum(1 for _ in iter_members(PATH))
    with timed() as validation:
        errors = validate_834(PATH)
    before = load_average()
    fast = driver(fresh_postgres(seeded, "aso_bench_834"), str(PATH), "--no-x12-validation")
    checked = driver(fresh_postgres(seeded, "aso_bench_834"), str(PATH))
    counts = fast["load"]["counts"]
    Result(
        name="eligibility_834_postgresql",
        title="Eligibility: X12 834 full file, 100,000 members (postgresql)",
        target="report throughput and the cost of pyx12 validation",
        database="postgresql",
        figure=Measurement(
            label=f"load_eligibility of the 834 ({loops:,} INS loops, {size / 1e6:.0f} MB),"
            " no pyx12 validation",
            seconds=fast["seconds"],
            peak_rss_mb=fast["peak_rss_mb"],
            rows=loops,
            note=f"{loops / fast['seconds']:,.0f} INS loops a second; members added"
            f" {counts['members added']:,}, spans added {counts['spans added']:,}",
        ),
        baselines=[
            Measurement(
                label="reading the file alone (members.x12_834.iter_members)",
                seconds=parse["seconds"],
                rows=read,
            ),
            Measurement(
                label=f"pyx12 validation alone (validate_834): {len(errors)} errors",
                seconds=validation["seconds"],
                rows=loops,
                note=f"{validation['seconds'] / loops * 1000:.2f} ms an INS loop",
            ),
            Measurement(
                label="load_eligibility with pyx12 validation (the default)",
                seconds=checked["seconds"],
                peak_rss_mb=checked["peak_rss_mb"],
                rows=loops,
                note=f"{loops / checked['seconds']:,.0f} INS loops a second",
            ),
        ],
        extra={
            "load average before (1, 5, 15 min)": before,
            "pyx12 share of the validated load": f"{validation['seconds'] / checked['seconds']:.0%}",
            "loader CPU seconds (no validation / with)": f"{fast['loader_cpu_seconds']:.1f} /"
            f" {checked['loader_cpu_seconds']:.1f}",
        },
    ).write()


if __name__ == "__main__":
    main()
