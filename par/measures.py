"""Pure computation core of PAR (Provider Analysis and Reporting): one function per measure.

No Django here: pandas, numpy and the standard library only. The web layer builds the input
frames from the database and the ``MeasureSpec`` from the reviewed ``Measure`` rows, calls a
measure through ``MEASURES`` (or ``run_measure``), and hands the case frame to
``par.scoring.score_measure``.

Input frames (``ParFrames`` validates them, raising ``ValueError`` that names missing columns,
and keeps a normalized copy: dates become ``datetime64[ns]`` at midnight, ids ``int64``):

``episodes`` (one row per stay / registered episode of care)
    episode_id, member_id, provider_id, site_id (int64); level_of_care (str code: IP_PSY,
    IP_DETOX, OBS_23H, PRTF, PHP, IOP, OP ...); category (str: "acute", "residential",
    "intermediate", "outpatient"); admitted (date); discharged (date, NaT while still in);
    delay_days (int, days the discharge was delayed, 0 if none); principal_dx (ICD-10-CM);
    member_birth_date (date); member_dcf (bool, DCF involvement recorded on the episode).
``claims`` (one row per claim line)
    claim_id (str), line (int), member_id, provider_id, site_id (int64), service_from,
    service_to (dates), level_of_care (str code mapped from procedure/revenue code, "ED" for
    emergency-department visits), primary_dx (str).
``enrollment`` (eligibility spans, several per member allowed)
    member_id (int64), start (date), end (date, NaT = open ended).
``members`` (optional) member_id, birth_date (date), dcf (bool). Only claim-based measures
    (engagement) need member attributes; when absent they come from each member's latest
    episode, and a member with no episode gets age group "other" and dcf False.

Output of every measure: one row per denominator case, sorted by provider_id, index_date,
member_id, case_id, with columns ``CASE_COLUMNS``: provider_id, site_id, case_id (episode_id for episode
measures, the claim_id of the index visit for claim measures), member_id, index_date (the date
the case is anchored on: discharge, admission or first visit), age_group, dcf, numerator
(1.0/0.0 for rates, days for averages, 1.0 for counts).

Age group is computed from the age in completed years on the case's ``index_date``:
"other" under 3 (or birth date unknown), "child" 3-12, "adolescent" 13-17, "adult" 18+.

Windowed measures (readmission, follow-up, ED return, engagement, step-up) take index events
dated from ``period.start`` through ``period.end - lookahead_days`` so that the whole outcome
window lies inside the period; ``lookahead_days`` defaults to the measure's window (30 for
follow-up, as HEDIS FUH's Jan 1 - Dec 1). Outcomes are searched in all rows of the frames,
also after ``period.end``. ``params`` override every default named in a docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

ACUTE_LEVELS: tuple[str, ...] = ("IP_PSY", "IP_DETOX", "OBS_23H")
RESIDENTIAL_LEVELS: tuple[str, ...] = ("PRTF", "RTC", "GROUP_HOME", "RES_DETOX")
FOLLOW_UP_LEVELS: tuple[str, ...] = (
    "OP_EVAL",
    "OP",
    "IOP",
    "PHP",
    "EDT",
    "HB_IICAPS",
    "HB_MST",
    "HB_FFT",
    "HB_MDFT",
    "HOME_HEALTH",
)
ED_LEVELS: tuple[str, ...] = ("ED",)

EPISODE_COLUMNS: dict[str, str] = {
    "episode_id": "id",
    "member_id": "id",
    "provider_id": "id",
    "site_id": "id",
    "level_of_care": "code",
    "category": "code",
    "admitted": "date",
    "discharged": "date",
    "delay_days": "int",
    "principal_dx": "text",
    "member_birth_date": "date",
    "member_dcf": "bool",
}
CLAIM_COLUMNS: dict[str, str] = {
    "claim_id": "text",
    "line": "int",
    "member_id": "id",
    "provider_id": "id",
    "site_id": "id",
    "service_from": "date",
    "service_to": "date",
    "level_of_care": "category",
    "primary_dx": "text",
}
ENROLLMENT_COLUMNS: dict[str, str] = {"member_id": "id", "start": "date", "end": "date"}
MEMBER_COLUMNS: dict[str, str] = {"member_id": "id", "birth_date": "date", "dcf": "bool"}
CASE_COLUMNS: tuple[str, ...] = (
    "provider_id",
    "site_id",
    "case_id",
    "member_id",
    "index_date",
    "age_group",
    "dcf",
    "numerator",
)
OPEN_END = pd.Timestamp("2200-01-01")
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A reporting period, both ends inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        """Reject an inverted period."""
        if pd.Timestamp(self.end) < pd.Timestamp(self.start):
            raise ValueError(f"period end {self.end} is before start {self.start}")

    @property
    def start_ts(self) -> pd.Timestamp:
        """Start as a midnight timestamp."""
        return pd.Timestamp(self.start).normalize()

    @property
    def end_ts(self) -> pd.Timestamp:
        """End (inclusive) as a midnight timestamp."""
        return pd.Timestamp(self.end).normalize()


@dataclass(frozen=True)
class MeasureSpec:
    """Parameters of one measure, loaded from a reviewed ``Measure`` row."""

    code: str
    calculation: str
    levels_of_care: tuple[str, ...]
    direction: str
    unit: str
    min_denominator: int
    target: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        """Check direction, unit and minimum denominator; freeze levels and params."""
        if self.direction not in ("lower", "higher"):
            raise ValueError(f"{self.code}: direction must be 'lower' or 'higher'")
        if self.unit not in ("percent", "days", "count"):
            raise ValueError(f"{self.code}: unit must be 'percent', 'days' or 'count'")
        if self.min_denominator < 0:
            raise ValueError(f"{self.code}: min_denominator must be >= 0")
        object.__setattr__(self, "levels_of_care", tuple(self.levels_of_care))
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


def require_columns(frame: pd.DataFrame, columns: Mapping[str, str] | tuple, name: str) -> None:
    """Raise ValueError naming the columns ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} frame is missing columns: {', '.join(missing)}")


