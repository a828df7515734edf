"""Reference data owned by PAR: the measures and the claim code tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aso.core.reference import ReferenceSpec, RowCheck, no_overlapping_periods
from par.measures import MeasureSpec, check_spec


def _measure_rows_valid(rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """Each measure names a known calculation and only parameters that calculation reads."""
    problems: list[tuple[int, str]] = []
    for index, row in enumerate(rows):
        try:
            check_spec(
                MeasureSpec(
                    code=str(row.get("code")),
                    calculation=str(row.get("calculation")),
                    levels_of_care=tuple(row.get("levels_of_care") or ()),
                    direction=str(row.get("direction")),
                    unit=str(row.get("unit")),
                    min_denominator=int(row.get("min_denominator", 10)),
                    target=row.get("target"),
                    params=dict(row.get("params") or {}),
                )
            )
        except (ValueError, TypeError) as exc:
            problems.append((index, str(exc)))
    return problems


def _all(*checks: RowCheck) -> RowCheck:
    def check(rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
        return [problem for c in checks for problem in c(rows)]

    return check


SPECS = (
    ReferenceSpec(
        file="par_measures.yaml",
        model="par.Measure",
        key=("code", "effective_from"),
        check_rows=_all(no_overlapping_periods("code"), _measure_rows_valid),
    ),
    ReferenceSpec(
        file="par_claim_codes.yaml",
        model="par.ClaimCode",
        key=("code_system", "code", "effective_from"),
        check_rows=no_overlapping_periods("code_system", "code"),
    ),
)
