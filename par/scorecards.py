"""What the scorecard pages and workbooks show, built from a finished run in a fixed number of queries.

Callers pass objects the user may read (par.selectors decides); these functions only shape data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from par.charts import comparison_svg, trend_svg
from par.choices import Split
from par.models import Measure, ProviderScore, ScoreCase, ScoreRun, StatewideScore
from par.rules import Reading, format_value, read_score
from par.selectors import measures_in_force, trend_runs
from providers.models import Provider, Region, Site

SORT_NAME = "name"


@dataclass(frozen=True)
class Score:
    """One provider score as a page shows it."""

    value: float | None
    numerator: float
    denominator: int
    percentile: float | None
    suppressed: bool
    met_target: bool | None
    reading: Reading

    @property
    def sortable(self) -> bool:
        return self.value is not None and not self.suppressed


@dataclass(frozen=True)
class State:
    value: float | None
    provider_mean: float | None
    numerator: float
    denominator: int
    providers: int


SCORE_FIELDS = ("value", "numerator", "denominator", "percentile", "suppressed", "met_target")
STATE_FIELDS = ("value", "provider_mean", "numerator", "denominator", "providers")


def _score(unit: str, values: tuple) -> Score:
    value, numerator, denominator, percentile, suppressed, met = values
    return Score(
        value,
        numerator,
        denominator,
        percentile,
        suppressed,
        met,
        read_score(value, unit, percentile, suppressed),
    )


def run_measures(run: ScoreRun) -> list[Measure]:
    """The measures a run's scorecards list: those in force for its period."""
    return measures_in_force(run.period_start, run.period_end)


def statewide(run: ScoreRun, split: str = Split.ALL) -> dict[int, State]:
    """measure id -> the state's figures for a split."""
    rows = StatewideScore.objects.filter(run=run, split=split).values_list(
        "measure_id", *STATE_FIELDS
    )
    return {measure_id: State(*rest) for measure_id, *rest in rows}


# --- region page -------------------------------------------------------------------------------


@dataclass
class RegionRow:
    provider_id: int
    name: str
    cells: list[Score | None]


@dataclass
class RegionTable:
    measures: list[Measure]
    rows: list[RegionRow]
    state: list[State | None]
    sort: str
    descending: bool

    @property
    def state_texts(self) -> list[str]:
        return [
            format_value(s.value if s else None, m.unit)
            for m, s in zip(self.measures, self.state, strict=True)
        ]


def region_providers(region: Region) -> QuerySet[Provider]:
    """Providers with a site in the region (a provider may appear in several regions)."""
    sites = Site.objects.filter(region=region).values("provider_id")
    return Provider.objects.filter(pk__in=sites).order_by("name", "pk")


def region_table(*, region: Region, run: ScoreRun, sort: str, descending: bool) -> RegionTable:
    """Every provider of the region x every measure (all cases), sorted; 4 queries."""
    measures = run_measures(run)
    providers = list(region_providers(region).values_list("pk", "name"))
    scores: dict[tuple[int, int], tuple] = {
        (provider_id, measure_id): tuple(rest)
        for provider_id, measure_id, *rest in ProviderScore.objects.filter(
            run=run, split=Split.ALL, provider__in=region_providers(region)
        ).values_list("provider_id", "measure_id", *SCORE_FIELDS)
    }
    rows = []
    for provider_id, name in providers:
        cells = [
            _score(m.unit, scores[(provider_id, m.pk)]) if (provider_id, m.pk) in scores else None
            for m in measures
        ]
        rows.append(RegionRow(provider_id, name, cells))
    state = statewide(run)
    codes = [m.code for m in measures]
    sort = sort if sort in codes else SORT_NAME
    _sort_rows(rows, codes.index(sort) if sort != SORT_NAME else None, descending)
    return RegionTable(measures, rows, [state.get(m.pk) for m in measures], sort, descending)


def _sort_rows(rows: list[RegionRow], column: int | None, descending: bool) -> None:
    """By name, or by a measure's value; providers without a shown value always last."""
    if column is None:
        rows.sort(key=lambda r: (r.name.lower(), r.provider_id), reverse=descending)
        return
    shown = [r for r in rows if (c := r.cells[column]) is not None and c.sortable]
    rest = [r for r in rows if r not in shown]
    shown.sort(key=lambda r: (r.cells[column].value, r.name.lower()), reverse=descending)  # type: ignore[union-attr]
    rows[:] = shown + sorted(rest, key=lambda r: r.name.lower())