def _coerce(series: pd.Series, kind: str, label: str) -> pd.Series:
    """Coerce one input column to its kind: id, int, bool, date, text, code (stripped text)."""
    if kind == "date":
        return pd.to_datetime(series).astype("datetime64[ns]").dt.normalize()
    if kind == "id":
        if series.isna().any():
            raise ValueError(f"{label} has empty values")
        return series.astype("int64")
    if kind == "int":
        return series.fillna(0).astype("int64")
    if kind == "bool":
        return series.fillna(False).astype(bool)
    text = series.fillna("").astype(str)
    if kind == "text":
        return text
    code = text.str.strip()
    return code.astype("category") if kind == "category" else code


def _prepare(frame: pd.DataFrame, columns: Mapping[str, str], name: str) -> pd.DataFrame:
    """Validate and return a normalized copy of ``frame`` holding only the documented columns."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame")
    require_columns(frame, columns, name)
    frame = frame.reset_index(drop=True)
    data = {c: _coerce(frame[c], kind, f"{name}.{c}") for c, kind in columns.items()}
    return pd.DataFrame(data, index=pd.RangeIndex(len(frame)))


def _check_episodes(episodes: pd.DataFrame) -> None:
    """Reject stays discharged before admission and negative delay days."""
    bad = episodes["discharged"] < episodes["admitted"]
    if bad.any():
        ids = episodes.loc[bad, "episode_id"].head(5).tolist()
        raise ValueError(f"episodes discharged before admission: {ids}")
    if (episodes["delay_days"] < 0).any():
        raise ValueError("episodes.delay_days has negative values")


@dataclass(frozen=True, eq=False)
class ParFrames:
    """The validated input frames of one PAR run (see the module docstring for columns)."""

    episodes: pd.DataFrame
    claims: pd.DataFrame
    enrollment: pd.DataFrame
    members: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        """Validate every frame and replace it with its normalized copy."""
        episodes = _prepare(self.episodes, EPISODE_COLUMNS, "episodes")
        _check_episodes(episodes)
        object.__setattr__(self, "episodes", episodes)
        object.__setattr__(self, "claims", _prepare(self.claims, CLAIM_COLUMNS, "claims"))
        enrollment = _prepare(self.enrollment, ENROLLMENT_COLUMNS, "enrollment")
        if enrollment["start"].isna().any():
            raise ValueError("enrollment.start has empty values")
        object.__setattr__(self, "enrollment", enrollment)
        if self.members is not None:
            object.__setattr__(self, "members", _prepare(self.members, MEMBER_COLUMNS, "members"))


# --- diagnosis and age helpers ---------------------------------------------------------------


def _dx_code(dx: pd.Series) -> pd.Series:
    """Upper-case ICD-10-CM codes without the dot, empty string for missing."""
    return dx.fillna("").astype(str).str.strip().str.upper().str.replace(".", "", regex=False)


def is_substance_use_dx(dx: pd.Series) -> pd.Series:
    """True for ICD-10-CM F10-F19 (mental and behavioural disorders due to substance use).

    F17 nicotine dependence is included, as it is in the ICD-10-CM block.
    """
    return _dx_code(dx).str.match(r"F1\d")


def is_mental_health_dx(dx: pd.Series) -> pd.Series:
    """True for ICD-10-CM chapter 5 (F01-F99) except the substance-use block F10-F19.

    Intentional self-harm codes (X71-X83, which HEDIS FUH also accepts) are not included.
    """
    return _dx_code(dx).str.match(r"F(0[1-9]|[2-9]\d)")


def age_in_years(birth: pd.Series, on: pd.Series) -> pd.Series:
    """Completed years of age on date ``on`` (NaN when the birth date is unknown).

    A member born on February 29 turns a year older on March 1 in common years.
    """
    birth = pd.Series(birth).reset_index(drop=True)
    on = pd.Series(on).reset_index(drop=True)
    years = on.dt.year - birth.dt.year
    before = on.dt.month * 100 + on.dt.day < birth.dt.month * 100 + birth.dt.day
    return (years - before.astype(float)).where(birth.notna())


def age_group(birth: pd.Series, on: pd.Series) -> pd.Series:
    """PAR age split on date ``on``: child 3-12, adolescent 13-17, adult 18+, other (<3/unknown)."""
    age = age_in_years(birth, on).to_numpy(dtype=float)
    conditions = [age >= 18, age >= 13, age >= 3]
    return pd.Series(np.select(conditions, ["adult", "adolescent", "child"], "other"), dtype=str)


# --- shared building blocks -------------------------------------------------------------------


def _levels(spec: MeasureSpec, key: str | None = None, default: tuple[str, ...] = ()) -> list:
    """Level codes from ``spec.params[key]`` (or ``spec.levels_of_care``); empty is an error."""
    levels = spec.levels_of_care if key is None else spec.params.get(key, default)
    if isinstance(levels, str) or not levels:
        raise ValueError(f"{spec.code}: {key or 'levels_of_care'} must be a non-empty list")
    return list(levels)


def _int_param(spec: MeasureSpec, key: str, default: int | None = None) -> int:
    """A non-negative integer parameter; ValueError when missing without default or invalid."""
    value = spec.params.get(key, default)
    if value is None:
        raise ValueError(f"{spec.code}: parameter {key!r} is required")
    if isinstance(value, bool) or int(value) != value or int(value) < 0:
        raise ValueError(f"{spec.code}: parameter {key!r} must be a non-negative integer")
    return int(value)


def _last_index_day(period: Period, spec: MeasureSpec, default: int) -> pd.Timestamp:
    """Last allowed index date: period end minus ``lookahead_days`` (default: the window)."""
    return period.end_ts - _int_param(spec, "lookahead_days", default) * DAY


def _cases(
    rows: pd.DataFrame, case_id: str, index_date: str, birth: str, dcf: str, numerator: Any
) -> pd.DataFrame:
    """Build the standard case frame from ``rows`` (column names given for each field)."""
    index = rows[index_date].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "provider_id": rows["provider_id"].to_numpy(dtype="int64"),
            "site_id": rows["site_id"].to_numpy(dtype="int64"),
            "case_id": rows[case_id].to_numpy(),
            "member_id": rows["member_id"].to_numpy(dtype="int64"),
            "index_date": index.astype("datetime64[ns]"),
            "age_group": age_group(rows[birth], index),
            "dcf": rows[dcf].to_numpy(dtype=bool),
            "numerator": np.asarray(numerator, dtype=float),
        }
    )
    order = ["provider_id", "index_date", "member_id"]
    if pd.api.types.is_integer_dtype(out["case_id"]):
        order.append("case_id")  # string case ids (claim measures) are unique per member
    return out.sort_values(order, kind="mergesort").reset_index(drop=True)


def _episode_cases(rows: pd.DataFrame, index_date: str, numerator: Any) -> pd.DataFrame:
    """Case frame for episode measures: case_id = episode_id, member data from the episode."""
    return _cases(rows, "episode_id", index_date, "member_birth_date", "member_dcf", numerator)


def _discharges(frames: ParFrames, spec: MeasureSpec, first: pd.Timestamp, last: pd.Timestamp):
    """Episodes at the measure's levels discharged from ``first`` through ``last`` inclusive."""
    ep = frames.episodes
    keep = ep["level_of_care"].isin(_levels(spec)) & ep["discharged"].between(first, last)
    return ep.loc[keep]


