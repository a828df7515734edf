"""Intensive care management (ICM): who needs an ICM, and which ICM takes them.

Pure rules, no ORM: pandas, numpy and the standard library only. Services load the reviewed
trigger rows in force on the run date (``fixtures/``), turn them into :class:`TriggerSpec`
values and call :func:`identify_candidates` over the whole population; supervisors and the
automatic mode use :func:`choose_icm`, :func:`assign_batch` and :func:`check_manual_assignment`.

Identification (every trigger looks back ``params["months"]`` months, default 12: the window is
``(as_of - months, as_of]``; dates are compared as calendar days; anything dated after
``as_of`` is unknown on ``as_of``, so a discharge after ``as_of`` reads as "still admitted"):

- ``repeat_admissions``: ``admissions`` (default 3) or more acute admissions in the window.
- ``readmission``: an acute admission in the window 1 to ``days`` (default 30) days after the
  member's last earlier acute discharge. Day 0 (discharged and admitted the same day) is a
  transfer, not a readmission.
- ``discharge_delay``: a stay (any level unless ``levels``) ending in the window, or still open,
  with ``delay_days >= min_delay_days`` (default 1).
- ``long_stay``: an acute stay ending in the window, or still open, longer than ``days``
  (default 30) days; length = discharge date (or ``as_of`` if still admitted) - admission date.
- ``placement``: an admission to, or a discharge from, ``levels`` (default PRTF, RTC,
  GROUP_HOME) in the window.
- ``co_occurring``: a mental-health diagnosis (ICD-10-CM ``F`` codes other than F10-F19) and a
  substance-use diagnosis (F10-F19), from ``diagnoses`` plus the principal diagnosis of stays in
  the window. ``mental_health``, ``substance_use`` and ``exclude`` take code prefixes; ``levels``
  keeps only codes recorded at those levels of care (the diagnoses frame then needs its optional
  ``level_of_care`` column: rows without it do not count).
- ``referral``: an open manual referral.

"Acute" means ``category == "acute"`` unless the trigger's params name ``levels``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

ACUTE = "acute"
DEFAULT_MONTHS = 12
PLACEMENT_LEVELS = ("PRTF", "RTC", "GROUP_HOME")
SUBSTANCE_USE_PREFIXES = tuple(f"F{n}" for n in range(10, 20))
MENTAL_HEALTH_PREFIXES = ("F",)

EPISODE_COLUMNS = (
    "episode_id",
    "member_id",
    "level_of_care",
    "category",
    "admitted",
    "discharged",
    "delay_days",
    "diagnoses",
)
DIAGNOSIS_COLUMNS = ("member_id", "code")
DIAGNOSIS_LEVEL = "level_of_care"  # optional column of the diagnoses frame
REFERRAL_COLUMNS = ("member_id", "referral_id")
CANDIDATE_COLUMNS = ("member_id", "triggers", "evidence")
_HIT_COLUMNS = ["member_id", "ref"]

UNKNOWN_KIND = "Unknown ICM trigger kind {kind!r} for trigger {code!r}."
UNKNOWN_PARAMS = "ICM trigger {code!r} ({kind}) does not use the parameters {names}."
DUPLICATE_CODE = "ICM trigger code {code!r} appears more than once."
MISSING_COLUMNS = "The {frame} frame lacks the columns {columns}."


@dataclass(frozen=True)
class TriggerSpec:
    """One reviewed ICM trigger row: ``kind`` picks the evaluator, ``params`` tune it."""

    code: str
    kind: str
    label: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class _Inputs:
    """The frames cleaned once, seen as of ``as_of``."""

    episodes: pd.DataFrame
    diagnoses: pd.DataFrame
    referrals: pd.DataFrame
    as_of: pd.Timestamp


# --- identification -----------------------------------------------------------------------


def identify_candidates(
    triggers: Sequence[TriggerSpec],
    *,
    episodes: pd.DataFrame,
    diagnoses: pd.DataFrame,
    referrals: pd.DataFrame,
    active: Iterable[Any],
    as_of: Any,
    eligible: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """Members who meet at least one trigger on ``as_of`` and have no active ICM assignment.

    When ``eligible`` is given, only those members (covered on ``as_of``) can be candidates.

    Returns one row per member, ordered by ``member_id``, with ``triggers`` (sorted tuple of
    trigger codes) and ``evidence`` (trigger code -> sorted tuple of episode ids, referral ids,
    or for ``co_occurring`` the diagnosis codes, that met it).
    """
    _check_triggers(triggers)
    inputs = _prepare(episodes, diagnoses, referrals, as_of)
    parts = [_EVALUATORS[t.kind](inputs, t.params).assign(code=t.code) for t in triggers]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CANDIDATE_COLUMNS})
    hits = pd.concat(parts, ignore_index=True)
    hits = hits[~hits["member_id"].isin(_index(active))]
    if eligible is not None:
        hits = hits[hits["member_id"].isin(_index(eligible))]
    return _assemble(hits)


def _index(values: Iterable[Any]) -> pd.Index:
    """Member ids as an index; arrays pass through without a Python list in between."""
    if isinstance(values, np.ndarray | pd.Index | pd.Series):
        return pd.Index(values)
    return pd.Index(list(values))


def _check_triggers(triggers: Sequence[TriggerSpec]) -> None:
    """Refuse unknown kinds, repeated codes (evidence is keyed by code) and unknown params.

    A misspelt parameter would otherwise fall back to the default without anyone noticing.
    """
    seen: set[str] = set()
    for trigger in triggers:
        if trigger.kind not in _EVALUATORS:
            raise ValueError(UNKNOWN_KIND.format(kind=trigger.kind, code=trigger.code))
        if trigger.code in seen:
            raise ValueError(DUPLICATE_CODE.format(code=trigger.code))
        seen.add(trigger.code)
        unknown = sorted(set(trigger.params) - PARAMS[trigger.kind])
        if unknown:
            names = ", ".join(unknown)
            raise ValueError(
                UNKNOWN_PARAMS.format(code=trigger.code, kind=trigger.kind, names=names)
            )


def _run_starts(*keys: np.ndarray) -> np.ndarray:
    """Positions where a run of equal keys begins (row 0 always does)."""
    change = np.zeros(len(keys[0]), dtype=bool)
    change[:1] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)


def _assemble(hits: pd.DataFrame) -> pd.DataFrame:
    """Fold (member, code, ref) hits into one row per member; refs arrive sorted per code.

    Runs are found with numpy; Python only slices them into the output tuples and dicts.
    """
    hits = hits.sort_values(["member_id", "code"], kind="stable")
    members, codes = hits["member_id"].to_numpy(), hits["code"].to_numpy()
    refs = hits["ref"].tolist()
    groups = _run_starts(members, codes)  # one run per (member, trigger code)
    group_refs = [tuple(refs[a:b]) for a, b in pairwise([*groups.tolist(), len(refs)])]
    group_codes = codes[groups].tolist()
    firsts = _run_starts(members[groups])  # one run of groups per member
    spans = list(pairwise([*firsts.tolist(), len(groups)]))
    return pd.DataFrame(
        {
            "member_id": members[groups[firsts]],
            "triggers": [tuple(group_codes[a:b]) for a, b in spans],
            "evidence": [dict(zip(group_codes[a:b], group_refs[a:b])) for a, b in spans],
        },
        columns=list(CANDIDATE_COLUMNS),
    )


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> pd.DataFrame:
    """Keep only ``columns``; say which are missing rather than fail later with a KeyError."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(MISSING_COLUMNS.format(frame=name, columns=", ".join(missing)))
    return frame.loc[:, list(columns)]


