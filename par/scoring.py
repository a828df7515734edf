"""Aggregate PAR case frames (``par.measures``) into provider scores.

No Django here: pandas, numpy and the standard library only.

``score_measure`` returns one row per provider and split (``SPLITS``: all cases, the age groups
child / adolescent / adult, and DCF / non-DCF; the "other" age group, under 3 or unknown, is
only in "all"). A row exists only when the provider has at least one case in that split.
Columns (``SCORE_COLUMNS``):

numerator, denominator
    sum of case numerators and number of cases.
value
    percent: 100 * numerator / denominator; days: numerator / denominator; count: numerator.
suppressed
    denominator < ``spec.min_denominator``: show "too few cases". ``value`` is still filled
    for internal use; ``percentile`` and ``met_target`` are empty for suppressed rows.
statewide_numerator, statewide_denominator, statewide_value
    the "statewide mean" is POOLED over every provider's cases in the split, suppressed ones
    included: 100 * total numerator / total denominator for percent, total / total for days.
    For counts it is the mean count per provider with cases in the split.
statewide_provider_mean
    unweighted mean of ``value`` over the providers that are not suppressed (NaN if none).
providers_ranked, percentile
    percentile rank among the non-suppressed providers of the split, direction-aware, 0-100
    with 100 = best: (providers worse + half of the other providers tied) / (ranked - 1) * 100.
    NaN when suppressed or when fewer than two providers are ranked.
met_target
    None when the spec has no target or the row is suppressed; else value <= target for
    direction "lower", value >= target for "higher".
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from par.measures import MeasureSpec, ParFrames, Period, require_columns, run_measure

SPLITS: tuple[str, ...] = ("all", "child", "adolescent", "adult", "dcf", "non_dcf")
AGE_SPLITS: tuple[str, ...] = ("child", "adolescent", "adult")
SCORE_COLUMNS: tuple[str, ...] = (
    "provider_id",
    "split",
    "numerator",
    "denominator",
    "value",
    "suppressed",
    "percentile",
    "met_target",
    "providers_ranked",
    "statewide_numerator",
    "statewide_denominator",
    "statewide_value",
    "statewide_provider_mean",
)
CASE_INPUT_COLUMNS: tuple[str, ...] = ("provider_id", "age_group", "dcf", "numerator")


def measure_value(numerator: pd.Series, denominator: pd.Series, unit: str) -> pd.Series:
    """Score value by unit: percent 100*num/den, days num/den, count num; NaN when den is 0."""
    num = numerator.astype(float)
    den = denominator.astype(float).where(denominator > 0)
    if unit == "percent":
        return (100.0 * num) / den
    if unit == "days":
        return num / den
    if unit == "count":
        return num.where(denominator > 0)
    raise ValueError(f"unknown unit {unit!r}")


def _by_split(cases: pd.DataFrame) -> pd.DataFrame:
    """Long frame (provider_id, split, numerator): every case once per split it belongs to."""
    cases = cases.reset_index(drop=True)
    base = cases[["provider_id", "numerator"]].astype({"numerator": float})
    ages = cases["age_group"].astype(str)
    parts = [
        base.assign(split="all"),
        base.loc[ages.isin(AGE_SPLITS).to_numpy()].assign(split=ages[ages.isin(AGE_SPLITS)]),
        base.assign(split=np.where(cases["dcf"].astype(bool), "dcf", "non_dcf")),
    ]
    return pd.concat(parts, ignore_index=True)


def _percentile(scores: pd.DataFrame, direction: str) -> pd.DataFrame:
    """providers_ranked and direction-aware percentile (100 = best) among unsuppressed rows."""
    ranked = scores.loc[~scores["suppressed"]]
    groups = ranked.groupby("split")["value"]
    rank = groups.rank(method="average", ascending=direction == "higher")
    count = groups.transform("size")
    percentile = ((rank - 1) / (count - 1) * 100.0).where(count > 1)
    return scores.assign(
        providers_ranked=count.reindex(scores.index).fillna(0).astype("int64").to_numpy(),
        percentile=percentile.reindex(scores.index).to_numpy(dtype=float),
    )


def _statewide(scores: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Pooled statewide numerator, denominator and value, and the mean of provider values."""
    groups = scores.groupby("split")
    state = groups.agg(
        statewide_numerator=("numerator", "sum"),
        statewide_denominator=("denominator", "sum"),
        providers=("provider_id", "size"),
    )
    den = state["providers"] if unit == "count" else state["statewide_denominator"]
    pooled = "days" if unit == "count" else unit
    state["statewide_value"] = measure_value(state["statewide_numerator"], den, pooled)
    unsuppressed = scores.loc[~scores["suppressed"]].groupby("split")["value"].mean()
    state["statewide_provider_mean"] = unsuppressed.reindex(state.index)
    return state.drop(columns="providers").reset_index()


