"""Pure rules of the provider file: offering spans, terminations, row checks (no database)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from providers.imports.layout import COLUMN_NAMES
from providers.imports.rows import FileRow, Lookups, Rejection, parse_date, parse_row
from providers.rules import OfferingSpan, end_open_offering, offering_conflict, termination_refusals
from tests.providers.files import row

DAY0 = dt.date(2026, 1, 1)
LOOKUPS = Lookups(towns={"hartford": (1, 4)}, levels={"OP": 7})


@st.composite
def spans(draw):  # type: ignore[no-untyped-def]
    start = DAY0 + dt.timedelta(days=draw(st.integers(0, 40)))
    length = draw(st.one_of(st.none(), st.integers(0, 20)))
    end = None if length is None else start + dt.timedelta(days=length)
    return OfferingSpan(start, end, "x")


def _days(span: OfferingSpan) -> set[dt.date]:
    last = span.end or DAY0 + dt.timedelta(days=100)
    return {span.start + dt.timedelta(days=n) for n in range((last - span.start).days + 1)}


@given(spans(), spans())
def test_two_offerings_overlap_exactly_when_some_day_is_in_both(a, b):  # type: ignore[no-untyped-def]
    assert a.overlaps(b) == b.overlaps(a) == bool(_days(a) & _days(b))


def test_the_conflict_message_names_both_offerings():
    new = OfferingSpan(DAY0, None, "the new one")
    old = OfferingSpan(dt.date(2025, 1, 1), DAY0, "the old one", id=4)
    message = offering_conflict(new, [old])
    assert message is not None and message.startswith("the new one would overlap the old one")
    assert (
        offering_conflict(new, [OfferingSpan(dt.date(2025, 1, 1), DAY0 - dt.timedelta(1), "")])
        is None
    )
    assert offering_conflict(OfferingSpan(DAY0, None, "", id=4), [old]) is None  # itself


def test_terminating_an_offering_keeps_dates_ordered():
    assert end_open_offering(None, dt.date(2020, 1, 1), DAY0) == DAY0
    assert end_open_offering(dt.date(2025, 1, 1), dt.date(2020, 1, 1), DAY0) == dt.date(2025, 1, 1)
    assert end_open_offering(None, dt.date(2027, 1, 1), DAY0) == dt.date(2027, 1, 1)


def test_every_termination_problem_is_reported_at_once():
    refusals = termination_refusals(
        effective_date=DAY0,
        current_termination=DAY0,
        already_terminated=True,
        date=dt.date(2025, 1, 1),
        reason="",
    )
    assert len(refusals) == 3


def test_dates_are_iso_or_us():
    assert parse_date("2026-01-31") == parse_date("01/31/2026") == dt.date(2026, 1, 31)
    assert parse_date("31/01/2026") is None and parse_date("") is None


def _parse(**values: str) -> FileRow | Rejection:
    data = row(**values)
    return parse_row(5, [data[c] for c in COLUMN_NAMES], list(COLUMN_NAMES), LOOKUPS)


def test_a_good_row_is_typed():
    parsed = _parse(
        provider_kind="CLINIC", level_of_care="op", town="HARTFORD", tax_id="06-1234567"
    )
    assert isinstance(parsed, FileRow)
    assert (parsed.provider.kind, parsed.offering.level_id, parsed.site.town_id) == ("clinic", 7, 1)
    assert parsed.provider.tax_id == "061234567" and parsed.site.region_id == 4


def test_a_bad_row_lists_every_problem():
    parsed = _parse(
        npi="1234567890", town="Gotham", zip="6103", max_age="200", dcf_certified="maybe"
    )
    assert isinstance(parsed, Rejection) and parsed.line == 5
    assert len(parsed.reasons) == 5


def test_a_row_with_extra_values_is_rejected():
    data = row()
    cells = [data[c] for c in COLUMN_NAMES] + ["surprise"]
    parsed = parse_row(2, cells, list(COLUMN_NAMES), LOOKUPS)
    assert (
        isinstance(parsed, Rejection)
        and "the row has 22 values, the header has 21" in parsed.reason
    )