SPAN_COLUMNS = ["member_id", "service_from", "service_to"]


def _claim_lines(frames: ParFrames, levels: list, columns: list[str]) -> pd.DataFrame:
    """``columns`` of the claim lines whose level_of_care is one of ``levels``."""
    claims = frames.claims
    return claims.loc[claims["level_of_care"].isin(levels), columns]


def _next_admission_gap(index: pd.DataFrame, anchor: str, pool: pd.DataFrame) -> pd.Series:
    """Days from ``index[anchor]`` to the member's first other ``pool`` admission on/after it.

    "Other" excludes the index episode itself (a same-day stay is not its own readmission).
    Admissions before the anchor day are ignored. NaN when there is none. Aligned on ``index``.
    """
    left = pd.DataFrame(
        {
            "pos": np.arange(len(index)),
            "member_id": index["member_id"].to_numpy(),
            "anchor": index[anchor].to_numpy(),
        }
    )
    right = pool[["member_id", "admitted", "episode_id"]].sort_values("admitted", kind="mergesort")
    later = pd.merge_asof(
        left.sort_values("anchor", kind="mergesort"),
        right[["member_id", "admitted"]],
        left_on="anchor",
        right_on="admitted",
        by="member_id",
        direction="forward",
        allow_exact_matches=False,
    ).sort_values("pos")
    gap = ((later["admitted"] - later["anchor"]) / DAY).to_numpy()
    same_day = right.groupby(["member_id", "admitted"]).size().rename("n").reset_index()
    on_day = left.merge(
        same_day, left_on=["member_id", "anchor"], right_on=["member_id", "admitted"], how="left"
    )
    self_in_pool = index["episode_id"].isin(pool["episode_id"]).to_numpy() & (
        index["admitted"].to_numpy() == index[anchor].to_numpy()
    )
    others = on_day["n"].fillna(0).to_numpy() - self_in_pool
    return pd.Series(np.where(others > 0, 0.0, gap), index=index.index)