def _day(values: pd.Series) -> pd.Series:
    """Calendar day, as one datetime unit so merges and subtractions line up."""
    return pd.to_datetime(values).dt.normalize().astype("datetime64[ns]")


def _prepare(
    episodes: pd.DataFrame, diagnoses: pd.DataFrame, referrals: pd.DataFrame, as_of: Any
) -> _Inputs:
    """Clean the frames once; drop stays not begun by ``as_of``; later discharges read as open."""
    day = pd.Timestamp(as_of).normalize().as_unit("ns")
    ep = _require(episodes, EPISODE_COLUMNS, "episodes")
    admitted, discharged = _day(ep["admitted"]), _day(ep["discharged"])
    ep = ep.assign(
        admitted=admitted,
        discharged=discharged.where(discharged <= day),
        delay_days=pd.to_numeric(ep["delay_days"], errors="coerce").fillna(0),
    )
    ep = ep[ep["admitted"].notna() & (ep["admitted"] <= day)]
    ep = ep.assign(ended=ep["discharged"].fillna(day))
    dx = _require(diagnoses, DIAGNOSIS_COLUMNS, "diagnoses")
    if DIAGNOSIS_LEVEL in diagnoses.columns:
        dx = dx.assign(**{DIAGNOSIS_LEVEL: diagnoses[DIAGNOSIS_LEVEL]})
    ref = _require(referrals, REFERRAL_COLUMNS, "referrals")
    return _Inputs(episodes=ep, diagnoses=dx, referrals=ref, as_of=day)


