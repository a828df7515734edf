"""Synthetic members and eligibility spans, Connecticut-like: program mix, ages, towns, languages.

ct scale: 1,000,000 members with about 1.3 spans each (program changes, gaps, retroactive ends), written
through the bulk path (COPY on PostgreSQL). Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from aso.core.bulk import bulk_insert, reset_sequence
from aso.core.seeding import SeedContext
from members.models import EligibilitySpan, Member, Program
from providers.models import Town

FIRST_NAMES = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "Mateo",
    "Isabella",
    "Lucas",
    "Mia",
    "Levi",
    "Amelia",
    "Ethan",
    "Harper",
    "James",
    "Evelyn",
    "Benjamin",
    "Camila",
    "Daniel",
    "Luna",
    "Sebastian",
    "Aria",
    "Jack",
    "Ella",
    "Henry",
    "Sofia",
    "Samuel",
    "Valentina",
    "David",
    "Layla",
    "Joseph",
    "Chloe",
    "Carlos",
    "Maria",
    "Jose",
    "Ana",
    "Luis",
    "Rosa",
    "Miguel",
    "Carmen",
    "Juan",
    "Lucia",
    "Angel",
    "Gabriela",
    "Kevin",
    "Jasmine",
    "Tyrone",
    "Keisha",
    "Darnell",
    "Aaliyah",
    "Malik",
    "Imani",
    "Andre",
    "Nia",
    "Marcus",
    "Zoe",
    "Ryan",
    "Grace",
    "Owen",
    "Nora",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Ortiz",
    "Cruz",
    "Reyes",
    "Morales",
    "Diaz",
    "Santiago",
    "Colon",
    "Vazquez",
    "Melendez",
    "Figueroa",
    "Rosario",
    "Kowalski",
    "Nowak",
    "Russo",
    "Esposito",
    "Murphy",
    "Sullivan",
    "Kelly",
]
# program code -> share of members; children and adults are drawn separately below
CHILD_PROGRAMS = (("HUSKY_A", 0.88), ("HUSKY_B", 0.08), ("DCF_LB", 0.04))
ADULT_PROGRAMS = (("HUSKY_A", 0.30), ("HUSKY_C", 0.14), ("HUSKY_D", 0.50), ("DMHAS_SFA", 0.06))
CHILD_SHARE = 0.42  # 330,000 of 780,000 in 2012
LANGUAGES = (("en", 0.78), ("es", 0.20), ("pt", 0.01), ("pl", 0.01))


def _choice(
    rng: np.random.Generator, table: tuple[tuple[str, float], ...], size: int
) -> np.ndarray:
    codes = np.array([c for c, _ in table])
    p = np.array([w for _, w in table])
    return codes[rng.choice(len(codes), size=size, p=p / p.sum())]


def seed_members(ctx: SeedContext) -> None:
    """Create members and spans. Skips when members exist (seed once into a fresh database)."""
    if Member.objects.exists():
        ctx.log("members: already present, not seeded again")
        return
    rng = ctx.rng("members")
    n = ctx.pick(small=1500, ct=1_000_000)
    today = ctx.today
    is_child = rng.random(n) < CHILD_SHARE
    ages = np.where(
        is_child, rng.integers(0, 18, n), np.clip(rng.gamma(4.0, 10.0, n) + 18, 18, 98)
    ).astype(int)
    birth = np.datetime64(today, "D") - (ages * 365.25 + rng.integers(0, 365, n)).astype(
        "timedelta64[D]"
    )
    towns = list(Town.objects.order_by("name").values_list("id", "region_id", "population"))
    weights = np.array([t[2] or 1000 for t in towns], dtype=float)
    town_index = rng.choice(len(towns), size=n, p=weights / weights.sum())
    town_ids = np.array([t[0] for t in towns])[town_index]
    region_ids = np.array([t[1] for t in towns])[town_index]
    languages = _choice(rng, LANGUAGES, n)
    sexes = np.where(rng.random(n) < 0.51, "F", "M")
    dcf = is_child & (rng.random(n) < 0.07)
    firsts = np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)]
    lasts = np.array(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), n)]
    ids = rng.permutation(np.arange(10_000_000, 10_000_000 + n * 3, 3))[:n]
    start_id = (Member.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    now = dt.datetime.now(dt.UTC)
    member_rows = (
        (
            start_id + i,
            f"{ids[i]:09d}",
            lasts[i],
            firsts[i],
            "",
            birth[i].item(),
            sexes[i],
            languages[i],
            int(town_ids[i]),
            int(region_ids[i]),
            bool(dcf[i]),
            False,
            now,
            now,
        )
        for i in range(n)
    )
    written = bulk_insert(
        Member,
        (
            "id",
            "medicaid_id",
            "last_name",
            "first_name",
            "middle_name",
            "birth_date",
            "sex",
            "language",
            "town",
            "region",
            "dcf_involved",
            "temporary_id",
            "created_at",
            "updated_at",
        ),
        member_rows,
    )
    reset_sequence(Member)
    spans = _spans(ctx, rng, n, start_id, is_child, ages)
    span_count = bulk_insert(
        EligibilitySpan,
        ("member", "program", "start", "end", "updated_at"),
        ((m, p, s, e, now) for m, p, s, e in spans),
    )
    ctx.counts.update(members=written, spans=span_count)
    ctx.log(f"members: {written} members, {span_count} eligibility spans")


def _spans(
    ctx: SeedContext,
    rng: np.random.Generator,
    n: int,
    start_id: int,
    is_child: np.ndarray,
    ages: np.ndarray,
) -> list[tuple[int, int, dt.date, dt.date | None]]:
    """About 1.3 spans a member: most hold one open span; some changed program, had a gap, or ended."""
    programs = dict(Program.objects.values_list("code", "id"))
    child_program = _choice(rng, CHILD_PROGRAMS, n)
    adult_program = _choice(rng, ADULT_PROGRAMS, n)
    program = np.where(is_child, child_program, adult_program)
    program = np.where((program == "HUSKY_D") & (ages >= 65), "HUSKY_C", program)
    today = ctx.today
    first_start = rng.integers(30, 3000, n)  # days before today the first span began
    pattern = rng.random(n)
    spans: list[tuple[int, int, dt.date, dt.date | None]] = []
    for i in range(n):
        member_id, code = start_id + i, str(program[i])
        start = today - dt.timedelta(days=int(first_start[i]))
        if pattern[i] < 0.64:  # one open span
            spans.append((member_id, programs[code], start, None))
        elif pattern[i] < 0.84:  # program change: first span ends, another program opens next day
            cut = start + dt.timedelta(days=int(first_start[i] // 2))
            other = "HUSKY_D" if code == "HUSKY_A" and not is_child[i] else "HUSKY_A"
            spans.append((member_id, programs[code], start, cut))
            spans.append((member_id, programs[other], cut + dt.timedelta(days=1), None))
        elif pattern[i] < 0.95:  # a gap, then coverage again under the same program
            end = start + dt.timedelta(days=int(first_start[i] // 3))
            restart = end + dt.timedelta(days=31 + int(first_start[i] % 60))
            spans.append((member_id, programs[code], start, end))
            if restart < today:
                spans.append((member_id, programs[code], restart, None))
        else:  # coverage ended (a retroactive termination in a later file)
            end = today - dt.timedelta(days=int(first_start[i] % 200) + 1)
            spans.append((member_id, programs[code], start, max(end, start)))
    return spans
