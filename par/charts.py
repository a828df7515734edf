"""Scorecard charts as small hand-built SVG, rendered on the server (no JavaScript, no image files).

Hand-built rather than matplotlib: a scorecard carries two charts per measure, and a string of
SVG costs microseconds where a matplotlib figure costs tens of milliseconds; the markup is also
accessible (a title and a text description) and styled like the page. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from par.rules import format_value

PROVIDER = "#0b5394"
STATE = "#8c959f"
TARGET = "#b42318"
INK = "#1b1f23"
WIDTH = 340


def _scale_max(values: Sequence[float | None], unit: str, target: float | None) -> float:
    """A little above the largest value or target; percentages never above 100."""
    present = [v for v in (*values, target) if v is not None]
    top = max(present, default=0.0)
    if top <= 0:
        return 100.0 if unit == "percent" else 1.0
    return min(top * 1.15, 100.0) if unit == "percent" else top * 1.15


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{label}">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def comparison_svg(
    title: str,
    bars: Sequence[tuple[str, float | None]],
    unit: str,
    target: float | None = None,
) -> str:
    """Horizontal bars (this provider, the state, ...) with the target as a dashed line."""
    left, right, row = 110, 70, 24
    plot = WIDTH - left - right
    height = row * len(bars) + 24
    top = _scale_max([v for _, v in bars], unit, target)
    body = []
    for index, (label, value) in enumerate(bars):
        y = 6 + index * row
        color = PROVIDER if index == 0 else STATE
        body.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(label)}</text>'
        )
        if value is not None:
            width = max(0.0, min(value / top, 1.0)) * plot
            body.append(
                f'<rect x="{left}" y="{y + 2}" width="{width:.1f}" height="{row - 8}" '
                f'fill="{color}"/>'
            )
        body.append(
            f'<text x="{left + (max(0.0, min((value or 0) / top, 1.0)) * plot) + 4:.1f}" '
            f'y="{y + 14}" font-size="12" fill="{INK}">{escape(format_value(value, unit))}</text>'
        )
    if target is not None:
        x = left + max(0.0, min(target / top, 1.0)) * plot
        body.append(
            f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{height - 14}" stroke="{TARGET}" '
            f'stroke-dasharray="4 3" stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{height - 2}" text-anchor="middle" font-size="11" '
            f'fill="{TARGET}">target {escape(format_value(target, unit))}</text>'
        )
    return _svg(WIDTH, height, title, body)


def trend_svg(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    unit: str,
    target: float | None = None,
) -> str:
    """Lines over periods: the first series is the provider, the others the state; gaps where a
    period has no value. A lone period is drawn as points."""
    left, right, top_pad, bottom = 58, 26, 10, 38
    height = 150
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom
    values = [v for _, points in series for v in points]
    top = _scale_max(values, unit, target)
    step = plot_w / max(len(labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (i * step if len(labels) > 1 else plot_w / 2)
        return x, top_pad + plot_h - max(0.0, min(v / top, 1.0)) * plot_h

    body = [
        (
            f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{WIDTH - right}" '
            f'y2="{top_pad + plot_h}" stroke="{STATE}"/>'
        ),
        (
            f'<text x="{left - 4}" y="{top_pad + 8}" text-anchor="end" font-size="10" '
            f'fill="{INK}">{escape(format_value(top, unit))}</text>'
        ),
        (
            f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end" font-size="10" '
            f'fill="{INK}">0</text>'
        ),
    ]
    for i, label in enumerate(labels):
        x, _ = xy(i, 0)
        body.append(
            f'<text x="{x:.1f}" y="{height - 24}" text-anchor="middle" font-size="10" '
            f'fill="{INK}">{escape(label)}</text>'
        )
    if target is not None:
        _, y = xy(0, target)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{TARGET}" '
            f'stroke-dasharray="4 3"/>'
        )
    for index, (name, points) in enumerate(series):
        body.extend(_series(index, points, xy))
        color = PROVIDER if index == 0 else STATE
        x = left + index * 120
        body.append(
            f'<rect x="{x}" y="{height - 12}" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="{height - 3}" font-size="11" fill="{INK}">{escape(name)}</text>'
        )
    return _svg(WIDTH, height, title, body)


def _series(index: int, points: Sequence[float | None], xy) -> list[str]:  # type: ignore[no-untyped-def]
    """A polyline per unbroken run of values, and a dot on every value."""
    color = PROVIDER if index == 0 else STATE
    dash = "" if index == 0 else ' stroke-dasharray="5 3"'
    out, run = [], []
    for i, value in enumerate([*points, None]):
        if value is not None:
            run.append(xy(i, value))
            continue
        if len(run) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"{dash}/>'
            )
        out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in run)
        run = []
    return out
