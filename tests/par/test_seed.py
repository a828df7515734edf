"""Synthetic PAR data: episodes when none exist, claims consistent with them, demo runs."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from aso.core.seeding import SeedContext
from authorizations.models import Episode
from members.seed import seed_members
from par.claims_file import map_levels
from par.frames import read_values
from par.models import ClaimCode, ClaimLine, ClaimsLoad, ProviderScore, ScoreRun
from par.seed import SeedWindow, seed_par
from providers.seed import seed_providers

pytestmark = pytest.mark.django_db


def test_seed_par_small_creates_episodes_claims_and_demo_runs(ref):
    ctx = SeedContext(scale="small", seed=11, today=dt.date(2026, 11, 1), log=lambda _: None)
    seed_providers(ctx)
    seed_members(ctx)
    seed_par(ctx)
    window = SeedWindow.before(ctx.today)
    assert (window.start, window.end) == (dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    levels = set(Episode.objects.values_list("level_of_care__code", flat=True))
    assert {"IP_PSY", "IP_DETOX", "PHP", "IOP"} <= levels
    assert ctx.counts["episodes"] == Episode.objects.count() > 300
    lines = read_values(
        ClaimLine.objects.values_list(
            "procedure_code", "revenue_code", "service_from", "level_of_care"
        ),
        {"procedure": "text", "revenue": "text", "day": "date", "level": "text"},
    )
    assert len(lines) == ctx.counts["claim_lines"] > 5_000
    codes = read_values(
        ClaimCode.objects.values_list(
            "code_system", "code", "level_of_care", "effective_from", "effective_to"
        ),
        {
            "code_system": "text",
            "code": "text",
            "level_of_care": "text",
            "effective_from": "date",
            "effective_to": "date",
        },
    )
    mapped = map_levels(codes, "revenue", lines["revenue"], lines["day"])
    mapped = pd.Series(mapped).where(
        mapped != "", map_levels(codes, "procedure", lines["procedure"], lines["day"])
    )
    assert (mapped == lines["level"]).all(), (
        "every seeded line maps to its level through the code table"
    )
    assert {"ED", "OP", "OP_EVAL", "IP_PSY"} <= set(lines["level"])
    assert lines["day"].between(pd.Timestamp(window.lead_in), pd.Timestamp(window.end)).all()
    runs = ScoreRun.objects.filter(status="succeeded").order_by("period_start")
    assert [r.label for r in runs] == ["2026Q1", "2026Q2", "2026Q3"]
    for code in ("READMIT_30", "FUH_7", "ED_RETURN_30", "OP_ENGAGEMENT", "IP_ALOS"):
        score = ProviderScore.objects.filter(run=runs.last(), measure__code=code, split="all")
        assert score.exists() and 0 < sum(s.numerator for s in score), code
    seed_par(ctx)  # a second seed changes nothing
    assert ClaimsLoad.objects.count() == 1 and ClaimLine.objects.count() == len(lines)


def _claimline_indexes() -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "par_claimline"))


def test_indexes_are_deferred_while_filling_an_empty_table_and_rebuilt(db):
    from django.db import connection

    from par.loading import indexes_deferred

    if connection.vendor != "postgresql":
        pytest.skip("the deferral applies to PostgreSQL only")
    before = _claimline_indexes()
    with indexes_deferred(ClaimLine):
        during = _claimline_indexes()
    assert {"claimline_unique_line", "claimline_service_from_idx"} <= before - during
    assert _claimline_indexes() == before