# --- provider scorecard ------------------------------------------------------------------------


@dataclass
class MeasureCard:
    measure: Measure
    score: Score | None
    state: State | None
    splits: list[tuple[str, Score | None, str]]
    trend: list[tuple[str, float | None, float | None]]
    comparison_chart: str = ""
    trend_chart: str = ""
    state_text: str = ""


@dataclass
class ProviderScorecard:
    provider: Provider
    run: ScoreRun
    cards: list[MeasureCard]
    trend_labels: list[str] = field(default_factory=list)

    @property
    def has_cases(self) -> bool:
        return any(card.score is not None for card in self.cards)


def provider_scorecard(
    *, provider: Provider, run: ScoreRun, charts: bool = True
) -> ProviderScorecard:
    """Each measure: value, state, percentile, target, splits and trend; 6 queries."""
    measures = run_measures(run)
    mine: dict[tuple[int, str], tuple] = {
        (measure_id, split): tuple(rest)
        for measure_id, split, *rest in ProviderScore.objects.filter(
            run=run, provider=provider
        ).values_list("measure_id", "split", *SCORE_FIELDS)
    }
    state: dict[tuple[int, str], State] = {
        (measure_id, split): State(*rest)
        for measure_id, split, *rest in StatewideScore.objects.filter(run=run).values_list(
            "measure_id", "split", *STATE_FIELDS
        )
    }
    runs = trend_runs(run)
    trend = _trend(provider, runs)
    cards = []

    def score_of(m: Measure, split: str) -> Score | None:
        found = mine.get((m.pk, split))
        return _score(m.unit, found) if found else None

    for m in measures:
        splits = [
            (label, score_of(m, code), _state_text(state.get((m.pk, code)), m.unit))
            for code, label in Split.choices
        ]
        points = [(r.label, *trend.get((r.pk, m.code), (None, None))) for r in runs]
        card = MeasureCard(
            m, score_of(m, Split.ALL), state.get((m.pk, Split.ALL)), splits[1:], points
        )
        card.state_text = _state_text(card.state, m.unit)
        if charts:
            _draw(card, provider)
        cards.append(card)
    return ProviderScorecard(provider, run, cards, [r.label for r in runs])


def _state_text(state: State | None, unit: str) -> str:
    return format_value(state.value if state else None, unit)


def _trend(provider: Provider, runs: list[ScoreRun]) -> dict[tuple[int, str], tuple]:
    """(run id, measure code) -> (provider value, state value), all cases; 2 queries."""
    out: dict[tuple[int, str], list[Any]] = defaultdict(lambda: [None, None])
    for run_id, code, value, suppressed in ProviderScore.objects.filter(
        run__in=runs, provider=provider, split=Split.ALL
    ).values_list("run_id", "measure__code", "value", "suppressed"):
        out[(run_id, code)][0] = None if suppressed else value
    for run_id, code, value in StatewideScore.objects.filter(
        run__in=runs, split=Split.ALL
    ).values_list("run_id", "measure__code", "value"):
        out[(run_id, code)][1] = value
    return {key: tuple(pair) for key, pair in out.items()}


def _draw(card: MeasureCard, provider: Provider) -> None:
    m = card.measure
    mine = card.score.value if card.score and not card.score.suppressed else None
    card.comparison_chart = comparison_svg(
        f"{m.name}: {provider.name} compared with the state",
        [("This provider", mine), ("State", card.state.value if card.state else None)],
        m.unit,
        m.target,
    )
    if len(card.trend) > 1:
        card.trend_chart = trend_svg(
            f"{m.name}: trend over the last {len(card.trend)} periods",
            [label for label, _, _ in card.trend],
            [
                ("This provider", [p for _, p, _ in card.trend]),
                ("State", [s for _, _, s in card.trend]),
            ],
            m.unit,
            m.target,
        )


# --- drill-down --------------------------------------------------------------------------------


def case_rows(*, run: ScoreRun, provider: Provider, measure: Measure) -> QuerySet[ScoreCase]:
    """The cases behind a provider's score, with member, site and episode, by index date."""
    return (
        ScoreCase.objects.filter(run=run, provider=provider, measure=measure)
        .select_related("member", "site", "episode__level_of_care")
        .order_by("index_date", "case_ref")
    )
