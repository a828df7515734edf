"""The seeded population as eligibility files: our CSV layout, a 50k-change delta, and X12 834.

Reads the members and spans of the database Django is configured for (the ct bench database) and writes
files the loaders take, so the load benchmarks replay exactly the population `seed_demo --scale ct` made.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

HEADER = (
    "medicaid_id",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "language",
    "town",
    "dcf_involved",
    "program",
    "start_date",
    "end_date",
)
SELECT = (
    "SELECT m.medicaid_id, m.last_name, m.first_name, m.middle_name, m.birth_date, m.sex,"
    " m.language, t.name, CASE WHEN m.dcf_involved THEN 'Y' ELSE 'N' END, p.code, s.start,"
    ' s."end" FROM members_eligibilityspan s JOIN members_member m ON m.id = s.member_id'
    " JOIN members_program p ON p.id = s.program_id LEFT JOIN providers_town t ON t.id = m.town_id"
    " {where} ORDER BY m.id, p.code, s.start"
)


def population_rows(limit: int | None = None) -> Iterator[tuple]:
    """(csv fields...) for every span of the population, member by member."""
    from django.db import connection

    where = (
        f"WHERE m.id IN (SELECT id FROM members_member ORDER BY id LIMIT {int(limit)})"
        if limit
        else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(SELECT.format(where=where))
        while rows := cursor.fetchmany(20_000):
            yield from rows


def write_population_csv(path: Path, *, limit: int | None = None) -> int:
    """Write the population in our CSV layout; returns the number of span rows."""
    from django.db import connection

    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql" and limit is None:
        with path.open("wb") as out, connection.cursor() as cursor:
            out.write((",".join(HEADER) + "\n").encode())
            sql = f"COPY ({SELECT.format(where='')}) TO STDOUT WITH (FORMAT csv)"
            with cursor.cursor.copy(sql) as copy:
                for block in copy:
                    out.write(block)
        with path.open("rb") as f:
            return sum(1 for _ in f) - 1
    count = 0
    with path.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for row in population_rows(limit):
            writer.writerow(_text(v) for v in row)
            count += 1
    return count


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_delta_csv(
    source: Path, target: Path, *, changes: int, as_of: dt.date, seed: int = 7
) -> dict[str, int]:
    """A daily delta of `changes` rows against the population file `source`:
    40% retroactive terminations of open spans, 20% program changes (old span ended, new one opened),
    20% new members, 20% demographic corrections (address town, last name) restating a span."""
    rng = random.Random(seed)
    with source.open(newline="") as f:
        rows = list(csv.reader(f))[1:]
    open_rows = [r for r in rows if not r[11]]
    picked = rng.sample(open_rows, changes)
    kinds = {"terminated": 0, "program_change": 0, "new_member": 0, "demographics": 0}
    out_rows = []
    day = as_of - dt.timedelta(days=1)
    for i, r in enumerate(picked):
        share = i / changes
        r = list(r)
        if share < 0.4:
            r[11] = (day - dt.timedelta(days=rng.randint(0, 90))).isoformat()
            r[11] = max(r[11], r[10])
            kinds["terminated"] += 1
            out_rows.append(r)
        elif share < 0.6:
            end = max(dt.date.fromisoformat(r[10]), day - dt.timedelta(days=30))
            old = [*r[:11], end.isoformat()]
            new = [
                *r[:9],
                "HUSKY_C" if r[9] != "HUSKY_C" else "HUSKY_A",
                (end + dt.timedelta(days=1)).isoformat(),
                "",
            ]
            out_rows += [old, new]
            kinds["program_change"] += 1
        elif share < 0.8:
            r[0] = f"X{i:08d}"
            r[10], r[11] = (as_of - dt.timedelta(days=rng.randint(0, 60))).isoformat(), ""
            out_rows.append(r)
            kinds["new_member"] += 1
        else:
            r[1] = r[1] + "-Lopez" if i % 2 else r[1]
            r[7] = "Hartford" if r[7] != "Hartford" else "New Haven"
            out_rows.append(r)
            kinds["demographics"] += 1
    with target.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(out_rows)
    return kinds