def _any_event_in_window(
    index: pd.DataFrame, win_from: pd.Series, win_to: pd.Series, events: pd.DataFrame
) -> np.ndarray:
    """True where the member has an event whose [service_from, service_to] span meets the window.

    A span meets [win_from, win_to] when service_from <= win_to and service_to >= win_from; the
    running maximum of service_to per member (in service_from order) makes this one merge_asof.
    """
    ev = events[["member_id", "service_from", "service_to"]].sort_values(
        "service_from", kind="mergesort"
    )
    reach = ev["service_to"].where(ev["service_to"] > ev["service_from"], ev["service_from"])
    ev = ev.assign(reach=reach.groupby(ev["member_id"]).cummax())
    left = pd.DataFrame(
        {
            "pos": np.arange(len(index)),
            "member_id": index["member_id"].to_numpy(),
            "win_from": np.asarray(win_from, dtype="datetime64[ns]"),
            "win_to": np.asarray(win_to, dtype="datetime64[ns]"),
        }
    ).sort_values("win_to", kind="mergesort")
    hit = pd.merge_asof(
        left,
        ev[["member_id", "service_from", "reach"]],
        left_on="win_to",
        right_on="service_from",
        by="member_id",
        direction="backward",
    ).sort_values("pos")
    return (hit["reach"] >= hit["win_from"]).to_numpy()