def _window_start(inputs: _Inputs, params: Mapping[str, Any]) -> pd.Timestamp:
    """Exclusive start of the look-back window ``(start, as_of]``."""
    months = int(params.get("months", DEFAULT_MONTHS))
    return inputs.as_of - pd.DateOffset(months=months)


def _stays(
    inputs: _Inputs, params: Mapping[str, Any], default: Sequence[str] | None
) -> pd.DataFrame:
    """Episodes at ``params["levels"]``; else at ``default`` levels; else acute episodes."""
    ep = inputs.episodes
    levels = params.get("levels", default)
    if levels is None:
        return ep[ep["category"] == ACUTE]
    return ep[ep["level_of_care"].isin(list(levels))]


def _all_stays(inputs: _Inputs, params: Mapping[str, Any]) -> pd.DataFrame:
    """Episodes at ``params["levels"]``, or every episode."""
    ep = inputs.episodes
    if "levels" in params:
        return ep[ep["level_of_care"].isin(list(params["levels"]))]
    return ep


def _hits(frame: pd.DataFrame, ref: str) -> pd.DataFrame:
    """(member_id, ref) pairs, unique, sorted: the shape every evaluator returns."""
    out = frame.loc[:, ["member_id", ref]].set_axis(_HIT_COLUMNS, axis=1)
    return out.drop_duplicates().sort_values(_HIT_COLUMNS, kind="stable")


