"""Tests for the pure ICM rules: candidate identification and assignment."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from care.rules import (
    ALREADY_ASSIGNED,
    CANDIDATE_COLUMNS,
    INACTIVE,
    NO_WORKER,
    NOT_ICM,
    AssignmentChoice,
    CandidateFacts,
    IcmWorker,
    TriggerSpec,
    assign_batch,
    check_manual_assignment,
    choose_icm,
    has_new_evidence,
    identify_candidates,
    manual_reasons,
    neediest_first,
)

AS_OF = date(2025, 6, 30)
WINDOW_START = date(2024, 6, 30)  # 12 months back, exclusive
CATEGORY = {
    "IP_PSY": "acute",
    "IP_DETOX": "acute",
    "OBS_23H": "acute",
    "PRTF": "residential",
    "RTC": "residential",
    "GROUP_HOME": "residential",
    "RES_DETOX": "residential",
    "PHP": "intermediate",
    "OP": "outpatient",
}

REPEAT = TriggerSpec("REPEAT_ADMITS", "repeat_admissions", "3+ admissions", {"admissions": 3})
READMIT = TriggerSpec("READMIT_30", "readmission", "30-day readmission", {"days": 30})
DELAY = TriggerSpec("DISCHARGE_DELAY", "discharge_delay", "Delay", {"min_delay_days": 1})
LONG = TriggerSpec("LONG_STAY", "long_stay", "Acute stay over 30 days", {"days": 30})
PLACEMENT = TriggerSpec("PLACEMENT", "placement", "Placement or step-down", {})
CO_OCCURRING = TriggerSpec("CO_OCCURRING", "co_occurring", "MH and SUD", {})
REFERRAL = TriggerSpec("REFERRAL", "referral", "Referral", {})
ALL = (REPEAT, READMIT, DELAY, LONG, PLACEMENT, CO_OCCURRING, REFERRAL)


def day(n: int) -> date:
    """``n`` days before AS_OF."""
    return AS_OF - timedelta(days=n)


def episodes(*rows: tuple[Any, ...]) -> pd.DataFrame:
    """Rows of (episode_id, member_id, level, admitted, discharged[, delay_days[, diagnosis]])."""
    records = []
    for row in rows:
        eid, member, level, admitted, discharged, *rest = row
        records.append(
            {
                "episode_id": eid,
                "member_id": member,
                "level_of_care": level,
                "category": CATEGORY[level],
                "admitted": pd.Timestamp(admitted),
                "discharged": pd.Timestamp(discharged) if discharged else pd.NaT,
                "delay_days": rest[0] if rest else 0,
                "diagnoses": rest[1] if len(rest) > 1 else "F32.1",
            }
        )
    columns = [
        "episode_id",
        "member_id",
        "level_of_care",
        "category",
        "admitted",
        "discharged",
        "delay_days",
        "diagnoses",
    ]
    frame = pd.DataFrame(records, columns=columns)
    return frame.astype({"admitted": "datetime64[ns]", "discharged": "datetime64[ns]"})


def no_diagnoses() -> pd.DataFrame:
    return pd.DataFrame({"member_id": pd.Series(dtype="int64"), "code": pd.Series(dtype=str)})


def no_referrals() -> pd.DataFrame:
    return pd.DataFrame(
        {"member_id": pd.Series(dtype="int64"), "referral_id": pd.Series(dtype=str)}
    )


def run(
    triggers: tuple[TriggerSpec, ...],
    eps: pd.DataFrame | None = None,
    *,
    dx: pd.DataFrame | None = None,
    refs: pd.DataFrame | None = None,
    active: Any = (),
) -> dict[Any, dict[str, tuple[Any, ...]]]:
    """member_id -> evidence, after checking that triggers are the sorted evidence keys."""
    out = identify_candidates(
        triggers,
        episodes=episodes() if eps is None else eps,
        diagnoses=no_diagnoses() if dx is None else dx,
        referrals=no_referrals() if refs is None else refs,
        active=active,
        as_of=AS_OF,
    )
    assert list(out.columns) == list(CANDIDATE_COLUMNS)
    for row in out.itertuples():
        assert row.triggers == tuple(sorted(row.evidence))
    return dict(zip(out["member_id"], out["evidence"], strict=True))


# --- repeat admissions ----------------------------------------------------------------------


@pytest.mark.parametrize(("count", "expected"), [(2, {}), (3, {1: {"REPEAT_ADMITS": (1, 2, 3)}})])
def test_repeat_admissions_needs_three(count: int, expected: dict[Any, Any]) -> None:
    rows = [(i, 1, "IP_PSY", day(100 * i), day(100 * i - 5)) for i in range(1, count + 1)]
    assert run((REPEAT,), episodes(*rows)) == expected


def test_repeat_admissions_window_is_twelve_months_ending_on_as_of() -> None:
    inside = [(2, 1, "IP_PSY", "2025-01-01", "2025-01-05"), (3, 1, "IP_PSY", AS_OF, None)]
    on_start = episodes((1, 1, "IP_PSY", WINDOW_START, "2024-07-03"), *inside)
    after_start = episodes((1, 1, "IP_PSY", "2024-07-01", "2024-07-03"), *inside)
    future = episodes(*inside, (4, 1, "IP_PSY", "2025-07-01", None))
    assert run((REPEAT,), on_start) == {}
    assert run((REPEAT,), after_start) == {1: {"REPEAT_ADMITS": (1, 2, 3)}}
    assert run((REPEAT,), future) == {}


def test_repeat_admissions_count_acute_levels_only_unless_levels_given() -> None:
    eps = episodes(
        (1, 1, "IP_PSY", day(90), day(85)),
        (2, 1, "OBS_23H", day(60), day(59)),
        (3, 1, "PHP", day(30), day(20)),
        (4, 1, "IP_DETOX", day(10), day(5)),
    )
    assert run((REPEAT,), eps) == {1: {"REPEAT_ADMITS": (1, 2, 4)}}
    inpatient = replace(REPEAT, params={"admissions": 3, "levels": ["IP_PSY", "IP_DETOX"]})
    assert run((inpatient,), eps) == {}


# --- readmission --------------------------------------------------------------------------


@pytest.mark.parametrize(("gap", "hit"), [(0, False), (1, True), (30, True), (31, False)])
def test_readmission_counts_days_1_to_30_after_discharge(gap: int, hit: bool) -> None:
    eps = episodes((1, 7, "IP_PSY", day(120), day(100)), (2, 7, "IP_DETOX", day(100 - gap), None))
    assert run((READMIT,), eps) == ({7: {"READMIT_30": (1, 2)}} if hit else {})


def test_readmission_index_discharge_may_precede_the_window() -> None:
    eps = episodes(
        (1, 7, "IP_PSY", "2024-06-01", "2024-06-20"),
        (2, 7, "IP_PSY", "2024-07-10", "2024-07-20"),
    )
    assert run((READMIT,), eps) == {7: {"READMIT_30": (1, 2)}}


def test_readmission_before_the_window_does_not_count() -> None:
    eps = episodes(
        (1, 7, "IP_PSY", "2024-05-01", "2024-06-10"),
        (2, 7, "IP_PSY", WINDOW_START, "2024-07-05"),
    )
    assert run((READMIT,), eps) == {}


def test_readmission_follows_the_latest_acute_discharge_only() -> None:
    eps = episodes(
        (1, 7, "IP_PSY", "2024-12-01", "2025-01-01"),
        (2, 7, "IP_PSY", "2025-02-01", "2025-02-15"),  # 31 days after stay 1
        (3, 7, "RTC", "2025-02-20", "2025-03-01"),  # not acute
        (4, 7, "IP_PSY", "2025-03-10", "2025-03-12"),  # 23 days after stay 2
    )
    assert run((READMIT,), eps) == {7: {"READMIT_30": (2, 4)}}


def test_readmission_ignores_non_acute_admissions_and_other_members() -> None:
    eps = episodes(
        (1, 7, "IP_PSY", day(50), day(40)),
        (2, 7, "PRTF", day(35), None),
        (3, 8, "IP_PSY", day(30), None),
    )
    assert run((READMIT,), eps) == {}


def test_readmission_window_length_is_a_parameter() -> None:
    eps = episodes((1, 7, "IP_PSY", day(60), day(50)), (2, 7, "IP_PSY", day(40), day(35)))
    seven = replace(READMIT, code="READMIT_7", params={"days": 7})
    assert run((READMIT, seven), eps) == {7: {"READMIT_30": (1, 2)}}


# --- discharge delay ----------------------------------------------------------------------


@pytest.mark.parametrize(("delay", "minimum", "hit"), [(0, 1, False), (1, 1, True), (2, 3, False)])
def test_discharge_delay_threshold(delay: int, minimum: int, hit: bool) -> None:
    eps = episodes((1, 3, "IP_PSY", day(40), day(10), delay))
    trigger = replace(DELAY, params={"min_delay_days": minimum})
    assert run((trigger,), eps) == ({3: {"DISCHARGE_DELAY": (1,)}} if hit else {})


def test_discharge_delay_needs_a_stay_ending_in_the_window_or_open() -> None:
    eps = episodes(
        (1, 3, "IP_PSY", "2024-05-01", WINDOW_START, 4),  # ended on the excluded start day
        (2, 4, "PRTF", "2024-05-01", None, 9),  # still waiting for placement
        (3, 5, "IP_PSY", day(20), "2025-07-15", 2),  # discharged after as_of: open on as_of
        (4, 6, "IP_PSY", "2024-06-01", "2024-07-01", 3),
    )
    assert run((DELAY,), eps) == {
        4: {"DISCHARGE_DELAY": (2,)},
        5: {"DISCHARGE_DELAY": (3,)},
        6: {"DISCHARGE_DELAY": (4,)},
    }


# --- long stay ----------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "hit"), [(30, False), (31, True)])
def test_long_stay_is_over_30_days(length: int, hit: bool) -> None:
    ended = episodes((1, 2, "IP_PSY", day(100), day(100 - length)))
    ongoing = episodes((1, 2, "IP_PSY", day(length), None))
    expected = {2: {"LONG_STAY": (1,)}} if hit else {}
    assert run((LONG,), ended) == expected
    assert run((LONG,), ongoing) == expected


def test_long_stay_ignores_non_acute_and_stays_ended_before_the_window() -> None:
    eps = episodes(
        (1, 2, "PRTF", day(200), day(50)),
        (2, 3, "IP_PSY", "2024-01-01", WINDOW_START),
        (3, 4, "IP_PSY", "2024-06-01", "2024-07-02"),  # 31 days, ends inside
    )
    assert run((LONG,), eps) == {4: {"LONG_STAY": (3,)}}


# --- placement ----------------------------------------------------------------------------


def test_placement_is_an_admission_to_or_discharge_from_a_placement_level() -> None:
    eps = episodes(
        (1, 1, "PRTF", day(10), None),  # placed
        (2, 2, "RTC", "2024-01-01", day(5)),  # stepped down
        (3, 3, "GROUP_HOME", "2024-01-01", None),  # placed long before, still there
        (4, 4, "RES_DETOX", day(10), day(5)),  # residential, not a placement
        (5, 5, "GROUP_HOME", "2024-01-01", WINDOW_START),  # left on the excluded day
        (6, 6, "PRTF", WINDOW_START + timedelta(days=1), None),
    )
    assert run((PLACEMENT,), eps) == {
        1: {"PLACEMENT": (1,)},
        2: {"PLACEMENT": (2,)},
        6: {"PLACEMENT": (6,)},
    }


# --- co-occurring -------------------------------------------------------------------------


def test_co_occurring_needs_mental_health_and_substance_use_codes() -> None:
    dx = pd.DataFrame(
        {
            "member_id": [1, 1, 1, 2, 3, 3, 4, 4],
            "code": ["F32.1", "f10.20 ", "Z63.0", "F32.1", "F10.20", "F11.20", "F20.9", "F19.10"],
        }
    )
    assert run((CO_OCCURRING,), dx=dx) == {
        1: {"CO_OCCURRING": ("F10.20", "F32.1")},
        4: {"CO_OCCURRING": ("F19.10", "F20.9")},
    }


def test_co_occurring_uses_principal_diagnoses_of_stays_in_the_window() -> None:
    eps = episodes(
        (1, 1, "IP_DETOX", day(40), day(35), 0, "F11.20"),
        (2, 2, "IP_DETOX", "2023-01-01", "2023-01-05", 0, "F11.20"),
    )
    dx = pd.DataFrame({"member_id": [1, 2], "code": ["F31.9", "F31.9"]})
    assert run((CO_OCCURRING,), eps, dx=dx) == {1: {"CO_OCCURRING": ("F11.20", "F31.9")}}


def test_co_occurring_levels_keep_codes_recorded_at_those_levels_only() -> None:
    eps = episodes((1, 1, "IP_DETOX", day(40), day(35), 0, "F11.20"))
    dx = pd.DataFrame(
        {"member_id": [1, 1, 2, 2], "code": ["F31.9", "F32.1", "F10.20", "F33.1"]}
    ).assign(level_of_care=["OP", "IP_PSY", "OP", "OP"])
    inpatient = replace(CO_OCCURRING, params={"levels": ["IP_PSY", "IP_DETOX"]})
    assert run((inpatient,), eps, dx=dx) == {1: {"CO_OCCURRING": ("F11.20", "F32.1")}}
    assert run((CO_OCCURRING,), eps, dx=dx) == {
        1: {"CO_OCCURRING": ("F11.20", "F31.9", "F32.1")},
        2: {"CO_OCCURRING": ("F10.20", "F33.1")},
    }


def test_co_occurring_levels_drop_diagnoses_without_a_level_column() -> None:
    dx = pd.DataFrame({"member_id": [1, 1], "code": ["F33.1", "F10.20"]})
    inpatient = replace(CO_OCCURRING, params={"levels": ["IP_PSY"]})
    assert run((inpatient,), dx=dx) == {}


def test_co_occurring_exclusions_are_parameters() -> None:
    dx = pd.DataFrame({"member_id": [1, 1], "code": ["F33.1", "F17.210"]})
    no_nicotine = replace(CO_OCCURRING, params={"exclude": ["F17"]})
    assert run((CO_OCCURRING,), dx=dx) == {1: {"CO_OCCURRING": ("F17.210", "F33.1")}}
    assert run((no_nicotine,), dx=dx) == {}


# --- referral and output ------------------------------------------------------------------


def test_referral_evidence_is_the_sorted_referral_ids() -> None:
    refs = pd.DataFrame({"member_id": [9, 9, 8], "referral_id": ["R-2", "R-1", "R-3"]})
    assert run((REFERRAL,), refs=refs) == {
        8: {"REFERRAL": ("R-3",)},
        9: {"REFERRAL": ("R-1", "R-2")},
    }


def busy_member_inputs() -> dict[str, pd.DataFrame]:
    """Member 5 meets five triggers; member 2 a referral; member 3 a long stay."""
    eps = episodes(
        (10, 5, "IP_PSY", day(200), day(190), 0, "F20.9"),
        (11, 5, "IP_PSY", day(180), day(170), 2),
        (12, 5, "IP_DETOX", day(100), None, 0, "F10.20"),
        (13, 3, "IP_PSY", day(40), None),
    )
    refs = pd.DataFrame({"member_id": [2], "referral_id": ["R-9"]})
    return {"eps": eps, "refs": refs}


def test_members_get_every_trigger_met_with_its_evidence_in_member_order() -> None:
    inputs = busy_member_inputs()
    out = identify_candidates(
        ALL,
        episodes=inputs["eps"],
        diagnoses=no_diagnoses(),
        referrals=inputs["refs"],
        active=set(),
        as_of=AS_OF,
    )
    assert out.to_dict("records") == [
        {"member_id": 2, "triggers": ("REFERRAL",), "evidence": {"REFERRAL": ("R-9",)}},
        {"member_id": 3, "triggers": ("LONG_STAY",), "evidence": {"LONG_STAY": (13,)}},
        {
            "member_id": 5,
            "triggers": (
                "CO_OCCURRING",
                "DISCHARGE_DELAY",
                "LONG_STAY",
                "READMIT_30",
                "REPEAT_ADMITS",
            ),
            "evidence": {
                "CO_OCCURRING": ("F10.20", "F20.9", "F32.1"),
                "DISCHARGE_DELAY": (11,),
                "LONG_STAY": (12,),
                "READMIT_30": (10, 11),
                "REPEAT_ADMITS": (10, 11, 12),
            },
        },
    ]


@pytest.mark.parametrize("active", [{5, 99}, pd.Index([5]), [5]])
def test_members_with_an_active_icm_are_left_out(active: Any) -> None:
    inputs = busy_member_inputs()
    assert set(run(ALL, inputs["eps"], refs=inputs["refs"], active=active)) == {2, 3}


@pytest.mark.parametrize("eligible", [{2, 5}, np.array([2, 5]), pd.Index([2, 5, 77])])
def test_only_eligible_members_can_be_candidates_when_eligibility_is_given(eligible: Any) -> None:
    inputs = busy_member_inputs()
    out = identify_candidates(
        ALL,
        episodes=inputs["eps"],
        diagnoses=no_diagnoses(),
        referrals=inputs["refs"],
        active=np.array([5]),
        as_of=AS_OF,
        eligible=eligible,
    )
    assert out["member_id"].tolist() == [2]


@pytest.mark.parametrize(
    ("previous", "current", "new"),
    [
        ({"READMIT_30": [10, 11]}, {"READMIT_30": (10, 11)}, False),
        ({"READMIT_30": [10, 11]}, {"READMIT_30": (11,)}, False),
        ({"READMIT_30": [10, 11]}, {"READMIT_30": (11, 12)}, True),
        ({"READMIT_30": [10, 11]}, {"READMIT_30": (10, 11), "LONG_STAY": (11,)}, True),
        ({"REFERRAL": ["3"]}, {"REFERRAL": (3,)}, False),
        ({}, {"CO_OCCURRING": ("F10.20", "F32.1")}, True),
    ],
)
def test_a_decided_member_comes_back_only_on_new_evidence(
    previous: dict[str, Any], current: dict[str, Any], new: bool
) -> None:
    assert has_new_evidence(previous, current) is new


def test_all_candidates_active_gives_an_empty_frame() -> None:
    inputs = busy_member_inputs()
    assert run(ALL, inputs["eps"], refs=inputs["refs"], active={2, 3, 5}) == {}


def test_empty_inputs_give_an_empty_frame_with_the_columns() -> None:
    bare_episodes = pd.DataFrame(columns=list(episodes().columns))
    out = identify_candidates(
        ALL,
        episodes=bare_episodes,
        diagnoses=pd.DataFrame(columns=["member_id", "code"]),
        referrals=pd.DataFrame(columns=["member_id", "referral_id"]),
        active=[],
        as_of=AS_OF,
    )
    assert out.empty
    assert list(out.columns) == list(CANDIDATE_COLUMNS)
    assert run((), busy_member_inputs()["eps"]) == {}


def test_row_order_does_not_change_the_result() -> None:
    inputs = busy_member_inputs()
    dx = pd.DataFrame({"member_id": [3, 3, 2], "code": ["F43.10", "F12.20", "F90.0"]})
    first = run(ALL, inputs["eps"], dx=dx, refs=inputs["refs"])
    shuffled = inputs["eps"].sample(frac=1, random_state=3)
    again = run(ALL, shuffled, dx=dx.iloc[::-1], refs=inputs["refs"])
    assert list(first) == list(again) == [2, 3, 5]
    assert first == again


def test_member_ids_may_be_strings_with_leading_zeros() -> None:
    eps = episodes((1, "000000042", "IP_PSY", day(40), None))
    assert run((LONG,), eps) == {"000000042": {"LONG_STAY": (1,)}}


def test_bad_trigger_lists_and_frames_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown ICM trigger kind"):
        run((TriggerSpec("X", "astrology", "x", {}),))
    with pytest.raises(ValueError, match="appears more than once"):
        run((LONG, LONG))
    with pytest.raises(ValueError, match="lacks the columns delay_days"):
        run((LONG,), episodes().drop(columns=["delay_days"]))
    with pytest.raises(ValueError, match="does not use the parameters admission, day"):
        run((replace(REPEAT, params={"admission": 2, "day": 1}),))


FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "icm_triggers.yaml"


def fixture_triggers() -> list[TriggerSpec]:
    rows = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["rows"] if FIXTURE.exists() else []
    return [TriggerSpec(r["code"], r["kind"], r["label"], r.get("params") or {}) for r in rows]


@pytest.mark.skipif(not FIXTURE.exists(), reason="fixtures/icm_triggers.yaml not there yet")
@pytest.mark.parametrize("trigger", fixture_triggers(), ids=lambda t: t.code)
def test_every_reviewed_trigger_row_runs(trigger: TriggerSpec) -> None:
    inputs = busy_member_inputs()
    placed = episodes((20, 4, "PRTF", day(15), None))
    eps = pd.concat([inputs["eps"], placed], ignore_index=True)
    dx = pd.DataFrame({"member_id": [3], "code": ["F12.20"]})
    found = run((trigger,), eps, dx=dx, refs=inputs["refs"])
    assert found, f"{trigger.code} finds nobody in the busy-member example"


# --- a brute-force oracle for the acute-admission triggers --------------------------------

stay = st.tuples(
    st.integers(1, 3),  # member
    st.sampled_from(["IP_PSY", "OBS_23H", "PRTF", "PHP"]),
    st.integers(-20, 420),  # admitted, days before AS_OF (negative: after AS_OF)
    st.one_of(st.none(), st.integers(0, 45)),  # length; None: still admitted
)


def oracle(rows: list[tuple[int, str, int, int | None]]) -> dict[int, set[str]]:
    """Straight loops over the trigger definitions, as a reviewer would check them by hand."""
    found: dict[int, set[str]] = {}
    # (member, admitted, discharged or None as seen on AS_OF) for acute stays begun by AS_OF
    acute = []
    for member, level, back, length in rows:
        out = None if length is None or length > back else day(back - length)
        if CATEGORY[level] == "acute" and back >= 0:
            acute.append((member, day(back), out))
    for member, admitted, out in acute:
        if (
            admitted > WINDOW_START
            and sum(1 for m, a, _ in acute if m == member and WINDOW_START < a <= AS_OF) >= 3
        ):
            found.setdefault(member, set()).add("REPEAT_ADMITS")
        earlier = [o for m, _, o in acute if m == member and o is not None and o < admitted]
        if admitted > WINDOW_START and earlier and (admitted - max(earlier)).days <= 30:
            found.setdefault(member, set()).add("READMIT_30")
        end = out or AS_OF
        if end > WINDOW_START and (end - admitted).days > 30:
            found.setdefault(member, set()).add("LONG_STAY")
    return found


@settings(max_examples=60, deadline=None)  # each example runs pandas; boundaries are pinned above
@given(st.lists(stay, max_size=12))
def test_acute_triggers_match_a_brute_force_reading(rows: list[Any]) -> None:
    eps = episodes(
        *(
            (i, member, level, day(back), None if length is None else day(back - length))
            for i, (member, level, back, length) in enumerate(rows)
        )
    )
    got = run((REPEAT, READMIT, LONG), eps)
    assert {m: set(ev) for m, ev in got.items()} == oracle(rows)


# --- assignment ---------------------------------------------------------------------------


def icm(
    user_id: int,
    regions: str = "NORTH",
    languages: str = "en",
    caseload: int = 0,
    cap: int = 50,
    *,
    active: bool = True,
) -> IcmWorker:
    return IcmWorker(
        user_id=user_id,
        regions=frozenset(regions.split()),
        languages=frozenset(languages.split()),
        caseload=caseload,
        cap=cap,
        active=active,
    )


def member(member_id: int = 1, region: str = "NORTH", language: str = "en", *past: int) -> Any:
    return CandidateFacts(member_id=member_id, region=region, language=language, past_icm_ids=past)


def test_region_outranks_language() -> None:
    workers = [icm(1, "SOUTH", "es"), icm(2, "NORTH", "en")]
    assert choose_icm(member(1, "NORTH", "es"), workers) == AssignmentChoice(2, ("same_region",))


def test_shared_language_wins_within_the_region() -> None:
    workers = [icm(1, "NORTH", "en", caseload=0), icm(2, "NORTH", "en es", caseload=45)]
    choice = choose_icm(member(1, "NORTH", "es"), workers)
    assert choice == AssignmentChoice(2, ("same_region", "shared_language"))


def test_continuity_with_a_past_icm_wins() -> None:
    workers = [icm(1, "NORTH", "es", caseload=0), icm(2, "NORTH WEST", "en", caseload=40)]
    choice = choose_icm(member(1, "NORTH", "es", 2), workers)
    assert choice == AssignmentChoice(2, ("continuity", "same_region"))


@pytest.mark.parametrize(
    "past",
    [
        icm(2, "NORTH", caseload=50, cap=50),  # full
        icm(2, "SOUTH"),  # moved to another region
        icm(2, "NORTH", active=False),  # not taking members
    ],
)
def test_continuity_needs_room_and_the_region(past: IcmWorker) -> None:
    workers = [icm(1, "NORTH", caseload=30), past]
    assert choose_icm(member(1, "NORTH", "en", 2), workers).user_id == 1


def test_the_most_recent_eligible_past_icm_is_chosen() -> None:
    workers = [icm(1), icm(2, caseload=50, cap=50), icm(3), icm(4)]
    assert choose_icm(member(1, "NORTH", "en", 2, 4, 3), workers).user_id == 4


def test_full_and_inactive_icms_are_never_chosen() -> None:
    workers = [icm(1, cap=10, caseload=10), icm(2, active=False), icm(3, cap=0)]
    assert choose_icm(member(), workers) == AssignmentChoice(None, ("no_capacity",))
    assert choose_icm(member(), []) == AssignmentChoice(None, ("no_capacity",))


def test_outside_the_region_is_a_last_resort_and_flagged() -> None:
    workers = [icm(1, "SOUTH", "es", caseload=10), icm(2, "EAST", "en", caseload=40)]
    assert choose_icm(member(1, "NORTH", "es"), workers) == AssignmentChoice(
        1, ("outside_region", "shared_language")
    )


def test_lightest_caseload_is_by_ratio_then_user_id() -> None:
    by_ratio = [icm(1, caseload=30, cap=50), icm(2, caseload=21, cap=40)]  # 0.6 vs 0.525
    assert choose_icm(member(), by_ratio) == AssignmentChoice(
        2, ("same_region", "shared_language", "lightest_caseload")
    )
    even = [icm(7, caseload=20, cap=40), icm(3, caseload=25, cap=50)]
    assert choose_icm(member(), even).user_id == 3


def test_a_batch_spreads_over_the_icms_of_a_tier_and_stops_at_the_cap() -> None:
    workers = [icm(1, caseload=1, cap=3), icm(2, caseload=0, cap=3), icm(3, "SOUTH")]
    choices = assign_batch([member(i) for i in range(1, 7)], workers)
    assert [c.user_id for c in choices] == [2, 1, 2, 1, 2, 3]
    assert choices[-1].reasons == ("outside_region", "shared_language")
    assert workers[0].caseload == 1  # inputs are not changed


def test_a_batch_reports_no_capacity_once_everyone_is_full() -> None:
    choices = assign_batch([member(1), member(2)], [icm(1, cap=1)])
    assert choices == [
        AssignmentChoice(1, ("same_region", "shared_language")),
        AssignmentChoice(None, ("no_capacity",)),
    ]


def test_a_batch_refuses_duplicates() -> None:
    with pytest.raises(ValueError, match="Member 1 appears more than once"):
        assign_batch([member(1), member(1)], [icm(1)])
    with pytest.raises(ValueError, match="Intensive care manager 1 appears more than once"):
        assign_batch([member(1)], [icm(1), icm(1)])


workers_strategy = st.lists(
    st.builds(
        icm,
        st.integers(1, 30),
        st.sampled_from(["NORTH", "SOUTH", "NORTH SOUTH"]),
        st.sampled_from(["en", "es", "en es"]),
        st.integers(0, 6),
        st.integers(0, 6),
        active=st.booleans(),
    ),
    max_size=6,
    unique_by=lambda w: w.user_id,
)
candidates_strategy = st.lists(
    st.builds(
        member,
        st.integers(1, 10_000),
        st.sampled_from(["NORTH", "SOUTH", "WEST"]),
        st.sampled_from(["en", "es", "pt"]),
        st.integers(1, 30),
    ),
    max_size=25,
    unique_by=lambda c: c.member_id,
)


@settings(max_examples=200, deadline=None)
@given(workers_strategy, candidates_strategy)
def test_a_batch_never_exceeds_a_cap_and_fills_what_room_there_is(
    workers: list[IcmWorker], candidates: list[CandidateFacts]
) -> None:
    choices = assign_batch(candidates, workers)
    assert choices == assign_batch(candidates, workers)
    by_id = {w.user_id: w for w in workers}
    added = {w.user_id: 0 for w in workers}
    for choice in choices:
        if choice.user_id is not None:
            added[choice.user_id] += 1
    for user_id, count in added.items():
        worker = by_id[user_id]
        assert count == 0 or (worker.active and worker.caseload + count <= worker.cap)
    room = sum(max(w.cap - w.caseload, 0) for w in workers if w.active)
    assert sum(added.values()) == min(len(candidates), room)


# --- manual assignment --------------------------------------------------------------------


def codes(refusals: tuple[tuple[str, str], ...]) -> list[str]:
    return [code for code, _ in refusals]


def test_a_manual_choice_with_room_is_allowed() -> None:
    worker = icm(1, caseload=49, cap=50)
    assert (
        check_manual_assignment(
            worker, is_icm=True, member_already_assigned=False, override_reason=None
        )
        == ()
    )


@pytest.mark.parametrize(("reason", "refused"), [(None, True), ("  ", True), ("Sibling", False)])
def test_going_over_the_cap_needs_a_reason(reason: str | None, refused: bool) -> None:
    worker = icm(1, caseload=50, cap=50)
    result = check_manual_assignment(
        worker, is_icm=True, member_already_assigned=False, override_reason=reason
    )
    assert codes(result) == (["over_cap"] if refused else [])
    if refused:
        assert "50 members (cap 50)" in result[0][1]


def test_manual_refusals_are_all_listed() -> None:
    assert check_manual_assignment(
        icm(1), is_icm=False, member_already_assigned=True, override_reason=None
    ) == (("not_icm", NOT_ICM), ("already_assigned", ALREADY_ASSIGNED))
    assert check_manual_assignment(
        None, is_icm=True, member_already_assigned=False, override_reason=None
    ) == (("no_worker", NO_WORKER),)
    inactive_full = icm(1, caseload=3, cap=3, active=False)
    assert codes(
        check_manual_assignment(
            inactive_full, is_icm=True, member_already_assigned=True, override_reason=None
        )
    ) == ["inactive", "over_cap", "already_assigned"]
    assert check_manual_assignment(
        icm(1, active=False), is_icm=True, member_already_assigned=False, override_reason=None
    ) == (("inactive", INACTIVE),)


def test_a_supervisors_choice_records_the_fit_and_the_override() -> None:
    member = CandidateFacts(1, "R1", "es")
    room = IcmWorker(7, frozenset({"R1"}), frozenset({"en", "es"}), caseload=10, cap=45)
    full = replace(room, caseload=45)
    assert manual_reasons(member, room) == ("supervisor", "same_region", "shared_language")
    assert manual_reasons(member, full) == (
        "supervisor",
        "same_region",
        "shared_language",
        "over_cap",
    )
    assert manual_reasons(None, room) == ("supervisor",)


def test_automatic_assignment_serves_the_most_triggers_then_the_longest_waiting() -> None:
    rows = [(5, 1, date(2025, 1, 2)), (3, 2, date(2025, 1, 5)), (4, 1, date(2025, 1, 1))]
    rows.append((2, 1, date(2025, 1, 1)))
    assert neediest_first(rows) == [3, 2, 4, 5]