def _met_target(scores: pd.DataFrame, spec: MeasureSpec) -> np.ndarray:
    """True/False against ``spec.target`` (direction-aware); None without target or if suppressed."""
    met = np.full(len(scores), None, dtype=object)
    if spec.target is None:
        return met
    value = scores["value"].to_numpy(dtype=float)
    ok = value <= spec.target if spec.direction == "lower" else value >= spec.target
    shown = ~scores["suppressed"].to_numpy(dtype=bool)
    met[shown] = [bool(v) for v in ok[shown]]
    return met


def empty_scores() -> pd.DataFrame:
    """A score frame with no rows and the ``SCORE_COLUMNS`` dtypes."""
    dtypes = {
        "provider_id": "int64",
        "split": str,
        "numerator": float,
        "denominator": "int64",
        "value": float,
        "suppressed": bool,
        "percentile": float,
        "met_target": object,
        "providers_ranked": "int64",
        "statewide_numerator": float,
        "statewide_denominator": "int64",
        "statewide_value": float,
        "statewide_provider_mean": float,
    }
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})


def score_measure(cases: pd.DataFrame, spec: MeasureSpec) -> pd.DataFrame:
    """Provider scores per split for one measure's case frame (see the module docstring).

    An empty case frame gives an empty score frame. Rows are ordered by ``SPLITS`` then
    provider_id, so the same cases always give the same frame.
    """
    require_columns(cases, CASE_INPUT_COLUMNS, "cases")
    if cases.empty:
        return empty_scores()
    scores = (
        _by_split(cases)
        .groupby(["provider_id", "split"])
        .agg(numerator=("numerator", "sum"), denominator=("numerator", "size"))
        .reset_index()
    )
    scores["value"] = measure_value(scores["numerator"], scores["denominator"], spec.unit)
    scores["suppressed"] = scores["denominator"] < spec.min_denominator
    scores = _percentile(scores, spec.direction)
    scores["met_target"] = _met_target(scores, spec)
    scores = scores.merge(_statewide(scores, spec.unit), on="split", how="left")
    scores["order"] = scores["split"].map({s: i for i, s in enumerate(SPLITS)})
    scores = scores.sort_values(["order", "provider_id"], kind="mergesort")
    scores = scores.astype({"provider_id": "int64", "denominator": "int64"})
    scores = scores.astype({"statewide_denominator": "int64"})
    return scores[list(SCORE_COLUMNS)].reset_index(drop=True)


def score_measures(frames: ParFrames, specs: Iterable[MeasureSpec], period: Period) -> pd.DataFrame:
    """Score every spec for one period: ``SCORE_COLUMNS`` plus ``measure`` (the spec code)."""
    parts = []
    for spec in specs:
        scores = score_measure(run_measure(frames, spec, period), spec)
        parts.append(scores.assign(measure=spec.code))
    if not parts:
        return empty_scores().assign(measure=pd.Series(dtype=str))
    return pd.concat(parts, ignore_index=True)[["measure", *SCORE_COLUMNS]]


def score_trend(frames: ParFrames, spec: MeasureSpec, periods: Iterable[Period]) -> pd.DataFrame:
    """One measure over several periods: ``SCORE_COLUMNS`` plus period_start and period_end."""
    parts = [
        score_measure(run_measure(frames, spec, p), spec).assign(
            period_start=p.start_ts, period_end=p.end_ts
        )
        for p in periods
    ]
    if not parts:
        parts = [empty_scores().assign(period_start=pd.NaT, period_end=pd.NaT)]
    return pd.concat(parts, ignore_index=True)
