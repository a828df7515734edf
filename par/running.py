"""The inside of a scoring run: which measures, the input hash, computing, writing the results.

The pure computation is par.measures and par.scoring; this module feeds them the frames read from
the database (par.frames) and writes what they return in bulk.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from aso.core.bulk import bulk_insert
from par.frames import InputWindow, read_frames
from par.measures import Period, run_measure
from par.models import Measure, ProviderScore, ScoreCase, StatewideScore
from par.scoring import score_measure
from par.selectors import measures_in_force

FRAME_NAMES = ("episodes", "claims", "enrollment", "members")
SCORE_FIELDS = (
    "provider",
    "split",
    "numerator",
    "denominator",
    "value",
    "statewide_value",
    "percentile",
    "providers_ranked",
    "met_target",
    "suppressed",
)
CASE_FIELDS = (
    "provider",
    "site",
    "member",
    "episode",
    "case_ref",
    "index_date",
    "age_group",
    "dcf",
    "numerator",
)


def lookback_days(measures: list[Measure]) -> int:
    """How far before the period a run must read claims (engagement's optional lookback)."""
    return max((int(m.params.get("lookback_days", 0)) for m in measures), default=0)


def input_digest(measures: list[Measure], period: Period) -> Any:
    """A sha256 started with the period and every measure row used; `read_frames` adds every row
    of every input frame. Equal hashes mean equal inputs, so equal results: runs are reproducible."""
    digest = hashlib.sha256()
    described = [
        [m.pk, m.code, m.calculation, m.levels_of_care, m.direction, m.unit]
        + [m.min_denominator, m.target, m.params]
        for m in measures
    ]
    digest.update(json.dumps([str(period.start), str(period.end), described], default=str).encode())
    return digest


@dataclass
class Outcome:
    """What a run computed and wrote, with seconds per phase."""

    input_hash: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - started, 3)


def compute_and_write(
    run_id: int, period: Period, progress: Callable[[float, str], None]
) -> Outcome:
    """Read, hash, compute every measure, write scores, statewide figures and cases."""
    outcome = Outcome()
    measures = measures_in_force(period.start, period.end)
    digest = input_digest(measures, period)
    with outcome.phase("read"):
        frames = read_frames(InputWindow.for_period(period, lookback_days(measures)), digest)
    outcome.input_hash = digest.hexdigest()
    outcome.counts.update({n: len(getattr(frames, n)) for n in FRAME_NAMES})
    progress(30, "inputs read")
    for index, measure in enumerate(measures):
        with outcome.phase("compute"):
            spec = measure.spec()
            cases = run_measure(frames, spec, period)
            scores = score_measure(cases, spec)
        with outcome.phase("write"):
            _write_scores(run_id, measure.pk, scores)
            _write_cases(run_id, measure.pk, cases)
        outcome.counts["cases"] = outcome.counts.get("cases", 0) + len(cases)
        outcome.counts["scores"] = outcome.counts.get("scores", 0) + len(scores)
        progress(30 + 65 * (index + 1) / max(len(measures), 1), f"{measure.code} scored")
    outcome.counts["measures"] = len(measures)
    return outcome


def _nullable(values: pd.Series) -> list[Any]:
    """Floats with NaN as None (SQL NULL)."""
    array = values.to_numpy(dtype=float)
    return [None if np.isnan(v) else float(v) for v in array]


def _write_scores(run_id: int, measure_id: int, scores: pd.DataFrame) -> None:
    if scores.empty:
        return
    columns = [
        scores["provider_id"].astype("int64").tolist(),
        scores["split"].astype(str).tolist(),
        scores["numerator"].astype(float).tolist(),
        scores["denominator"].astype("int64").tolist(),
        _nullable(scores["value"]),
        _nullable(scores["statewide_value"]),
        _nullable(scores["percentile"]),
        scores["providers_ranked"].astype("int64").tolist(),
        [None if v is None else bool(v) for v in scores["met_target"]],
        scores["suppressed"].astype(bool).tolist(),
    ]
    bulk_insert(
        ProviderScore,
        ("run", "measure", *SCORE_FIELDS),
        zip(repeat(run_id), repeat(measure_id), *columns, strict=False),
    )
    _write_statewide(run_id, measure_id, scores)


def _write_statewide(run_id: int, measure_id: int, scores: pd.DataFrame) -> None:
    """One row per split: the pooled figures every provider row of the split carries."""
    state = scores.groupby("split", sort=False).agg(
        numerator=("statewide_numerator", "first"),
        denominator=("statewide_denominator", "first"),
        value=("statewide_value", "first"),
        provider_mean=("statewide_provider_mean", "first"),
        providers=("provider_id", "size"),
        providers_ranked=("providers_ranked", "first"),
    )
    bulk_insert(
        StatewideScore,
        ("run", "measure", "split", *state.columns),
        zip(
            repeat(run_id),
            repeat(measure_id),
            state.index.astype(str).tolist(),
            state["numerator"].astype(float).tolist(),
            state["denominator"].astype("int64").tolist(),
            _nullable(state["value"]),
            _nullable(state["provider_mean"]),
            state["providers"].astype("int64").tolist(),
            state["providers_ranked"].astype("int64").tolist(),
            strict=False,
        ),
    )


def _write_cases(run_id: int, measure_id: int, cases: pd.DataFrame) -> None:
    if cases.empty:
        return
    episode_case = pd.api.types.is_integer_dtype(cases["case_id"])
    case_ref = cases["case_id"].astype(str).tolist()
    columns = [
        cases["provider_id"].tolist(),
        cases["site_id"].tolist(),
        cases["member_id"].tolist(),
        cases["case_id"].tolist() if episode_case else repeat(None),
        case_ref,
        cases["index_date"].to_numpy().astype("datetime64[D]").astype(str).tolist(),
        cases["age_group"].astype(str).tolist(),
        cases["dcf"].astype(bool).tolist(),
        cases["numerator"].astype(float).tolist(),
    ]
    bulk_insert(
        ScoreCase,
        ("run", "measure", *CASE_FIELDS),
        zip(repeat(run_id), repeat(measure_id), *columns, strict=False),
    )