def _in_window(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """True where the date falls in ``(start, end]`` (NaT is never in)."""
    return (dates > start) & (dates <= end)


def _repeat_admissions(inputs: _Inputs, params: Mapping[str, Any]) -> pd.DataFrame:
    """``admissions`` (default 3) or more acute admissions in the window; evidence: those stays."""
    ep = _stays(inputs, params, None)
    ep = ep[_in_window(ep["admitted"], _window_start(inputs, params), inputs.as_of)]
    count = ep.groupby("member_id")["episode_id"].transform("nunique")
    return _hits(ep[count >= int(params.get("admissions", 3))], "episode_id")


def _readmission(inputs: _Inputs, params: Mapping[str, Any]) -> pd.DataFrame:
    """An acute admission in the window 1..``days`` days after the last earlier acute discharge.

    Evidence: both the readmission and the stay it followed.
    """
    ep = _stays(inputs, params, None)
    admits = ep[_in_window(ep["admitted"], _window_start(inputs, params), inputs.as_of)]
    admits = admits.loc[:, ["member_id", "episode_id", "admitted"]].sort_values("admitted")
    discharges = ep.loc[ep["discharged"].notna(), ["member_id", "episode_id", "discharged"]]
    discharges = discharges.rename(columns={"episode_id": "index_id"}).sort_values("discharged")
    # Strictly earlier day: a same-day discharge and admission is a transfer, and an episode
    # never matches its own discharge.
    pairs = pd.merge_asof(
        admits,
        discharges,
        left_on="admitted",
        right_on="discharged",
        by="member_id",
        direction="backward",
        allow_exact_matches=False,
    )
    gap = (pairs["admitted"] - pairs["discharged"]).dt.days
    pairs = pairs[gap <= int(params.get("days", 30))]
    # Unmatched admissions made the column float (NaN); the rows left all matched.
    pairs = pairs.astype({"index_id": ep["episode_id"].dtype})
    both = pd.concat([_hits(pairs, "episode_id"), _hits(pairs, "index_id")], ignore_index=True)
    return both.drop_duplicates().sort_values(_HIT_COLUMNS, kind="stable")


def _discharge_delay(inputs: _Inputs, params: Mapping[str, Any]) -> pd.DataFrame:
    """A stay ending in the window (or still open) with ``delay_days >= min_delay_days``."""
    ep = _all_stays(inputs, params)
    ep = ep[ep["ended"] > _window_start(inputs, params)]
    return _hits(ep[ep["delay_days"] >= int(params.get("min_delay_days", 1))], "episode_id")


def _long_stay(inputs: _Inputs, params: Mapping[str, Any]) -> pd.DataFrame:
    """An acute stay ending in the window (or still open) longer than ``days`` (default 30)."""
    ep = _stays(inputs, params, None)
    ep = ep[ep["ended"] > _window_start(inputs, params)]
    length = (ep["ended"] - ep["admitted"]).dt.days
    return _hits(ep[length > int(params.get("days", 30))], "episode_id")


def _placement(inputs: _Inputs, params: Mapping[str, Any]) -> pd.DataFrame:
    """An admission to, or a discharge from, a placement level (PRTF, RTC, group home)."""
    ep = _stays(inputs, params, PLACEMENT_LEVELS)
    start, end = _window_start(inputs, params), inputs.as_of
    moved = _in_window(ep["admitted"], start, end) | _in_window(ep["discharged"], start, end)
    return _hits(ep[moved], "episode_id")


def _prefixes(params: Mapping[str, Any], key: str, default: Sequence[str]) -> tuple[str, ...]:
    """Code prefixes from params, upper-case and without dots."""
    return tuple(str(p).strip().upper().replace(".", "") for p in params.get(key, default))


def _member_codes(inputs: _Inputs, params: Mapping[str, Any]) -> pd.DataFrame:
    """(member_id, code) from the diagnoses frame and the principal codes of stays in window,
    both limited to ``params["levels"]`` when given."""
    ep = inputs.episodes
    ep = ep[ep["ended"] > _window_start(inputs, params)]
    dx = inputs.diagnoses
    if "levels" in params:
        levels = list(params["levels"])
        ep = ep[ep["level_of_care"].isin(levels)]
        dx = dx[dx[DIAGNOSIS_LEVEL].isin(levels)] if DIAGNOSIS_LEVEL in dx.columns else dx.iloc[:0]
    principal = ep.loc[:, ["member_id", "diagnoses"]].rename(columns={"diagnoses": "code"})
    codes = pd.concat([dx.loc[:, list(DIAGNOSIS_COLUMNS)], principal], ignore_index=True)
    return codes[codes["code"].notna()]


def _co_occurring(inputs: _Inputs, params: Mapping[str, Any]) -> pd.DataFrame:
    """Both a mental-health and a substance-use diagnosis; evidence: the codes that count.

    Codes are classified once per distinct code (there are few), then mapped back to rows.
    """
    codes = _member_codes(inputs, params)
    ids, raw = pd.factorize(codes["code"])
    shown = pd.Series(np.asarray(raw, dtype=object), dtype=object).astype(str)
    shown = shown.str.strip().str.upper()
    flat = shown.str.replace(".", "", regex=False)
    excluded = _starts(flat, _prefixes(params, "exclude", ()))
    su = _starts(flat, _prefixes(params, "substance_use", SUBSTANCE_USE_PREFIXES)) & ~excluded
    mh = _starts(flat, _prefixes(params, "mental_health", MENTAL_HEALTH_PREFIXES))
    mh = mh & ~su & ~excluded
    row_su, row_mh = su.to_numpy(dtype=bool)[ids], mh.to_numpy(dtype=bool)[ids]
    members = codes["member_id"]
    member_ids, distinct = pd.factorize(members)  # integers: cheap flags per member
    has_su, has_mh = np.zeros(len(distinct), dtype=bool), np.zeros(len(distinct), dtype=bool)
    has_su[member_ids[row_su]] = True
    has_mh[member_ids[row_mh]] = True
    keep = (row_su | row_mh) & has_su[member_ids] & has_mh[member_ids]
    found = pd.DataFrame({"member_id": members[keep], "code": shown.to_numpy()[ids[keep]]})
    return _hits(found, "code")


def _starts(codes: pd.Series, prefixes: tuple[str, ...]) -> pd.Series:
    """True where a code starts with one of ``prefixes`` (none given: nothing matches)."""
    if not prefixes:
        return pd.Series(False, index=codes.index)
    return codes.str.startswith(prefixes).astype(bool)


def _referral(inputs: _Inputs, params: Mapping[str, Any]) -> pd.DataFrame:
    """An open manual referral; evidence: the referral ids."""
    return _hits(inputs.referrals, "referral_id")


_EVALUATORS: dict[str, Callable[[_Inputs, Mapping[str, Any]], pd.DataFrame]] = {
    "repeat_admissions": _repeat_admissions,
    "readmission": _readmission,
    "discharge_delay": _discharge_delay,
    "long_stay": _long_stay,
    "placement": _placement,
    "co_occurring": _co_occurring,
    "referral": _referral,
}
TRIGGER_KINDS = tuple(_EVALUATORS)
_WINDOW = frozenset({"months"})
_CODES = frozenset({"months", "mental_health", "substance_use", "exclude", "levels"})
PARAMS: dict[str, frozenset[str]] = {
    "repeat_admissions": _WINDOW | {"admissions", "levels"},
    "readmission": _WINDOW | {"days", "levels"},
    "discharge_delay": _WINDOW | {"min_delay_days", "levels"},
    "long_stay": _WINDOW | {"days", "levels"},
    "placement": _WINDOW | {"levels"},
    "co_occurring": _CODES,
    "referral": frozenset(),
}


def has_new_evidence(
    previous: Mapping[str, Iterable[Any]], current: Mapping[str, Iterable[Any]]
) -> bool:
    """Whether ``current`` evidence holds a trigger or a piece of evidence ``previous`` did not.

    A member whose last candidate was decided (assigned then closed, or dismissed) comes back
    only on new evidence: the same stays would otherwise raise them every night for a year.
    Evidence read back from JSON (lists, strings) compares equal to fresh tuples of ids.
    """
    seen = {(code, str(ref)) for code, refs in previous.items() for ref in refs}
    return any((code, str(ref)) not in seen for code, refs in current.items() for ref in refs)


# --- assignment ---------------------------------------------------------------------------

CONTINUITY = "continuity"
SAME_REGION = "same_region"
OUTSIDE_REGION = "outside_region"
SHARED_LANGUAGE = "shared_language"
LIGHTEST_CASELOAD = "lightest_caseload"
NO_CAPACITY = "no_capacity"
SUPERVISOR_REASON = "supervisor"
OVER_CAP_REASON = "over_cap"

NOT_ICM = "The chosen user is not an intensive care manager."
NO_WORKER = "Choose an intensive care manager."
INACTIVE = "This intensive care manager is not taking new members."
OVER_CAP = (
    "This intensive care manager already has {caseload} members (cap {cap}); "
    "give a reason to go over the cap."
)
ALREADY_ASSIGNED = (
    "The member already has an active intensive care manager; end that assignment first."
)
DUPLICATE_WORKER = "Intensive care manager {user_id} appears more than once."
DUPLICATE_MEMBER = "Member {member_id} appears more than once in the batch."


@dataclass(frozen=True)
class IcmWorker:
    """An ICM as the assignment rule sees them: regions and languages served, caseload, cap."""

    user_id: int
    regions: frozenset[str]
    languages: frozenset[str]
    caseload: int
    cap: int
    active: bool = True


@dataclass(frozen=True)
class CandidateFacts:
    """What assignment needs to know of a member; ``past_icm_ids`` most recent first."""

    member_id: int
    region: str
    language: str
    past_icm_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class AssignmentChoice:
    """The ICM chosen (``None`` when nobody has room) and the reason codes for the choice."""

    user_id: int | None
    reasons: tuple[str, ...]


def _has_room(worker: IcmWorker) -> bool:
    """Active and below the cap, so one more member keeps the caseload within it."""
    return worker.active and worker.caseload < worker.cap


def _tier(candidate: CandidateFacts, worker: IcmWorker) -> tuple[bool, bool]:
    """Preference tier, smaller is better: (outside the region, no shared language)."""
    return (candidate.region not in worker.regions, candidate.language not in worker.languages)


def _rank(candidate: CandidateFacts, worker: IcmWorker) -> tuple[bool, bool, float, int]:
    """Sort key: tier, then caseload / cap, then user id."""
    return (*_tier(candidate, worker), worker.caseload / worker.cap, worker.user_id)


def _fit_reasons(candidate: CandidateFacts, worker: IcmWorker) -> tuple[str, ...]:
    """Region reason (same or outside), then the shared-language reason when it applies."""
    outside, foreign = _tier(candidate, worker)
    region = OUTSIDE_REGION if outside else SAME_REGION
    return (region,) if foreign else (region, SHARED_LANGUAGE)


def _check_unique_workers(workers: Sequence[IcmWorker]) -> None:
    """Caseloads are keyed by user id, so one row per ICM."""
    seen: set[int] = set()
    for worker in workers:
        if worker.user_id in seen:
            raise ValueError(DUPLICATE_WORKER.format(user_id=worker.user_id))
        seen.add(worker.user_id)


def choose_icm(candidate: CandidateFacts, workers: Sequence[IcmWorker]) -> AssignmentChoice:
    """Pick the ICM for one member.

    Order of preference:

    1. Only active ICMs below their cap are considered; none -> ``(None, ("no_capacity",))``.
    2. Continuity: the most recent past ICM who has room and serves the member's region.
    3. Otherwise an ICM serving the member's region, then one sharing the member's language
       (region outranks language), then the lightest caseload as caseload / cap, then the
       lowest user id. ``lightest_caseload`` is a reason only when it broke a tie within the
       same region/language tier; ``outside_region`` flags a choice outside the region.
    """
    _check_unique_workers(workers)
    open_workers = [w for w in workers if _has_room(w)]
    if not open_workers:
        return AssignmentChoice(None, (NO_CAPACITY,))
    by_id = {w.user_id: w for w in open_workers}
    for past_id in candidate.past_icm_ids:
        past = by_id.get(past_id)
        if past is not None and candidate.region in past.regions:
            return AssignmentChoice(past.user_id, (CONTINUITY, *_fit_reasons(candidate, past)))
    best = min(open_workers, key=lambda w: _rank(candidate, w))
    reasons = _fit_reasons(candidate, best)
    tied = sum(1 for w in open_workers if _tier(candidate, w) == _tier(candidate, best))
    if tied > 1:
        reasons = (*reasons, LIGHTEST_CASELOAD)
    return AssignmentChoice(best.user_id, reasons)


def assign_batch(
    candidates: Sequence[CandidateFacts], workers: Sequence[IcmWorker]
) -> list[AssignmentChoice]:
    """Assign members in the order given, counting each assignment in the ICM's caseload.

    Because every choice sees the caseloads raised by the earlier ones, a batch spreads over
    the ICMs of a tier instead of piling onto the lightest one, and nobody goes over the cap.
    Same inputs in the same order give the same choices; put the neediest members first.
    """
    _check_unique_workers(workers)
    seen: set[int] = set()
    for candidate in candidates:
        if candidate.member_id in seen:
            raise ValueError(DUPLICATE_MEMBER.format(member_id=candidate.member_id))
        seen.add(candidate.member_id)
    current = list(workers)
    position = {w.user_id: i for i, w in enumerate(current)}
    choices: list[AssignmentChoice] = []
    for candidate in candidates:
        choice = choose_icm(candidate, current)
        if choice.user_id is not None:
            i = position[choice.user_id]
            current[i] = replace(current[i], caseload=current[i].caseload + 1)
        choices.append(choice)
    return choices


def manual_reasons(candidate: CandidateFacts | None, worker: IcmWorker) -> tuple[str, ...]:
    """Reason codes recorded for a supervisor's choice: ``supervisor``, the region and language
    fit when the member's region and language are known, and ``over_cap`` when the choice takes
    the caseload past the cap (allowed only with an override reason, see below)."""
    fit = _fit_reasons(candidate, worker) if candidate is not None else ()
    over = (OVER_CAP_REASON,) if worker.caseload >= worker.cap else ()
    return (SUPERVISOR_REASON, *fit, *over)


def neediest_first(
    candidates: Iterable[tuple[int, int, Any]],
) -> list[int]:
    """Member ids in the order automatic assignment serves them, from ``(member_id, triggers
    met, first identified)``: more triggers first, then longest waiting, then member id."""
    return [m for m, _, _ in sorted(candidates, key=lambda c: (-c[1], c[2], c[0]))]


def check_manual_assignment(
    worker: IcmWorker | None,
    *,
    is_icm: bool,
    member_already_assigned: bool,
    override_reason: str | None,
) -> tuple[tuple[str, str], ...]:
    """Every reason a supervisor's choice is refused, as (code, message); empty means allowed.

    Refused: a user who is not an ICM (``not_icm``) or no user (``no_worker``); an ICM not taking
    members (``inactive``); a caseload already at or over the cap unless a non-blank override
    reason is given (``over_cap``); a member who already has an active ICM
    (``already_assigned``). Region and language are preferences, never refusals.
    """
    refusals: list[tuple[str, str]] = []
    if not is_icm:
        refusals.append(("not_icm", NOT_ICM))
    elif worker is None:
        refusals.append(("no_worker", NO_WORKER))
    if worker is not None and is_icm:
        if not worker.active:
            refusals.append(("inactive", INACTIVE))
        if worker.caseload >= worker.cap and not (override_reason or "").strip():
            refusals.append(("over_cap", OVER_CAP.format(caseload=worker.caseload, cap=worker.cap)))
    if member_already_assigned:
        refusals.append(("already_assigned", ALREADY_ASSIGNED))
    return tuple(refusals)
