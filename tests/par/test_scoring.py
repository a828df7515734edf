"""Provider scores from hand-built case frames; expected values are computed by hand."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from par.measures import (
    CLAIM_COLUMNS,
    ENROLLMENT_COLUMNS,
    EPISODE_COLUMNS,
    MeasureSpec,
    ParFrames,
    Period,
)
from par.scoring import SCORE_COLUMNS, score_measure, score_measures, score_trend


def spec(
    unit: str = "percent",
    direction: str = "higher",
    min_denominator: int = 3,
    target: float | None = None,
) -> MeasureSpec:
    """A spec for scoring only (calculation unused)."""
    return MeasureSpec("T", "discharges", ("IP_PSY",), direction, unit, min_denominator, target)


def cases(rows: list[tuple[int, str, bool, float]]) -> pd.DataFrame:
    """Case frame from (provider_id, age_group, dcf, numerator) tuples."""
    frame = pd.DataFrame(rows, columns=["provider_id", "age_group", "dcf", "numerator"])
    frame.insert(1, "case_id", range(1, len(frame) + 1))
    return frame


# provider 1: 2 of 4; provider 2: 2 of 2 (too few at min 3); provider 3: 1 of 5
CASES = cases(
    [
        (1, "adult", True, 1.0),
        (1, "adult", False, 1.0),
        (1, "child", False, 0.0),
        (1, "adolescent", False, 0.0),
        (2, "adult", False, 1.0),
        (2, "adult", False, 1.0),
        (3, "adult", False, 1.0),
        (3, "adult", False, 0.0),
        (3, "adult", True, 0.0),
        (3, "other", False, 0.0),
        (3, "child", False, 0.0),
    ]
)


def row(scores: pd.DataFrame, provider: int, split: str = "all") -> pd.Series:
    """The one score row of a provider and split."""
    match = scores.loc[(scores["provider_id"] == provider) & (scores["split"] == split)]
    assert len(match) == 1
    return match.iloc[0]


def test_columns_and_rows() -> None:
    scores = score_measure(CASES, spec())
    assert list(scores.columns) == list(SCORE_COLUMNS)
    keys = list(zip(scores["split"], scores["provider_id"], strict=True))
    assert keys == [
        ("all", 1),
        ("all", 2),
        ("all", 3),
        ("child", 1),
        ("child", 3),
        ("adolescent", 1),
        ("adult", 1),
        ("adult", 2),
        ("adult", 3),
        ("dcf", 1),
        ("dcf", 3),
        ("non_dcf", 1),
        ("non_dcf", 2),
        ("non_dcf", 3),
    ]


def test_percent_values_statewide_and_suppression() -> None:
    scores = score_measure(CASES, spec())
    p1, p2, p3 = (row(scores, p) for p in (1, 2, 3))
    assert (p1["numerator"], p1["denominator"], p1["value"]) == (2.0, 4, 50.0)
    assert (p2["numerator"], p2["denominator"], p2["value"]) == (2.0, 2, 100.0)
    assert (p3["numerator"], p3["denominator"], p3["value"]) == (1.0, 5, 20.0)
    assert [p1["suppressed"], p2["suppressed"], p3["suppressed"]] == [False, True, False]
    # pooled over every provider, suppressed ones included: 5 / 11
    assert p1["statewide_numerator"] == 5.0
    assert p1["statewide_denominator"] == 11
    assert p1["statewide_value"] == pytest.approx(100 * 5 / 11)
    assert p2["statewide_value"] == p1["statewide_value"]
    # mean of the unsuppressed provider values: (50 + 20) / 2
    assert p1["statewide_provider_mean"] == 35.0


def test_percentile_is_direction_aware_and_skips_suppressed() -> None:
    higher = score_measure(CASES, spec(direction="higher"))
    assert row(higher, 1)["percentile"] == 100.0
    assert row(higher, 3)["percentile"] == 0.0
    assert math.isnan(row(higher, 2)["percentile"])
    assert row(higher, 1)["providers_ranked"] == 2
    lower = score_measure(CASES, spec(direction="lower"))
    assert row(lower, 1)["percentile"] == 0.0
    assert row(lower, 3)["percentile"] == 100.0


def test_percentile_ties_and_middle() -> None:
    rows = []
    for provider, hits in [(1, 1), (2, 2), (3, 2), (4, 3)]:
        rows += [(provider, "adult", False, float(i < hits)) for i in range(4)]
    scores = score_measure(cases(rows), spec(min_denominator=4))
    assert [row(scores, p)["percentile"] for p in (1, 2, 3, 4)] == [0.0, 50.0, 50.0, 100.0]
    lower = score_measure(cases(rows), spec(direction="lower", min_denominator=4))
    assert [row(lower, p)["percentile"] for p in (1, 2, 3, 4)] == [100.0, 50.0, 50.0, 0.0]


def test_single_ranked_provider_has_no_percentile() -> None:
    scores = score_measure(CASES, spec(min_denominator=5))
    assert math.isnan(row(scores, 3)["percentile"])
    assert row(scores, 3)["providers_ranked"] == 1
    assert row(scores, 1)["suppressed"]


def test_minimum_denominator_boundary() -> None:
    at_four = score_measure(CASES, spec(min_denominator=4))
    assert not row(at_four, 1)["suppressed"]  # 4 cases, minimum 4: shown
    at_five = score_measure(CASES, spec(min_denominator=5))
    assert row(at_five, 1)["suppressed"]  # 4 cases, minimum 5: too few
    zero = score_measure(CASES, spec(min_denominator=0))
    assert not zero["suppressed"].any()


def test_splits_are_scored_separately() -> None:
    scores = score_measure(CASES, spec(min_denominator=1))
    assert row(scores, 1, "dcf")[["numerator", "denominator"]].tolist() == [1.0, 1]
    assert row(scores, 1, "non_dcf")[["numerator", "denominator"]].tolist() == [1.0, 3]
    assert row(scores, 3, "child")["value"] == 0.0
    adult = scores.loc[scores["split"] == "adult"]
    assert adult["statewide_value"].unique().tolist() == [100 * 5 / 7]
    assert "other" not in set(scores["split"])


@pytest.mark.parametrize(
    ("direction", "target", "expected"),
    [
        ("higher", 40.0, [True, None, False]),
        ("higher", 50.0, [True, None, False]),  # equal to the target meets it
        ("lower", 40.0, [False, None, True]),
        ("lower", 20.0, [False, None, True]),
        ("higher", None, [None, None, None]),
    ],
)
def test_met_target(direction: str, target: float | None, expected: list) -> None:
    scores = score_measure(CASES, spec(direction=direction, target=target))
    assert [row(scores, p)["met_target"] for p in (1, 2, 3)] == expected


def test_days_unit() -> None:
    rows = [(1, "adult", False, d) for d in (10.0, 0.0, 5.0)] + [(2, "child", True, 20.0)]
    scores = score_measure(cases(rows), spec(unit="days", direction="lower", min_denominator=1))
    assert row(scores, 1)["value"] == 5.0
    assert row(scores, 2)["value"] == 20.0
    assert row(scores, 1)["statewide_value"] == 35.0 / 4
    assert row(scores, 1)["statewide_provider_mean"] == 12.5
    assert row(scores, 1)["percentile"] == 100.0


def test_count_unit() -> None:
    rows = [(1, "adult", False, 1.0)] * 3 + [(2, "adult", False, 1.0)]
    scores = score_measure(cases(rows), spec(unit="count", min_denominator=0))
    assert row(scores, 1)["value"] == 3.0
    assert row(scores, 2)["value"] == 1.0
    assert row(scores, 1)["statewide_value"] == 2.0  # mean count per provider
    assert row(scores, 1)["statewide_numerator"] == 4.0


def test_empty_cases() -> None:
    empty = CASES.iloc[0:0]
    scores = score_measure(empty, spec())
    assert scores.empty
    assert list(scores.columns) == list(SCORE_COLUMNS)


def test_missing_case_columns() -> None:
    with pytest.raises(ValueError, match="cases frame is missing columns: dcf"):
        score_measure(CASES.drop(columns="dcf"), spec())


def test_reproducible_and_independent_of_row_order() -> None:
    first = score_measure(CASES, spec(target=30.0))
    pd.testing.assert_frame_equal(first, score_measure(CASES, spec(target=30.0)))
    shuffled = CASES.iloc[np.random.default_rng(3).permutation(len(CASES))]
    pd.testing.assert_frame_equal(first, score_measure(shuffled, spec(target=30.0)))


def _frames() -> ParFrames:
    episodes = pd.DataFrame(
        [
            {
                "episode_id": i,
                "member_id": i,
                "provider_id": 10 + i % 2,
                "site_id": 1,
                "level_of_care": "IP_PSY",
                "category": "acute",
                "admitted": "2024-01-01",
                "discharged": f"2024-0{1 + i % 3}-10",
                "delay_days": i % 2,
                "principal_dx": "F32.9",
                "member_birth_date": "1990-01-01",
                "member_dcf": False,
            }
            for i in range(1, 7)
        ]
    )
    return ParFrames(
        episodes,
        pd.DataFrame(columns=list(CLAIM_COLUMNS)),
        pd.DataFrame(columns=list(ENROLLMENT_COLUMNS)),
    )


def test_score_measures_and_trend() -> None:
    frames = _frames()
    assert set(EPISODE_COLUMNS) <= set(frames.episodes.columns)
    specs = [
        MeasureSpec("IP_DISCH", "discharges", ("IP_PSY",), "lower", "count", 0),
        MeasureSpec("IP_DELAY", "pct_discharges_delayed", ("IP_PSY",), "lower", "percent", 1),
    ]
    year = Period(date(2024, 1, 1), date(2024, 12, 31))
    scores = score_measures(frames, specs, year)
    assert list(scores.columns) == ["measure", *SCORE_COLUMNS]
    all_rows = scores.loc[scores["split"] == "all"]
    assert all_rows[["measure", "provider_id", "value"]].values.tolist() == [
        ["IP_DISCH", 10, 3.0],
        ["IP_DISCH", 11, 3.0],
        ["IP_DELAY", 10, 0.0],
        ["IP_DELAY", 11, 100.0],
    ]
    assert score_measures(frames, [], year).empty
    months = [Period(date(2024, m, 1), date(2024, m, 28)) for m in (1, 2, 3, 4)]
    trend = score_trend(frames, specs[0], months)
    trend = trend.loc[trend["split"] == "all"]
    assert trend.groupby("period_start")["numerator"].sum().tolist() == [2.0, 2.0, 2.0]
