"""What a sheet builder returns (a cross-tab of counts, figures per group, or streamed rows), and
the helpers the builders share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from authorizations.models import Request
from oversight.selectors import (
    ExportContext,
    in_scope,
)

DETAIL_CHUNK = 2000
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class CrossTab:
    """Counts: rows named by one or more labels, one column per category, totals added by the writer.
    `rate` adds a percentage column: (label, index of the numerator column) over the row total."""

    row_headers: tuple[str, ...]
    column_headers: tuple[str, ...]
    rows: Sequence[tuple[tuple[str, ...], list[int]]]
    total_label: str = "Total"
    rate: tuple[str, int] | None = None


@dataclass
class Listing:
    """Member-level rows, streamed. `formats` maps a column index to an Excel number format."""

    headers: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]
    formats: dict[int, str] = field(default_factory=dict)
    member_ids: set[int] = field(default_factory=set)  # filled while rows are read
    disclosed_sud_members: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Measures:
    """One row per group with counts (the value columns `counts`) and figures derived from them
    (averages, sums of days, rates). No totals row: when suppression is on, a row with a count from 1 to
    10 shows "<11" for it and leaves its other figures blank: a figure of few cases identifies them."""

    row_headers: tuple[str, ...]
    value_headers: tuple[str, ...]
    rows: Sequence[tuple[tuple[str, ...], list[Any]]]
    counts: tuple[int, ...] = (0,)  # value indexes holding counts
    total_last: bool = False  # the last row totals the others: hidden when any other row is
    formats: dict[int, str] = field(default_factory=dict)  # value index -> Excel number format


Sheet = CrossTab | Listing | Measures
Builder = Callable[[ExportContext], Sheet]


def pivot(
    results: Iterable[Mapping[str, Any]],
    *,
    keys: Callable[[Mapping[str, Any]], tuple[str, ...]],
    column: str,
    columns: Sequence[str],
) -> list[tuple[tuple[str, ...], list[int]]]:
    table: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(columns))
    index = {c: i for i, c in enumerate(columns)}
    for row in results:
        table[keys(row)][index[row[column]]] += row["n"]
    return sorted(table.items())


def decided_in(ctx: ExportContext) -> Q:
    start, end = ctx.window
    return Q(decided_at__gte=start, decided_at__lt=end)


def requests_in_scope(ctx: ExportContext) -> Any:
    return Request.objects.filter(in_scope(scope=ctx.scope, on=ctx.period.end, member="member__"))