def _enrollment_blocks(enrollment: pd.DataFrame) -> pd.DataFrame:
    """Merge overlapping or adjacent (next day) eligibility spans into continuous blocks.

    An open end (NaT) runs to ``OPEN_END``; a span ending before it starts covers nothing.
    """
    spans = enrollment.assign(end=enrollment["end"].fillna(OPEN_END))
    spans = spans.loc[spans["end"] >= spans["start"]]
    spans = spans.sort_values(["member_id", "start", "end"], kind="mergesort")
    reach = spans.groupby("member_id")["end"].cummax()
    previous = reach.groupby(spans["member_id"]).shift()
    new_block = previous.isna() | (spans["start"] > previous + DAY)
    blocks = spans.groupby(new_block.cumsum()).agg(
        member_id=("member_id", "first"), start=("start", "min"), end=("end", "max")
    )
    return blocks.sort_values("start", kind="mergesort")


def _continuously_enrolled(
    enrollment: pd.DataFrame, member_id: pd.Series, first: pd.Series, last: pd.Series
) -> np.ndarray:
    """True where the member is enrolled every day from ``first`` through ``last`` inclusive."""
    left = pd.DataFrame(
        {
            "pos": np.arange(len(member_id)),
            "member_id": np.asarray(member_id, dtype="int64"),
            "first": np.asarray(first, dtype="datetime64[ns]"),
            "last": np.asarray(last, dtype="datetime64[ns]"),
        }
    ).sort_values("first", kind="mergesort")
    found = pd.merge_asof(
        left,
        _enrollment_blocks(enrollment),
        left_on="first",
        right_on="start",
        by="member_id",
        direction="backward",
    ).sort_values("pos")
    return (found["end"] >= found["last"]).to_numpy()


def member_attributes(frames: ParFrames) -> pd.DataFrame:
    """member_id, birth_date, dcf per member: the ``members`` frame, else the latest episode."""
    if frames.members is not None:
        return frames.members.drop_duplicates("member_id", keep="last")
    ep = frames.episodes.sort_values(["member_id", "admitted", "episode_id"], kind="mergesort")
    latest = ep.drop_duplicates("member_id", keep="last")
    return latest.rename(columns={"member_birth_date": "birth_date", "member_dcf": "dcf"})[
        list(MEMBER_COLUMNS)
    ]


# --- inpatient measures ------------------------------------------------------------------------


def discharges(frames: ParFrames, spec: MeasureSpec, period: Period) -> pd.DataFrame:
    """Count of discharges: one case per episode at ``levels_of_care`` discharged in the period.

    Numerator 1.0 per case; index_date = discharge date (age on that day).
    """
    rows = _discharges(frames, spec, period.start_ts, period.end_ts)
    return _episode_cases(rows, "discharged", np.ones(len(rows)))


def average_length_of_stay(frames: ParFrames, spec: MeasureSpec, period: Period) -> pd.DataFrame:
    """Average length of stay of the episodes at ``levels_of_care`` discharged in the period.

    Numerator = discharge date - admission date in days (midnight count: a same-day stay is 0,
    delay days are part of the stay). Episodes still in at period end are not counted.
    """
    rows = _discharges(frames, spec, period.start_ts, period.end_ts)
    return _episode_cases(rows, "discharged", (rows["discharged"] - rows["admitted"]) / DAY)


def pct_discharges_delayed(frames: ParFrames, spec: MeasureSpec, period: Period) -> pd.DataFrame:
    """Share of discharges in the period whose discharge was delayed (delay_days > 0).

    Denominator = discharges at ``levels_of_care`` in the period; numerator 1.0 when delayed.
    """
    rows = _discharges(frames, spec, period.start_ts, period.end_ts)
    return _episode_cases(rows, "discharged", rows["delay_days"] > 0)


