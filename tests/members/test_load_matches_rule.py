"""The set-based merge gives, for every member and program, exactly what `members.rules.reconcile_spans`
says: hundreds of random histories and files per load, full and delta, against the pure rule."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from members.models import EligibilitySpan, Member, Program
from members.rules import merge_spans, reconcile_spans
from tests.members.loads import csv_file, row, run_load

pytestmark = pytest.mark.django_db

DAY0 = dt.date(2024, 1, 1)
PROGRAMS = ("HUSKY_A", "HUSKY_D")


def _random_spans(rng: random.Random, count: int) -> list[tuple[dt.date, dt.date | None]]:
    spans = []
    for _ in range(count):
        start = DAY0 + dt.timedelta(days=rng.randint(0, 60))
        end = None if rng.random() < 0.3 else start + dt.timedelta(days=rng.randint(0, 25))
        spans.append((start, end))
    return spans


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("full", [False, True])
def test_hundreds_of_random_cases_match_the_rule(
    ref, django_capture_on_commit_callbacks, seed, full
):
    rng = random.Random(seed)
    programs = {p.code: p for p in Program.objects.filter(code__in=PROGRAMS)}
    as_of = DAY0 + dt.timedelta(days=rng.randint(10, 70))
    expected: dict[tuple[int, str], list] = {}
    lines = []
    new_spans = []
    members = Member.objects.bulk_create(
        Member(
            medicaid_id=f"{300000000 + n:09d}",
            last_name="Rivera",
            first_name="Ana",
            birth_date=dt.date(1990, 4, 12),
            sex="F",
            language="es",
        )
        for n in range(150)
    )
    for member in members:
        for code in PROGRAMS:
            current = merge_spans(_random_spans(rng, rng.randint(0, 3)))
            stated = _random_spans(rng, rng.randint(0, 3)) if rng.random() < 0.8 else []
            new_spans += [
                EligibilitySpan(member=member, program=programs[code], start=s, end=e)
                for s, e in current
            ]
            lines += [row(member.medicaid_id, code, _iso(s), _iso(e)) for s, e in stated]
            expected[(member.pk, code)] = reconcile_spans(
                current, stated, full_as_of=as_of if full else None
            )
    EligibilitySpan.objects.bulk_create(new_spans)
    rng.shuffle(lines)
    load = run_load(
        django_capture_on_commit_callbacks,
        csv_file(*lines),
        mode="full" if full else "delta",
        as_of=as_of.isoformat(),
    )
    assert load.status == "succeeded", load.message
    actual: dict[tuple[int, str], list] = {key: [] for key in expected}
    for s in EligibilitySpan.objects.select_related("program").order_by("start"):
        actual[(s.member_id, s.program.code)].append((s.start, s.end))
    mismatches = {k: (actual[k], v) for k, v in expected.items() if actual[k] != v}
    assert not mismatches, list(mismatches.items())[:3]
