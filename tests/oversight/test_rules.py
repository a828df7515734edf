"""Pure oversight rules: periods, agencies, age groups, consent coverage, small-cell suppression."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight import rules
from oversight.rules import (
    SUPPRESSED,
    ConsentTerms,
    consent_covers,
    export_period,
    last_full_quarter,
    requested_agency,
    suppress,
)

D = dt.date.fromisoformat
TODAY = D("2026-11-24")
UTC = dt.UTC


# ---- periods -------------------------------------------------------------------------------------


def test_quarter_and_month_periods():
    assert (export_period(label="2026Q3", today=TODAY).start, "2026Q3") == (
        D("2026-07-01"),
        "2026Q3",
    )
    month = export_period(label="2026-02", today=TODAY)
    assert (month.start, month.end) == (D("2026-02-01"), D("2026-02-28"))


def test_a_future_period_is_refused():
    with pytest.raises(ValueError, match="starts after today"):
        export_period(label="2027Q1", today=TODAY)
    with pytest.raises(ValueError, match="starts after today"):
        export_period(start=D("2026-12-01"), end=D("2026-12-31"), today=TODAY)


def test_a_reversed_period_is_refused():
    with pytest.raises(ValueError, match="ends .* before it starts"):
        export_period(start=D("2026-06-30"), end=D("2026-04-01"), today=TODAY)


@pytest.mark.parametrize("label", ["2026", "Q3 2026", "2026-13", ""])
def test_labels_other_than_month_or_quarter_are_refused(label):
    with pytest.raises(ValueError):
        export_period(label=label, today=TODAY)


def test_last_full_quarter():
    assert last_full_quarter(TODAY).label == "2026Q3"
    assert last_full_quarter(D("2026-02-10")).label == "2025Q4"
    assert last_full_quarter(D("2026-04-01")).label == "2026Q1"


# ---- agencies and ages ---------------------------------------------------------------------------


def test_an_agency_user_gets_its_own_agency_and_is_refused_another():
    assert requested_agency(own="DCF", asked=None, is_admin=False) == "DCF"
    assert requested_agency(own="DCF", asked="DCF", is_admin=False) == "DCF"
    with pytest.raises(ValueError, match="only your own agency"):
        requested_agency(own="DCF", asked="DSS", is_admin=False)
    with pytest.raises(ValueError, match="not linked to a state agency"):
        requested_agency(own="", asked=None, is_admin=False)


def test_an_administrator_names_an_agency():
    assert requested_agency(own="", asked="DMHAS", is_admin=True) == "DMHAS"
    with pytest.raises(ValueError, match="Unknown agency"):
        requested_agency(own="", asked="DOC", is_admin=True)


@pytest.mark.parametrize(
    ("age", "group"),
    [(0, rules.UNDER_3), (2, rules.UNDER_3), (3, rules.CHILD), (12, rules.CHILD)]
    + [(13, rules.ADOLESCENT), (17, rules.ADOLESCENT), (18, rules.ADULT), (64, rules.ADULT)],
)
def test_age_groups(age, group):
    assert rules.age_group(age) == group


@given(st.dates(min_value=D("1930-01-01"), max_value=D("2026-12-31")))
def test_cutoffs_agree_with_the_age_rule(birth):
    on = D("2026-06-30")
    by_cutoff = next((g for cutoff, g in rules.age_group_cutoffs(on) if birth <= cutoff), None)
    if birth <= on:
        assert (by_cutoff or rules.UNDER_3) == rules.age_group(rules.age_on(birth, on))


def test_scopes_are_data():
    assert rules.agency_scope("DSS").everyone
    assert rules.agency_scope("DCF").max_age == 18 and rules.agency_scope("DCF").dcf_involved
    assert rules.agency_scope("DMHAS").min_age == 18


# ---- 42 CFR Part 2 consent -----------------------------------------------------------------------

AT = dt.datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _terms(**kw) -> ConsentTerms:  # type: ignore[no-untyped-def]
    base = {
        "recipient": "DMHAS", "scope": "utilization", "effective": D("2026-01-01"), "expires": None,
        "revoked_at": None,
    }  # fmt: skip
    base.update(kw)
    return ConsentTerms(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("terms", "covered"),
    [
        (_terms(), True),
        (_terms(scope="all_records"), True),
        (_terms(recipient="DCF"), False),
        (_terms(scope="payment_only"), False),
        (_terms(effective=D("2026-11-25")), False),
        (_terms(expires=D("2026-11-24")), True),
        (_terms(expires=D("2026-11-23")), False),
        (_terms(revoked_at=AT - dt.timedelta(minutes=1)), False),
        (_terms(revoked_at=AT + dt.timedelta(days=1)), True),
    ],
    ids=[
        "in force",
        "all",
        "other agency",
        "scope",
        "not yet",
        "expires today",
        "expired",
        "revoked",
        "revoked later",
    ],
)
def test_consent_covers(terms, covered):
    assert consent_covers(terms, recipient="DMHAS", at=AT, on=D("2026-11-24")) is covered


# ---- small-cell suppression ----------------------------------------------------------------------


def _shown(table) -> list[list]:  # type: ignore[no-untyped-def]
    rows, cols = len(table.cells), len(table.column_totals)
    return [[table.shown(r, c) for c in range(cols + 1)] for r in range(rows + 1)]


def test_no_small_cells_nothing_hidden():
    table = suppress([[20, 30], [40, 50]])
    assert _shown(table) == [[20, 30, 50], [40, 50, 90], [60, 80, 140]]


def test_a_small_cell_and_its_complements():
    # 5 is hidden; its row and column would give it away, so the smallest other counts of that row
    # and column are hidden too, and then the cell closing the rectangle.
    table = suppress([[5, 40, 30], [25, 50, 60], [35, 45, 70]])
    s = SUPPRESSED
    assert _shown(table) == [
        [s, 40, s, 75],
        [s, 50, s, 135],
        [35, 45, 70, 150],
        [65, 135, 160, 360],
    ]


def test_zero_is_not_suppressed_but_can_be_a_complement():
    table = suppress([[0, 4], [12, 20]])
    s = SUPPRESSED
    # 4 hidden; row 0 = [0, 4 | 4]: its total is 4 (hidden too); column 1 = [4, 20 | 24] needs
    # another: 20; then row 1 and column 0 need one more each.
    shown = _shown(table)
    assert shown[0][1] == s and shown[0][2] == s
    for line in [*shown, *zip(*shown, strict=True)]:
        assert sum(1 for v in line if v == s) != 1


def test_a_single_column_table_hides_the_row_totals_too():
    # the column [3, 50 | 53] would give 3 away: 50 is hidden, and so are both row totals
    s = SUPPRESSED
    assert _shown(suppress([[3], [50]])) == [[s, s], [s, s], [53, 53]]


counts = st.integers(min_value=0, max_value=40)
tables = st.integers(1, 5).flatmap(
    lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=1, max_size=6)
)


@given(tables)
def test_suppression_properties(cells):
    table = suppress(cells)
    shown = _shown(table)
    # every count from 1 to 10 is hidden, margins included
    full = [[*row, sum(row)] for row in cells]
    full.append([sum(col) for col in zip(*full, strict=True)])
    for r, row in enumerate(full):
        for c, value in enumerate(row):
            if 1 <= value <= 10:
                assert shown[r][c] == SUPPRESSED
            elif shown[r][c] != SUPPRESSED:
                assert shown[r][c] == value
    # no line has exactly one hidden value: none can be worked out by subtraction
    for line in [*shown, *zip(*shown, strict=True)]:
        assert sum(1 for v in line if v == SUPPRESSED) != 1