def average_delay_days(frames: ParFrames, spec: MeasureSpec, period: Period) -> pd.DataFrame:
    """Average discharge-delay days per delayed discharge in the period.

    Denominator = discharges at ``levels_of_care`` in the period with delay_days > 0 (all
    discharges when param ``include_undelayed`` is true); numerator = delay_days.
    """
    rows = _discharges(frames, spec, period.start_ts, period.end_ts)
    if not spec.params.get("include_undelayed", False):
        rows = rows.loc[rows["delay_days"] > 0]
    return _episode_cases(rows, "discharged", rows["delay_days"])


def readmission(frames: ParFrames, spec: MeasureSpec, period: Period) -> pd.DataFrame:
    """Readmission to any acute inpatient stay within ``window_days`` after a discharge.

    Index = episodes at ``levels_of_care`` discharged from period start through period end
    minus ``lookahead_days`` (default ``window_days``), counted against the discharging
    provider. The first admission of the member to ``readmit_levels`` (default IP_PSY,
    IP_DETOX, OBS_23H; any provider) on or after the discharge day decides: a gap of at most
    ``transfer_days`` (default 0: same day) is a transfer, and the discharge is not an index;
    otherwise numerator 1.0 when admitted - discharged <= ``window_days`` days.
    """
    window = _int_param(spec, "window_days")
    transfer = _int_param(spec, "transfer_days", 0)
    rows = _discharges(frames, spec, period.start_ts, _last_index_day(period, spec, window))
    ep = frames.episodes
    pool = ep.loc[ep["level_of_care"].isin(_levels(spec, "readmit_levels", ACUTE_LEVELS))]
    gap = _next_admission_gap(rows, "discharged", pool)
    keep = ~(gap <= transfer)
    rows, gap = rows.loc[keep], gap.loc[keep]
    return _episode_cases(rows, "discharged", gap <= window)


def follow_up_after_discharge(frames: ParFrames, spec: MeasureSpec, period: Period) -> pd.DataFrame:
    """Follow-up after hospitalization for mental illness (HEDIS FUH shape).

    Denominator: episodes at ``levels_of_care`` (acute inpatient) that are the LAST discharge
    of a chain (no admission to ``readmit_levels``, default IP_PSY/IP_DETOX/OBS_23H, on days
    0..``horizon_days`` after the discharge, default 30), with a mental-health principal
    diagnosis (``is_mental_health_dx`` of the last stay), member aged ``min_age`` (default 6)
    or older on the discharge day, discharged on or after ``period.start`` and on or before
    ``period.end - lookahead_days`` (default ``horizon_days``: Dec 1 for a calendar year), and
    continuously enrolled every day from the discharge through discharge + ``horizon_days``.
    Numerator 1.0 when a claim line at ``follow_up_levels`` (default OP_EVAL, OP, IOP, PHP, EDT,
    the home-based HB_* levels, HOME_HEALTH; any provider) has a service span meeting days 1..``window_days``
    after the discharge day. A visit on the discharge day itself does not count.
    """
    window = _int_param(spec, "window_days")
    horizon = _int_param(spec, "horizon_days", 30)
    ep = frames.episodes
    rows = ep.loc[ep["level_of_care"].isin(_levels(spec)) & ep["discharged"].notna()]
    pool = ep.loc[ep["level_of_care"].isin(_levels(spec, "readmit_levels", ACUTE_LEVELS))]
    last = ~(_next_admission_gap(rows, "discharged", pool) <= horizon)
    last_day = _last_index_day(period, spec, horizon)
    age = age_in_years(rows["member_birth_date"], rows["discharged"]).to_numpy()
    keep = (
        last.to_numpy()
        & rows["discharged"].between(period.start_ts, last_day).to_numpy()
        & is_mental_health_dx(rows["principal_dx"]).to_numpy()
        & (age >= _int_param(spec, "min_age", 6))
    )
    rows = rows.loc[keep]
    enrolled = _continuously_enrolled(
        frames.enrollment, rows["member_id"], rows["discharged"], rows["discharged"] + horizon * DAY
    )
    rows = rows.loc[enrolled]
    visits = _claim_lines(frames, _levels(spec, "follow_up_levels", FOLLOW_UP_LEVELS), SPAN_COLUMNS)
    hit = _any_event_in_window(
        rows, rows["discharged"] + DAY, rows["discharged"] + window * DAY, visits
    )
    return _episode_cases(rows, "discharged", hit)


