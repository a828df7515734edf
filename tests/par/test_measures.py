"""Hand-built fixtures for every PAR measure; expected values are computed by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from par.measures import (
    CASE_COLUMNS,
    CLAIM_COLUMNS,
    ENROLLMENT_COLUMNS,
    EPISODE_COLUMNS,
    MEASURES,
    MeasureSpec,
    ParFrames,
    Period,
    age_group,
    age_in_years,
    is_mental_health_dx,
    is_substance_use_dx,
    run_measure,
)

YEAR = Period(date(2024, 1, 1), date(2024, 12, 31))
ADULT = "1980-01-01"
CATEGORY = {
    "IP_PSY": "acute",
    "IP_DETOX": "acute",
    "OBS_23H": "acute",
    "PRTF": "residential",
    "PHP": "intermediate",
    "IOP": "intermediate",
    "OP": "outpatient",
}


def ep(
    eid: int,
    member: int,
    admitted: str,
    discharged: str | None,
    level: str = "IP_PSY",
    provider: int = 10,
    dx: str = "F32.9",
    birth: str | None = ADULT,
    dcf: bool = False,
    delay: int = 0,
) -> dict:
    """One episode row."""
    return {
        "episode_id": eid,
        "member_id": member,
        "provider_id": provider,
        "site_id": provider * 100,
        "level_of_care": level,
        "category": CATEGORY[level],
        "admitted": admitted,
        "discharged": discharged,
        "delay_days": delay,
        "principal_dx": dx,
        "member_birth_date": birth,
        "member_dcf": dcf,
    }


def cl(
    cid: str,
    member: int,
    day: str,
    level: str = "OP",
    provider: int = 20,
    to: str | None = None,
    line: int = 1,
) -> dict:
    """One claim line (single day unless ``to`` is given)."""
    return {
        "claim_id": cid,
        "line": line,
        "member_id": member,
        "provider_id": provider,
        "site_id": provider * 100,
        "service_from": day,
        "service_to": to or day,
        "level_of_care": level,
        "primary_dx": "F32.9",
    }


def make_frames(
    episodes: list[dict],
    claims: list[dict] = (),
    enrollment: list[dict] | None = None,
    members: pd.DataFrame | None = None,
) -> ParFrames:
    """ParFrames; without ``enrollment`` every member is enrolled, open ended, since 2000."""
    ep_frame = pd.DataFrame(episodes, columns=list(EPISODE_COLUMNS))
    if enrollment is None:
        ids = sorted({e["member_id"] for e in episodes} | {c["member_id"] for c in claims})
        enrollment = [{"member_id": m, "start": "2000-01-01", "end": None} for m in ids]
    return ParFrames(
        ep_frame,
        pd.DataFrame(list(claims), columns=list(CLAIM_COLUMNS)),
        pd.DataFrame(enrollment, columns=list(ENROLLMENT_COLUMNS)),
        members,
    )


def spec(calculation: str, levels=("IP_PSY",), unit: str = "percent", **params) -> MeasureSpec:
    """A MeasureSpec with neutral defaults."""
    return MeasureSpec("T", calculation, tuple(levels), "higher", unit, 1, None, params)


def summary(cases: pd.DataFrame) -> dict:
    """case_id -> numerator."""
    return dict(zip(cases["case_id"].tolist(), cases["numerator"].tolist(), strict=True))


# --- validation ---------------------------------------------------------------------------------


def test_missing_columns_are_named() -> None:
    episodes = pd.DataFrame([ep(1, 1, "2024-01-01", "2024-01-02")]).drop(
        columns=["delay_days", "member_dcf"]
    )
    claims = pd.DataFrame(columns=list(CLAIM_COLUMNS))
    enrollment = pd.DataFrame(columns=list(ENROLLMENT_COLUMNS))
    with pytest.raises(
        ValueError, match="episodes frame is missing columns: delay_days, member_dcf"
    ):
        ParFrames(episodes, claims, enrollment)
    with pytest.raises(ValueError, match="claims frame is missing columns: primary_dx"):
        ParFrames(
            pd.DataFrame([ep(1, 1, "2024-01-01", None)]),
            claims.drop(columns="primary_dx"),
            enrollment,
        )


def test_discharge_before_admission_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"discharged before admission: \[7\]"):
        make_frames([ep(7, 1, "2024-01-05", "2024-01-04")])


def test_spec_and_param_validation() -> None:
    with pytest.raises(ValueError, match="direction"):
        MeasureSpec("X", "discharges", ("IP_PSY",), "up", "count", 0)
    with pytest.raises(ValueError, match="unit"):
        MeasureSpec("X", "discharges", ("IP_PSY",), "lower", "ratio", 0)
    frames = make_frames([ep(1, 1, "2024-01-01", "2024-01-02")])
    with pytest.raises(ValueError, match="unknown calculation 'nope'"):
        run_measure(frames, spec("nope"), YEAR)
    with pytest.raises(ValueError, match="'window_days' is required"):
        run_measure(frames, spec("readmission"), YEAR)
    with pytest.raises(ValueError, match="levels_of_care must be a non-empty list"):
        run_measure(frames, spec("discharges", levels=()), YEAR)
    with pytest.raises(ValueError, match=r"engagement does not read parameter\(s\) days, visits"):
        run_measure(frames, spec("engagement", levels=("OP",), visits=2, days=30), YEAR)


@pytest.mark.parametrize("level", ["OP_EVAL", "HB_IICAPS", "HB_MST", "HB_FFT", "HB_MDFT"])
def test_fuh_counts_evaluations_and_home_based_visits(level: str) -> None:
    """The home-based levels are HB_IICAPS/HB_MST/HB_FFT/HB_MDFT in the catalog, not HOME_BASED."""
    frames = make_frames([ep(1, 1, "2024-03-01", "2024-03-05")], [cl("H1", 1, "2024-03-07", level)])
    cases = run_measure(frames, spec("follow_up_after_discharge", window_days=7), YEAR)
    assert summary(cases) == {1: 1.0}


def test_spec_is_hashable_and_frozen() -> None:
    s = spec("readmission", window_days=7)
    assert hash(s) == hash(spec("readmission", window_days=30))
    with pytest.raises(TypeError):
        s.params["window_days"] = 8  # type: ignore[index]


# --- helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dx", "mental", "substance"),
    [
        ("F32.9", True, False),
        ("f20.0", True, False),
        ("F0150", True, False),
        ("F99", True, False),
        ("F10.20", False, True),
        ("F17.210", False, True),
        ("F19.99", False, True),
        ("Z00.00", False, False),
        ("", False, False),
        (None, False, False),
    ],
)
def test_dx_helpers(dx: str | None, mental: bool, substance: bool) -> None:
    series = pd.Series([dx])
    assert bool(is_mental_health_dx(series).iloc[0]) is mental
    assert bool(is_substance_use_dx(series).iloc[0]) is substance


@pytest.mark.parametrize(
    ("birth", "on", "age", "group"),
    [
        ("2021-06-15", "2024-06-14", 2, "other"),
        ("2021-06-15", "2024-06-15", 3, "child"),
        ("2011-06-15", "2024-06-14", 12, "child"),
        ("2011-06-15", "2024-06-15", 13, "adolescent"),
        ("2006-06-15", "2024-06-14", 17, "adolescent"),
        ("2006-06-15", "2024-06-15", 18, "adult"),
        ("2004-02-29", "2023-02-28", 18, "adult"),
        ("2008-02-29", "2026-02-28", 17, "adolescent"),
        ("2008-02-29", "2026-03-01", 18, "adult"),
    ],
)
def test_age_and_age_group(birth: str, on: str, age: int, group: str) -> None:
    b = pd.Series(pd.to_datetime([birth]))
    o = pd.Series(pd.to_datetime([on]))
    assert age_in_years(b, o).iloc[0] == age
    assert age_group(b, o).iloc[0] == group


def test_unknown_birth_date_is_other() -> None:
    b = pd.Series([pd.NaT], dtype="datetime64[ns]")
    o = pd.Series(pd.to_datetime(["2024-01-01"]))
    assert np.isnan(age_in_years(b, o).iloc[0])
    assert age_group(b, o).iloc[0] == "other"


# --- inpatient volume, length of stay, delays ---------------------------------------------------

STAYS = [
    ep(1, 1, "2024-01-01", "2024-01-11"),  # 10 days, provider 10, adult
    ep(2, 2, "2024-03-01", "2024-03-01", birth="2015-05-01", dcf=True),  # same day, child
    ep(3, 3, "2023-12-20", "2024-01-05", provider=11, birth="2010-01-01", delay=3),  # adolescent
    ep(4, 4, "2024-12-20", None),  # still in: never counted
    ep(5, 5, "2024-12-25", "2025-01-02"),  # discharged after the period
    ep(6, 6, "2024-02-01", "2024-02-05", level="IP_DETOX"),  # other level
    ep(7, 7, "2024-06-01", "2024-06-21", provider=11, delay=5),  # 20 days
    ep(8, 1, "2024-12-30", "2024-12-31"),  # last day of the period counts
    ep(9, 9, "2023-12-01", "2023-12-31"),  # discharged before the period
]


def test_discharges() -> None:
    cases = run_measure(make_frames(STAYS), spec("discharges", unit="count"), YEAR)
    assert list(cases.columns) == list(CASE_COLUMNS)
    assert cases["case_id"].tolist() == [1, 2, 8, 3, 7]
    assert cases["provider_id"].tolist() == [10, 10, 10, 11, 11]
    assert cases["numerator"].tolist() == [1.0] * 5
    assert cases["age_group"].tolist() == ["adult", "child", "adult", "adolescent", "adult"]
    assert cases["dcf"].tolist() == [False, True, False, False, False]
    assert cases["index_date"].tolist() == list(
        pd.to_datetime(["2024-01-11", "2024-03-01", "2024-12-31", "2024-01-05", "2024-06-21"])
    )


def test_discharges_for_several_levels() -> None:
    s = spec("discharges", levels=("IP_PSY", "IP_DETOX"), unit="count")
    assert sorted(run_measure(make_frames(STAYS), s, YEAR)["case_id"]) == [1, 2, 3, 6, 7, 8]


def test_average_length_of_stay() -> None:
    cases = run_measure(make_frames(STAYS), spec("average_length_of_stay", unit="days"), YEAR)
    assert summary(cases) == {1: 10.0, 2: 0.0, 8: 1.0, 3: 16.0, 7: 20.0}


def test_pct_discharges_delayed() -> None:
    cases = run_measure(make_frames(STAYS), spec("pct_discharges_delayed"), YEAR)
    assert summary(cases) == {1: 0.0, 2: 0.0, 8: 0.0, 3: 1.0, 7: 1.0}


def test_average_delay_days() -> None:
    frames = make_frames(STAYS)
    cases = run_measure(frames, spec("average_delay_days", unit="days"), YEAR)
    assert summary(cases) == {3: 3.0, 7: 5.0}
    s = spec("average_delay_days", unit="days", include_undelayed=True)
    assert summary(run_measure(frames, s, YEAR)) == {1: 0.0, 2: 0.0, 8: 0.0, 3: 3.0, 7: 5.0}


# --- readmission ----------------------------------------------------------------------------------

READMITS = [
    ep(11, 1, "2024-01-05", "2024-01-10"),
    ep(12, 1, "2024-01-17", "2024-01-20", provider=11),  # day 7 after 11
    ep(13, 1, "2024-01-28", "2024-02-10"),  # day 8 after 12; nothing after
    ep(21, 2, "2024-02-25", "2024-03-01"),  # same-day admission follows: transfer
    ep(22, 2, "2024-03-01", "2024-03-10"),
    ep(23, 2, "2024-04-09", "2024-04-15"),  # day 30 after 22
    ep(24, 2, "2024-05-16", "2024-05-20"),  # day 31 after 23
    ep(31, 3, "2024-12-10", "2024-12-20"),  # after Dec 1: only in the 7-day denominator
    ep(32, 3, "2024-12-26", "2024-12-27", level="IP_DETOX"),  # day 6 after 31, not an index
    ep(33, 3, "2024-12-27", "2024-12-28"),  # after Dec 24: in neither denominator
    ep(41, 4, "2024-06-01", "2024-06-01"),  # same-day stay is not its own readmission
    ep(42, 4, "2024-06-05", "2024-06-08"),  # day 4 after 41
    ep(51, 5, "2024-07-01", "2024-07-10"),
    ep(52, 5, "2024-07-12", "2024-07-12", level="OBS_23H"),  # day 2: acute by default
    ep(61, 6, "2024-08-01", "2024-08-10"),
    ep(62, 6, "2024-08-05", "2024-08-20", level="PRTF"),  # not acute: no readmission
]


def test_readmission_7_days() -> None:
    cases = run_measure(make_frames(READMITS), spec("readmission", window_days=7), YEAR)
    expected = {11: 1.0, 13: 0.0, 22: 0.0, 23: 0.0, 24: 0.0, 31: 1.0, 41: 1.0, 42: 0.0}
    expected |= {51: 1.0, 61: 0.0, 12: 0.0}
    assert summary(cases) == expected
    assert cases.loc[cases["case_id"] == 12, "provider_id"].item() == 11


def test_readmission_30_days() -> None:
    cases = run_measure(make_frames(READMITS), spec("readmission", window_days=30), YEAR)
    expected = {11: 1.0, 12: 1.0, 13: 0.0, 22: 1.0, 23: 0.0, 24: 0.0, 41: 1.0, 42: 0.0}
    expected |= {51: 1.0, 61: 0.0}
    assert summary(cases) == expected


def test_readmission_params() -> None:
    frames = make_frames(READMITS)
    only_psych = spec("readmission", window_days=7, readmit_levels=["IP_PSY"])
    psych = summary(run_measure(frames, only_psych, YEAR))
    assert psych[51] == 0.0  # observation no longer counts
    assert psych[31] == 1.0  # detox skipped: the next psychiatric admission (33) is on day 7
    transfer_2 = spec("readmission", window_days=7, transfer_days=2)
    cases = summary(run_measure(frames, transfer_2, YEAR))
    assert 51 not in cases  # admission on day 2 is now a transfer
    assert cases[41] == 1.0  # day 4: after the transfer days, within the window
    assert cases[11] == 1.0
    all_index = spec("readmission", window_days=30, lookahead_days=0)
    assert summary(run_measure(frames, all_index, YEAR))[33] == 0.0


# --- follow-up after hospitalization (FUH) ----------------------------------------------------

FUH_EPISODES = [
    ep(101, 1, "2024-01-20", "2024-02-01"),
    ep(102, 2, "2024-02-20", "2024-03-01"),
    ep(103, 3, "2024-03-20", "2024-04-01"),
    ep(104, 4, "2024-04-20", "2024-05-01", dx="F10.20"),  # readmitted: dropped, dx irrelevant
    ep(105, 4, "2024-05-20", "2024-05-25", provider=11),  # last of the chain
    ep(106, 5, "2024-05-20", "2024-06-01"),  # enrollment gap on Jun 21
    ep(107, 6, "2024-02-01", "2024-02-10", birth="2019-03-01"),  # 4 years old
    ep(108, 7, "2024-06-20", "2024-07-01", birth="2018-07-01"),  # 6 on discharge day
    ep(109, 8, "2024-07-01", "2024-07-10", dx="F10.20"),  # substance use
    ep(110, 9, "2024-06-10", "2024-06-15"),  # adjacent enrollment spans: continuous
    ep(111, 10, "2024-11-25", "2024-12-01"),  # last allowed discharge day
    ep(112, 11, "2024-11-25", "2024-12-02"),  # one day too late
    ep(113, 12, "2024-08-10", "2024-08-20"),  # ED visit only
    ep(114, 13, "2024-07-20", "2024-08-01"),  # PHP line spanning the discharge
    ep(115, 14, "2024-09-01", "2024-09-05"),  # no enrollment at all
    ep(116, 15, "2024-08-25", "2024-09-01"),  # readmitted to detox: chain ends on SUD stay
    ep(117, 15, "2024-09-10", "2024-09-15", level="IP_DETOX", dx="F10.20"),
    ep(118, 16, "2024-10-01", "2024-10-05", level="PHP"),  # not an inpatient discharge
]
FUH_CLAIMS = [
    cl("A1", 1, "2024-02-01"),  # discharge day: does not count
    cl("A2", 2, "2024-03-08"),  # day 7
    cl("A3", 3, "2024-04-09", level="IOP"),  # day 8
    cl("A4", 4, "2024-05-27"),  # day 2 after the last discharge
    cl("A5", 5, "2024-06-03"),
    cl("A7", 7, "2024-07-02"),
    cl("A9", 9, "2024-06-18"),  # day 3
    cl("A12", 12, "2024-08-21", level="ED"),
    cl("A13", 13, "2024-07-25", level="PHP", to="2024-08-03"),
    cl("A15", 15, "2024-09-16"),
]
FUH_ENROLLMENT = [
    {"member_id": m, "start": "2020-01-01", "end": None}
    for m in range(1, 17)
    if m not in (5, 9, 14)
] + [
    {"member_id": 5, "start": "2020-01-01", "end": "2024-06-20"},
    {"member_id": 5, "start": "2024-06-22", "end": None},
    {"member_id": 9, "start": "2020-01-01", "end": "2024-06-20"},
    {"member_id": 9, "start": "2024-06-21", "end": "2024-12-31"},
]


def fuh(window: int) -> pd.DataFrame:
    """FUH cases for the fixture above."""
    frames = make_frames(FUH_EPISODES, FUH_CLAIMS, FUH_ENROLLMENT)
    return run_measure(frames, spec("follow_up_after_discharge", window_days=window), YEAR)


def test_fuh_7_days() -> None:
    cases = fuh(7)
    assert summary(cases) == {
        101: 0.0,  # visit on the discharge day only
        102: 1.0,  # day 7 counts
        103: 0.0,  # day 8 is too late for 7 days
        105: 1.0,  # only the last discharge of the chain
        108: 1.0,
        110: 1.0,
        111: 0.0,
        113: 0.0,  # an ED visit is not a follow-up visit
        114: 1.0,  # a PHP line whose span reaches days 1..3
    }
    assert cases.loc[cases["case_id"] == 108, "age_group"].item() == "child"
    assert cases.loc[cases["case_id"] == 105, "provider_id"].item() == 11


def test_fuh_30_days() -> None:
    expected = {101: 0.0, 102: 1.0, 103: 1.0, 105: 1.0, 108: 1.0, 110: 1.0, 111: 0.0}
    expected |= {113: 0.0, 114: 1.0}
    assert summary(fuh(30)) == expected


def test_fuh_lookahead_override() -> None:
    frames = make_frames(FUH_EPISODES, FUH_CLAIMS, FUH_ENROLLMENT)
    s = spec("follow_up_after_discharge", window_days=7, lookahead_days=29)
    assert 112 in summary(run_measure(frames, s, YEAR))


# --- ED return ------------------------------------------------------------------------------------


def test_ed_return() -> None:
    episodes = [
        ep(1, 1, "2024-02-20", "2024-03-01"),
        ep(2, 2, "2024-02-20", "2024-03-01"),
        ep(3, 3, "2024-02-20", "2024-03-01"),
        ep(4, 4, "2024-12-20", "2024-12-28"),  # after Dec 24: no full window
    ]
    claims = [
        cl("E1", 1, "2024-03-01", level="ED"),  # discharge day
        cl("E2", 2, "2024-03-08", level="ED"),  # day 7
        cl("E3", 3, "2024-03-09", level="ED"),  # day 8
        cl("E4", 3, "2024-03-02", level="OP"),  # not an ED visit
    ]
    frames = make_frames(episodes, claims)
    assert summary(run_measure(frames, spec("ed_return", window_days=7), YEAR)) == {
        1: 0.0,
        2: 1.0,
        3: 0.0,
    }
    assert summary(run_measure(frames, spec("ed_return", window_days=30), YEAR)) == {
        1: 0.0,
        2: 1.0,
        3: 1.0,
    }


# --- engagement -----------------------------------------------------------------------------------

ENGAGE_CLAIMS = [
    cl("C2", 1, "2024-02-01", provider=20),
    cl("C1", 1, "2024-02-01", provider=20, line=2),  # lowest claim id is the index visit
    cl("C3", 1, "2024-02-10", provider=20),
    cl("C4", 1, "2024-03-02", provider=20),  # day 30
    cl("C5", 1, "2024-02-05", provider=21),
    cl("C6", 1, "2024-02-06", provider=21),
    cl("C6", 1, "2024-02-06", provider=21, line=2),  # same day: one visit
    cl("D0", 2, "2023-12-20", provider=20),  # before the period
    cl("D1", 2, "2024-01-15", provider=20),
    cl("D2", 2, "2024-01-20", provider=20),
    cl("D3", 2, "2024-03-01", provider=20),  # day 46
    cl("F1", 3, "2024-12-15", provider=20),  # after Dec 1: excluded
    cl("G1", 4, "2024-05-01", provider=20),
    cl("G2", 4, "2024-05-05", provider=22),  # other provider: own case
    cl("G3", 4, "2024-05-06", provider=22, level="IOP"),
    cl("G4", 4, "2024-05-07", provider=20, level="PHP"),  # level not in the measure
    cl("G5", 4, "2024-05-08", provider=20, level="IOP"),
]


def test_engagement() -> None:
    members = pd.DataFrame(
        [{"member_id": 1, "birth_date": "2014-01-01", "dcf": True}],
    )
    frames = make_frames([], ENGAGE_CLAIMS, members=members)
    cases = run_measure(frames, spec("engagement", levels=("OP", "IOP"), window_days=30), YEAR)
    assert cases["case_id"].tolist() == ["D1", "C1", "G1", "C5", "G2"]
    assert cases["provider_id"].tolist() == [20, 20, 20, 21, 22]
    assert cases["numerator"].tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]
    assert cases["age_group"].tolist() == ["other", "child", "other", "child", "other"]
    assert cases["dcf"].tolist() == [False, True, False, True, False]


def test_engagement_min_visits_and_lookback() -> None:
    frames = make_frames([], ENGAGE_CLAIMS)
    one = spec("engagement", levels=("OP", "IOP"), window_days=30, min_visits=1)
    assert summary(run_measure(frames, one, YEAR)) == {
        "D1": 1.0,
        "C1": 1.0,
        "G1": 1.0,
        "C5": 1.0,
        "G2": 1.0,
    }
    new_only = spec("engagement", levels=("OP", "IOP"), window_days=30, lookback_days=60)
    assert "D1" not in summary(run_measure(frames, new_only, YEAR))


def test_engagement_member_attributes_from_episodes() -> None:
    episodes = [ep(1, 1, "2023-01-01", "2023-01-05", birth="2010-01-01", dcf=True)]
    frames = make_frames(episodes, ENGAGE_CLAIMS)
    cases = run_measure(frames, spec("engagement", levels=("OP",), window_days=30), YEAR)
    row = cases.loc[cases["case_id"] == "C1"]
    assert row["age_group"].item() == "adolescent"
    assert bool(row["dcf"].item()) is True


# --- step-up --------------------------------------------------------------------------------------


STEP_UP = [
    ep(1, 1, "2024-01-10", None, level="OP", provider=30),
    ep(2, 1, "2024-04-09", "2024-04-15"),  # day 90
    ep(3, 2, "2024-02-01", None, level="OP", provider=30),
    ep(4, 2, "2024-05-02", "2024-06-01", level="PRTF"),  # day 91
    ep(5, 3, "2024-03-01", None, level="IOP", provider=31),
    ep(6, 3, "2024-03-01", "2024-03-05"),  # same day
    ep(7, 4, "2024-03-01", None, level="OP", provider=30),
    ep(8, 4, "2024-02-20", "2024-03-10"),  # began before the outpatient episode
    ep(9, 5, "2024-10-15", None, level="OP", provider=30),  # after Oct 2: no full window
    ep(10, 6, "2024-01-05", "2024-02-01", level="OP", provider=30),
    ep(11, 6, "2024-03-01", None, level="OP", provider=30),  # second episode: not an index
    ep(12, 6, "2024-05-01", "2024-05-03"),  # day 117 from the first, 61 from the second
    ep(13, 7, "2024-06-01", None, level="OP", provider=30),
    ep(14, 7, "2024-07-01", "2024-07-03", level="PRTF"),  # residential counts
]


def test_step_up() -> None:
    episodes = STEP_UP
    s = spec("step_up", levels=("OP", "IOP"), window_days=90)
    cases = run_measure(make_frames(episodes), s, YEAR)
    assert summary(cases) == {1: 1.0, 3: 0.0, 7: 0.0, 10: 0.0, 13: 1.0, 5: 1.0}
    assert cases["case_id"].tolist() == [10, 1, 3, 7, 13, 5]
    acute_only = spec("step_up", levels=("OP", "IOP"), window_days=90, step_up_levels=["IP_PSY"])
    assert summary(run_measure(make_frames(episodes), acute_only, YEAR))[13] == 0.0


# --- empty inputs and reproducibility ---------------------------------------------------------


SPECS = [
    spec("discharges", unit="count"),
    spec("average_length_of_stay", unit="days"),
    spec("pct_discharges_delayed"),
    spec("average_delay_days", unit="days"),
    spec("readmission", window_days=7),
    spec("readmission", window_days=30),
    spec("follow_up_after_discharge", window_days=7),
    spec("follow_up_after_discharge", window_days=30),
    spec("ed_return", window_days=7),
    spec("engagement", levels=("OP", "IOP"), window_days=30),
    spec("step_up", levels=("OP", "IOP"), window_days=90),
]


def test_registry_covers_all_specs() -> None:
    assert {s.calculation for s in SPECS} == set(MEASURES)


@pytest.mark.parametrize("s", SPECS, ids=lambda s: s.calculation)
def test_empty_inputs(s: MeasureSpec) -> None:
    cases = run_measure(make_frames([], [], []), s, YEAR)
    assert cases.empty
    assert list(cases.columns) == list(CASE_COLUMNS)


def test_short_period_leaves_no_index_window() -> None:
    frames = make_frames(FUH_EPISODES, FUH_CLAIMS, FUH_ENROLLMENT)
    s = spec("follow_up_after_discharge", window_days=7)
    march = Period(date(2024, 3, 1), date(2024, 3, 31))  # index discharges on Mar 1 only
    assert summary(run_measure(frames, s, march)) == {102: 1.0}
    thirty_days = Period(date(2024, 3, 2), date(2024, 3, 31))
    assert run_measure(frames, s, thirty_days).empty


@pytest.mark.parametrize("s", SPECS, ids=lambda s: s.calculation)
def test_reproducible_and_independent_of_row_order(s: MeasureSpec) -> None:
    episodes = FUH_EPISODES + READMITS + STAYS + STEP_UP
    episodes = [dict(e, episode_id=e["episode_id"] + 1000 * i) for i, e in enumerate(episodes)]
    claims = FUH_CLAIMS + ENGAGE_CLAIMS
    frames = make_frames(episodes, claims)
    first = run_measure(frames, s, YEAR)
    pd.testing.assert_frame_equal(first, run_measure(frames, s, YEAR))
    shuffled = make_frames(
        [episodes[i] for i in np.random.default_rng(1).permutation(len(episodes))],
        [claims[i] for i in np.random.default_rng(2).permutation(len(claims))],
    )
    pd.testing.assert_frame_equal(first, run_measure(shuffled, s, YEAR))
    assert not first.empty


def test_input_frames_are_not_modified_and_any_index_works() -> None:
    episodes = pd.DataFrame(STAYS, columns=list(EPISODE_COLUMNS))
    episodes.index = range(100, 100 - len(episodes), -1)
    before = episodes.copy()
    frames = ParFrames(
        episodes,
        pd.DataFrame(columns=list(CLAIM_COLUMNS)),
        pd.DataFrame(columns=list(ENROLLMENT_COLUMNS)),
    )
    pd.testing.assert_frame_equal(episodes, before)
    cases = run_measure(frames, spec("average_length_of_stay", unit="days"), YEAR)
    assert summary(cases) == {1: 10.0, 2: 0.0, 8: 1.0, 3: 16.0, 7: 20.0}


# --- cross-check against a row-by-row reference on random data --------------------------------

ACUTE = ("IP_PSY", "IP_DETOX", "OBS_23H")
FOLLOW_UP = (
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


def random_fixture(seed: int) -> tuple[list[dict], list[dict], list[dict]]:
    """Small random episodes, claims and enrollment spans dense around the period edges."""
    rng = np.random.default_rng(seed)
    day0 = pd.Timestamp("2023-11-01")

    def day(lo: int, hi: int) -> pd.Timestamp:
        return day0 + pd.Timedelta(days=int(rng.integers(lo, hi)))

    levels = ["IP_PSY", "IP_DETOX", "OBS_23H", "PRTF", "OP", "IOP"]
    episodes, claims, enrollment = [], [], []
    for i in range(300):
        admitted = day(0, 480)
        stay = pd.Timedelta(days=int(rng.integers(0, 12)))
        episodes.append(
            ep(
                i + 1,
                int(rng.integers(1, 25)),
                str(admitted.date()),
                None if rng.random() < 0.05 else str((admitted + stay).date()),
                level=str(rng.choice(levels)),
                provider=int(rng.integers(10, 14)),
                dx=str(rng.choice(["F32.9", "F20.0", "F10.20"])),
                birth=str(rng.choice(["1980-05-05", "2018-06-01", "2012-03-03"])),
            )
        )
    for i in range(1500):
        start = day(0, 490)
        span = pd.Timedelta(days=int(rng.choice([0, 0, 0, 3])))
        level = str(rng.choice(["OP", "IOP", "PHP", "ED", "IP_PSY"]))
        claims.append(
            cl(
                f"K{i:05d}",
                int(rng.integers(1, 25)),
                str(start.date()),
                level,
                int(rng.integers(20, 23)),
                str((start + span).date()),
                int(rng.integers(1, 3)),
            )
        )
    for m in range(1, 25):
        for _ in range(int(rng.integers(0, 5))):
            start = day(-60, 480)
            end = (
                None
                if rng.random() < 0.3
                else str((start + pd.Timedelta(days=int(rng.integers(0, 400)))).date())
            )
            enrollment.append({"member_id": m, "start": str(start.date()), "end": end})
    return episodes, claims, enrollment


def _d(value: str | None) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)


def _next_gap(episodes: list[dict], e: dict, anchor: pd.Timestamp, pool: tuple) -> int | None:
    gaps = [
        (_d(o["admitted"]) - anchor).days
        for o in episodes
        if o["member_id"] == e["member_id"]
        and o["episode_id"] != e["episode_id"]
        and o["level_of_care"] in pool
        and _d(o["admitted"]) >= anchor
    ]
    return min(gaps) if gaps else None


def _any_claim(claims: list[dict], member: int, levels: tuple, lo: pd.Timestamp, hi: pd.Timestamp):
    return any(
        c["member_id"] == member
        and c["level_of_care"] in levels
        and _d(c["service_from"]) <= hi
        and _d(c["service_to"]) >= lo
        for c in claims
    )


def _enrolled(enrollment: list[dict], member: int, lo: pd.Timestamp, hi: pd.Timestamp) -> bool:
    spans = [
        (_d(s["start"]), _d(s["end"]) or pd.Timestamp("2200-01-01"))
        for s in enrollment
        if s["member_id"] == member
    ]
    days = pd.date_range(lo, hi)
    return all(any(a <= d <= b for a, b in spans) for d in days)


DAY_ = pd.Timedelta(days=1)
START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31")


def _psych_discharges(episodes: list[dict], last: pd.Timestamp) -> list[tuple[dict, pd.Timestamp]]:
    return [
        (e, _d(e["discharged"]))
        for e in episodes
        if e["level_of_care"] == "IP_PSY"
        and e["discharged"] is not None
        and START <= _d(e["discharged"]) <= last
    ]


def reference(name: str, window: int, data: tuple) -> dict:
    """Row-by-row restatement of the readmission, ED-return and FUH docstrings for 2024."""
    episodes, claims, enrollment = data
    last = END - (30 if name == "follow_up_after_discharge" else window) * DAY_
    out = {}
    for e, d in _psych_discharges(episodes, last):
        gap = _next_gap(episodes, e, d, ACUTE)
        after = (d + DAY_, d + window * DAY_)
        if name == "readmission" and gap != 0:
            out[e["episode_id"]] = float(gap is not None and gap <= window)
        elif name == "ed_return":
            out[e["episode_id"]] = float(_any_claim(claims, e["member_id"], ("ED",), *after))
        elif name == "follow_up_after_discharge" and _fuh_eligible(e, d, gap, enrollment):
            out[e["episode_id"]] = float(_any_claim(claims, e["member_id"], FOLLOW_UP, *after))
    return out


def _fuh_eligible(e: dict, d: pd.Timestamp, gap: int | None, enrollment: list[dict]) -> bool:
    age = age_in_years(pd.Series([_d(e["member_birth_date"])]), pd.Series([d])).iloc[0]
    return (
        (gap is None or gap > 30)
        and e["principal_dx"] != "F10.20"
        and age >= 6
        and _enrolled(enrollment, e["member_id"], d, d + 30 * DAY_)
    )


def reference_outpatient(name: str, data: tuple) -> dict:
    """Row-by-row engagement (OP/IOP, 30 days, 2 more visit days) and step-up (OP/IOP, 90)."""
    episodes, claims, _ = data
    start, end = START, END
    out = {}
    if name == "engagement":
        visits = [c for c in claims if c["level_of_care"] in ("OP", "IOP")]
        for pair in {(c["member_id"], c["provider_id"]) for c in visits}:
            mine = [c for c in visits if (c["member_id"], c["provider_id"]) == pair]
            days = sorted({_d(c["service_from"]) for c in mine})
            in_period = [x for x in days if start <= x <= end]
            if not in_period or in_period[0] > end - 30 * DAY_:
                continue
            first = in_period[0]
            index = min((c["claim_id"], c["line"]) for c in mine if _d(c["service_from"]) == first)
            more = [x for x in days if first < x <= first + 30 * DAY_]
            out[index[0]] = float(len(more) >= 2)
        return out
    index = {}
    for e in sorted(episodes, key=lambda e: (e["admitted"], e["episode_id"])):
        a = _d(e["admitted"])
        if e["level_of_care"] in ("OP", "IOP") and start <= a <= end - 90 * DAY_:
            index.setdefault((e["member_id"], e["provider_id"]), e)
    for e in index.values():
        gap = _next_gap(episodes, e, _d(e["admitted"]), ACUTE + ("PRTF",))
        out[e["episode_id"]] = float(gap is not None and gap <= 90)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_matches_row_by_row_reference(seed: int) -> None:
    data = random_fixture(seed)
    frames = make_frames(*data)
    for name in ("readmission", "ed_return", "follow_up_after_discharge"):
        for window in (7, 30):
            got = summary(run_measure(frames, spec(name, window_days=window), YEAR))
            assert got == reference(name, window, data), (name, window)
    engage = spec("engagement", levels=("OP", "IOP"), window_days=30)
    assert summary(run_measure(frames, engage, YEAR)) == reference_outpatient("engagement", data)
    step = spec("step_up", levels=("OP", "IOP"), window_days=90)
    assert summary(run_measure(frames, step, YEAR)) == reference_outpatient("step_up", data)
