"""What every file format is turned into before it touches the database: staged rows and rejections.

A staged row is a plain tuple (millions of them go through here; tuples are what COPY wants), in
`STAGE_COLUMNS` order. `first_row` marks the first row of each member id in the file: its
demographics are the ones applied. Dates travel as day numbers (days since 1970-01-01) so the merge SQL does date
arithmetic the same way on PostgreSQL and SQLite. `None` in a demographic column means "the file does not
say": an existing member keeps what we have, a new member gets the default.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from members.choices import RejectionCode

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
OPEN_END = 2_932_896  # 9999-12-31 as a day number: "no end" inside the merge SQL

# What a row asks for.
STATE = "S"  # the member is covered under the program from start to end (see members.rules)
TERMINATE = "T"  # end coverage on `end` (program given, or every program when none)
REINSTATE = "R"  # reopen the coverage a termination ended (from `start`, when given)
MEMBER_ONLY = "M"  # demographics only, no coverage statement

STAGE_COLUMNS = (
    "position",
    "medicaid_id",
    "last_name",
    "first_name",
    "middle_name",
    "birth_day",
    "sex",
    "language",
    "town_id",
    "dcf_involved",
    "program_id",
    "start_day",
    "end_day",
    "action",
    "first_row",
)
StagedRow = tuple[Any, ...]

MEDICAID_ID = re.compile(r"[A-Z0-9]{9}")
LANGUAGE = re.compile(r"[a-z]{2,8}")
RAW_LIMIT = 1000


@dataclass(frozen=True)
class Rejection:
    """A row not applied (or, when `applied`, applied without the part named)."""

    position: int
    code: RejectionCode
    message: str
    medicaid_id: str = ""
    raw: str = ""
    applied: bool = False


class FileRefused(Exception):
    """The whole file is refused (bad header, not UTF-8, empty, not an 834...): nothing is loaded."""


def day_number(value: dt.date) -> int:
    return value.toordinal() - EPOCH_ORDINAL


def from_day_number(value: int) -> dt.date:
    return dt.date.fromordinal(value + EPOCH_ORDINAL)


class DateReader:
    """ISO dates (YYYY-MM-DD) to day numbers, remembering each distinct text: a state file of a million
    rows holds only a few thousand distinct dates."""

    def __init__(self) -> None:
        self.seen = _DateCache()

    def __call__(self, text: str) -> int | None:
        """The day number, or None when the text is not a real date."""
        return self.seen[text]


class _DateCache(dict[str, "int | None"]):
    """text -> day number (None: not a date); a miss parses the text once."""

    def __missing__(self, text: str) -> int | None:
        value: int | None
        try:
            parsed = dt.date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else None
            value = day_number(parsed) if parsed and parsed.year >= 1900 else None
        except ValueError:
            value = None
        self[text] = value
        return value


class FirstRows:
    """Remembers which member ids were seen: the first row of each id carries its demographics."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def __call__(self, medicaid_id: str) -> bool:
        if medicaid_id in self._seen:
            return False
        self._seen.add(medicaid_id)
        return True