def ed_return(frames: ParFrames, spec: MeasureSpec, period: Period) -> pd.DataFrame:
    """Return to the emergency department within ``window_days`` after an acute discharge.

    Index = episodes at ``levels_of_care`` discharged from period start through period end
    minus ``lookahead_days`` (default ``window_days``), against the discharging provider.
    Numerator 1.0 when a claim line at ``ed_levels`` (default ED) has a service span meeting
    days 1..``window_days`` after the discharge day (the discharge day itself does not count).
    """
    window = _int_param(spec, "window_days")
    rows = _discharges(frames, spec, period.start_ts, _last_index_day(period, spec, window))
    ed = _claim_lines(frames, _levels(spec, "ed_levels", ED_LEVELS), SPAN_COLUMNS)
    hit = _any_event_in_window(
        rows, rows["discharged"] + DAY, rows["discharged"] + window * DAY, ed
    )
    return _episode_cases(rows, "discharged", hit)


# --- outpatient / intermediate measures -------------------------------------------------------


def _first_visits(visits: pd.DataFrame, period: Period, last_day: pd.Timestamp) -> pd.DataFrame:
    """First visit in the period per (member, provider), kept when on or before ``last_day``.

    Several lines on that first day: the lowest (claim_id, line) is the index visit.
    """
    in_period = visits.loc[visits["service_from"].between(period.start_ts, period.end_ts)]
    pair = ["member_id", "provider_id"]
    first_day = in_period.groupby(pair)["service_from"].transform("min")
    first = in_period.loc[(in_period["service_from"] == first_day) & (first_day <= last_day)]
    tied = first.duplicated(pair, keep=False)
    ties = first.loc[tied].sort_values([*pair, "claim_id", "line"], kind="mergesort")
    return pd.concat([first.loc[~tied], ties.drop_duplicates(pair)])


def _new_starts(first: pd.DataFrame, visits: pd.DataFrame, lookback: int) -> pd.DataFrame:
    """Drop first visits preceded by a visit to the same provider within ``lookback`` days."""
    if lookback == 0 or first.empty:
        return first
    prior = visits[["member_id", "provider_id", "service_from"]].rename(
        columns={"service_from": "prior"}
    )
    found = pd.merge_asof(
        first.sort_values("service_from", kind="mergesort"),
        prior.sort_values("prior", kind="mergesort"),
        left_on="service_from",
        right_on="prior",
        by=["member_id", "provider_id"],
        direction="backward",
        allow_exact_matches=False,
    )
    return found.loc[~(found["service_from"] - found["prior"] <= lookback * DAY)]


def engagement(frames: ParFrames, spec: MeasureSpec, period: Period) -> pd.DataFrame:
    """Engagement: further visits to the same provider within ``window_days`` of the first.

    Visits = claim lines at ``levels_of_care`` (e.g. OP, IOP, PHP); a visit day is a distinct
    (member, provider, service_from) date. Index = first visit day in the period per member and
    provider, on or before period end minus ``lookahead_days`` (default ``window_days``), and,
    when ``lookback_days`` > 0 (default 0), with no visit to that provider in the lookback
    days before. Numerator 1.0 when there are at least ``min_visits`` (default 2) more visit
    days with that provider on days 1..``window_days`` after the first. case_id = claim_id of
    the first visit (lowest claim_id, line); age and DCF from ``member_attributes``.
    """
    window = _int_param(spec, "window_days")
    columns = ["claim_id", "line", "member_id", "provider_id", "site_id", "service_from"]
    visits = _claim_lines(frames, _levels(spec), columns)
    first = _first_visits(visits, period, _last_index_day(period, spec, window))
    first = _new_starts(first, visits, _int_param(spec, "lookback_days", 0))
    days = visits[["member_id", "provider_id", "service_from"]].drop_duplicates()
    pairs = first[["member_id", "provider_id", "service_from"]].rename(
        columns={"service_from": "index_day"}
    )
    later = days.merge(pairs, on=["member_id", "provider_id"])
    offset = later["service_from"] - later["index_day"]
    later = later.loc[(offset >= DAY) & (offset <= window * DAY)]
    counts = later.groupby(["member_id", "provider_id"]).size().rename("more").reset_index()
    first = first.merge(counts, on=["member_id", "provider_id"], how="left")
    first = first.merge(member_attributes(frames), on="member_id", how="left")
    first["dcf"] = first["dcf"].fillna(False).astype(bool)
    hit = first["more"].fillna(0) >= _int_param(spec, "min_visits", 2)
    return _cases(first, "claim_id", "service_from", "birth_date", "dcf", hit)


