"""Pure PAR rules and charts: periods, outliers, how a score reads, SVG that parses."""

from __future__ import annotations

import math
from datetime import date
from xml.etree import ElementTree

import pytest

from par.charts import comparison_svg, trend_svg
from par.rules import format_value, outlier, period_from_dates, period_from_label, read_score


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("2024q1", "quarter", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026", "year", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_period_labels(text, kind, start, end):
    period = period_from_label(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize("text", ["2026Q5", "2026-13", "26Q1", "last year", ""])
def test_bad_period_labels_are_refused_with_a_clear_message(text):
    with pytest.raises(ValueError, match="Give a period as 2026Q3"):
        period_from_label(text)


def test_date_ranges_are_named_when_they_are_a_calendar_period():
    assert period_from_dates(date(2026, 4, 1), date(2026, 6, 30)).label == "2026Q2"
    custom = period_from_dates(date(2025, 11, 1), date(2026, 10, 31))
    assert (custom.kind, custom.label) == ("custom", "2025-11-01..2026-10-31")
    with pytest.raises(ValueError, match="ends"):
        period_from_dates(date(2026, 2, 1), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("percentile", "suppressed", "flag"),
    [
        (5.0, False, "low"),
        (10.0, False, "low"),
        (50.0, False, ""),
        (90.0, False, "high"),
        (3.0, True, ""),
        (None, False, ""),
        (math.nan, False, ""),
    ],
)
def test_outliers_are_the_bottom_and_top_tenth_of_ranked_providers(percentile, suppressed, flag):
    assert outlier(percentile, suppressed) == flag


def test_values_read_by_unit_and_too_few_cases_hides_the_number():
    assert [
        format_value(12.345, "percent"),
        format_value(13.6, "days"),
        format_value(1234, "count"),
    ] == ["12.3%", "13.6 days", "1,234"]
    assert format_value(None, "percent") == format_value(math.nan, "days") == "–"
    assert read_score(80.0, "percent", 95.0, True).text == "too few cases"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_charts_are_valid_svg_with_an_accessible_title_and_escaped_text():
    svg = comparison_svg("A <b> & C", [("Us & them", 40.0), ("State", None)], "percent", 50.0)
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "A <b> & C"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Us & them" in texts and "40.0%" in texts and "target 50.0%" in texts and "–" in texts
    trend = parse(
        trend_svg(
            "T", ["Q1", "Q2", "Q3"], [("P", [1.0, None, 3.0]), ("S", [2.0, 2.0, 2.0])], "days"
        )
    )
    lines = list(trend.iter("{http://www.w3.org/2000/svg}polyline"))
    assert len(lines) == 1  # the provider's gap leaves two lone points; the state is one line
    assert len(list(trend.iter("{http://www.w3.org/2000/svg}circle"))) == 5
