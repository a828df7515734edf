"""Who may read which PAR numbers, and the reads behind the scorecard pages.

- a regional network manager (`par.view_scorecards`) reads the scorecards of the regions it manages
  and of the providers with a site there (`providers.selectors.providers_visible_to`); with
  `providers.view_all_providers` as well, every region;
- provider staff (`par.view_own_scorecard`) read their own organizations' scorecards; the state's
  aggregates are shown beside them, never another provider's numbers;
- agencies (`par.view_statewide`) and data operations (`par.run_par`) read statewide aggregates only;
- everybody else reads nothing. Single objects answer 404 for missing and forbidden alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from par.choices import PeriodKind, RunStatus
from par.models import ClaimsLoad, Measure, ScoreRun
from providers.models import Provider, Region
from providers.selectors import own_provider_ids, providers_visible_to

SCORECARDS = "par.view_scorecards"
OWN_SCORECARD = "par.view_own_scorecard"
STATEWIDE = "par.view_statewide"
RUN_PAR = "par.run_par"
LOAD_CLAIMS = "par.load_claims"
AGGREGATE_READERS = (SCORECARDS, OWN_SCORECARD, STATEWIDE, RUN_PAR)
TREND_PERIODS = 6


def reads_par(user: Any) -> bool:
    """Whether the user may read PAR at all (at least the statewide aggregates)."""
    return bool(user.is_authenticated) and any(user.has_perm(p) for p in AGGREGATE_READERS)


def regions_visible_to(*, user: Any) -> QuerySet[Region]:
    """Regions whose scorecard the user may read (see the module docstring)."""
    if not user.is_authenticated or not user.has_perm(SCORECARDS):
        return Region.objects.none()
    if user.has_perm("providers.view_all_providers"):
        return Region.objects.all()
    return Region.objects.filter(network_manager=user)


def access_region(*, user: Any, pk: int) -> Region:
    """The region, or 404 whether it is missing or not one the user may read."""
    return get_object_or_404(regions_visible_to(user=user), pk=pk)


def scorecard_providers_visible_to(*, user: Any) -> QuerySet[Provider]:
    """Providers whose scorecard (and drill-down) the user may read."""
    if not user.is_authenticated:
        return Provider.objects.none()
    if user.has_perm(SCORECARDS):
        return providers_visible_to(user=user)
    if user.has_perm(OWN_SCORECARD):
        return Provider.objects.filter(pk__in=own_provider_ids(user=user))
    return Provider.objects.none()


def access_scorecard_provider(*, user: Any, pk: int) -> Provider:
    """The provider, or 404 whether it is missing or its scorecard is not the user's to read."""
    return get_object_or_404(scorecard_providers_visible_to(user=user), pk=pk)


def runs_visible_to(*, user: Any) -> QuerySet[ScoreRun]:
    """Scoring runs (statewide, not organization-scoped): for anyone who reads PAR."""
    runs = ScoreRun.objects.select_related("created_by")
    return runs if reads_par(user) else runs.none()


def access_run(*, user: Any, pk: int) -> ScoreRun:
    """The run, or 404."""
    return get_object_or_404(runs_visible_to(user=user), pk=pk)


def succeeded_runs(*, user: Any) -> QuerySet[ScoreRun]:
    """Finished runs, the latest period first (the run picker)."""
    return runs_visible_to(user=user).filter(status=RunStatus.SUCCEEDED)


def run_to_show(*, user: Any, run_id: str | None) -> ScoreRun | None:
    """The run asked for (404 if not readable), else the latest succeeded run, else None."""
    if run_id:
        try:
            return get_object_or_404(succeeded_runs(user=user), pk=int(run_id))
        except ValueError:
            return None
    return succeeded_runs(user=user).order_by("-period_end", "-finished_at", "-pk").first()


def trend_runs(run: ScoreRun, periods: int = TREND_PERIODS) -> list[ScoreRun]:
    """The latest succeeded run of each of the last ``periods`` periods of the same kind (and, for
    date ranges, the same length) ending on or before ``run``'s period; oldest first."""
    candidates = ScoreRun.objects.filter(
        status=RunStatus.SUCCEEDED, period_kind=run.period_kind, period_end__lte=run.period_end
    ).order_by("-period_end", "-period_start", "-finished_at", "-pk")
    length = run.period_end - run.period_start
    chosen: dict[tuple, ScoreRun] = {}
    for candidate in candidates[: periods * 10]:
        key = (candidate.period_start, candidate.period_end)
        same_length = candidate.period_end - candidate.period_start == length
        if key in chosen or (run.period_kind == PeriodKind.CUSTOM and not same_length):
            continue
        chosen[key] = run if key == (run.period_start, run.period_end) else candidate
        if len(chosen) == periods:
            break
    return sorted(chosen.values(), key=lambda r: r.period_end)


def measures_in_force(start: date, end: date) -> list[Measure]:
    """The measure rows in force on a period's last day, one per code, in scorecard order: what a
    run of that period scores, and what its scorecards list (with "no cases" where none)."""
    return list(
        Measure.objects.filter(effective_from__lte=end)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=end))
        .order_by("sort_order", "code")
    )


def claims_loads_visible_to(*, user: Any) -> QuerySet[ClaimsLoad]:
    """Claims loads, for those who load claims."""
    loads = ClaimsLoad.objects.select_related("loaded_by", "job")
    return loads if user.is_authenticated and user.has_perm(LOAD_CLAIMS) else loads.none()


def access_claims_load(*, user: Any, pk: int) -> ClaimsLoad:
    return get_object_or_404(claims_loads_visible_to(user=user), pk=pk)