def step_up(frames: ParFrames, spec: MeasureSpec, period: Period) -> pd.DataFrame:
    """Step-up to a 24-hour level within ``window_days`` (default 90) of an episode start.

    Index = first episode per (member, provider) at ``levels_of_care`` (outpatient or
    intermediate) admitted from period start through period end minus ``lookahead_days``
    (default ``window_days``). Numerator 1.0 when the member is admitted (any provider) to
    ``step_up_levels`` (default the acute and residential levels) on days 0..``window_days``
    after the index admission date. Age and DCF at the index admission.
    """
    window = _int_param(spec, "window_days", 90)
    ep = frames.episodes
    last_day = _last_index_day(period, spec, window)
    rows = ep.loc[
        ep["level_of_care"].isin(_levels(spec)) & ep["admitted"].between(period.start_ts, last_day)
    ]
    order = ["member_id", "provider_id", "admitted", "episode_id"]
    rows = rows.sort_values(order, kind="mergesort").drop_duplicates(["member_id", "provider_id"])
    levels = _levels(spec, "step_up_levels", ACUTE_LEVELS + RESIDENTIAL_LEVELS)
    gap = _next_admission_gap(rows, "admitted", ep.loc[ep["level_of_care"].isin(levels)])
    return _episode_cases(rows, "admitted", gap <= window)


Measure = Callable[[ParFrames, MeasureSpec, Period], pd.DataFrame]

MEASURES: dict[str, Measure] = {
    "discharges": discharges,
    "average_length_of_stay": average_length_of_stay,
    "pct_discharges_delayed": pct_discharges_delayed,
    "average_delay_days": average_delay_days,
    "readmission": readmission,
    "follow_up_after_discharge": follow_up_after_discharge,
    "engagement": engagement,
    "step_up": step_up,
    "ed_return": ed_return,
}


# The parameters each calculation reads (its docstring says what they mean). A parameter not
# listed is a typo in the measure file, not something to ignore silently.
KNOWN_PARAMS: dict[str, frozenset[str]] = {
    "discharges": frozenset(),
    "average_length_of_stay": frozenset(),
    "pct_discharges_delayed": frozenset(),
    "average_delay_days": frozenset({"include_undelayed"}),
    "readmission": frozenset({"window_days", "transfer_days", "lookahead_days", "readmit_levels"}),
    "follow_up_after_discharge": frozenset(
        {
            "window_days",
            "horizon_days",
            "lookahead_days",
            "readmit_levels",
            "min_age",
            "follow_up_levels",
        }
    ),
    "engagement": frozenset({"window_days", "lookahead_days", "lookback_days", "min_visits"}),
    "step_up": frozenset({"window_days", "lookahead_days", "step_up_levels"}),
    "ed_return": frozenset({"window_days", "lookahead_days", "ed_levels"}),
}


def check_spec(spec: MeasureSpec) -> None:
    """Raise ValueError for an unknown calculation or a parameter the calculation does not read."""
    if spec.calculation not in MEASURES:
        raise ValueError(f"{spec.code}: unknown calculation {spec.calculation!r}")
    unknown = sorted(set(spec.params) - KNOWN_PARAMS.get(spec.calculation, frozenset()))
    if unknown:
        raise ValueError(
            f"{spec.code}: {spec.calculation} does not read parameter(s) {', '.join(unknown)}"
        )


def run_measure(frames: ParFrames, spec: MeasureSpec, period: Period) -> pd.DataFrame:
    """Compute the case frame of ``spec`` through the ``MEASURES`` registry."""
    check_spec(spec)
    return MEASURES[spec.calculation](frames, spec, period)
