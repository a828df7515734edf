"""The claims extract CSV (docs/formats/claims.md): layout check, then row checks in bulk with pandas.

No database access here: the service passes the lookups in (`Lookups`) and writes what comes out.
A chunk of rows becomes `CheckedChunk`: the lines to load (database ids resolved, level of care
mapped) and the rejected rows, each with its first reason and every problem in its message.
Messages name columns, never values, so no member data reaches a message or a log.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import numpy as np
import pandas as pd

from par.choices import RejectionReason as R

COLUMNS: tuple[str, ...] = (
    "claim_id",
    "line",
    "member_id",
    "billing_npi",
    "site_number",
    "service_from",
    "service_to",
    "procedure_code",
    "revenue_code",
    "primary_dx",
    "place_of_service",
    "paid_date",
)
REQUIRED: tuple[str, ...] = (
    "claim_id",
    "line",
    "member_id",
    "billing_npi",
    "site_number",
    "service_from",
    "paid_date",
)
MAX_LENGTH: dict[str, int] = {
    "claim_id": 30,
    "procedure_code": 10,
    "revenue_code": 4,
    "primary_dx": 8,
    "place_of_service": 2,
    "site_number": 12,
}
LINE_FIELDS: tuple[str, ...] = (
    "claim_id",
    "line",
    "member",
    "provider",
    "site",
    "service_from",
    "service_to",
    "procedure_code",
    "revenue_code",
    "primary_dx",
    "place_of_service",
    "paid_date",
    "level_of_care",
)
DATE_FORMAT = "%Y-%m-%d"
CHUNK_ROWS = 200_000

NOT_UTF8 = "The file is not UTF-8 text."
EMPTY_FILE = "The file is empty: the first line must be the header."
BAD_HEADER = "The header does not match the claims layout (docs/formats/claims.md): {detail}."
BAD_ROW_SHAPE = "Line {line} does not have the 12 columns of the claims layout."


class LayoutError(ValueError):
    """The file is not a claims extract of our layout: the load fails and changes nothing."""


@dataclass(frozen=True)
class Lookups:
    """What the row checks need from the database, as pandas objects keyed by the file's values."""

    member_ids: pd.Series  # Medicaid id -> member pk
    provider_ids: pd.Series  # billing NPI -> provider pk
    site_ids: pd.Series  # "provider pk|site number" -> site pk
    codes: pd.DataFrame  # code_system, code, level_of_care, effective_from, effective_to


@dataclass
class CheckedChunk:
    lines: pd.DataFrame  # LINE_FIELDS columns, ready for bulk_insert
    rejected: pd.DataFrame  # line_number, reason, message, raw
    keys: list[str] = field(default_factory=list)  # "claim_id|line" of the loaded lines


def check_header(first_line: str) -> None:
    """Raise LayoutError unless the header names exactly the layout's columns (any order)."""
    names = [n.strip().lower() for n in next(csv.reader([first_line]), [])]
    missing = [c for c in COLUMNS if c not in names]
    extra = [n for n in names if n not in COLUMNS]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if extra:
        problems.append(f"unexpected {', '.join(extra[:5])}")
    if duplicated:
        problems.append(f"repeated {', '.join(duplicated)}")
    if problems:
        raise LayoutError(BAD_HEADER.format(detail="; ".join(problems)))


def read_chunks(stream: IO[bytes], chunk_rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """Chunks of the file as text columns (empty string for blanks), with `line_number`.

    The header is checked first; a row with more columns than the header is a layout error.
    """
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        header = text.readline()
    except UnicodeDecodeError as exc:
        raise LayoutError(NOT_UTF8) from exc
    if not header.strip():
        raise LayoutError(EMPTY_FILE)
    check_header(header)
    names = [n.strip().lower() for n in next(csv.reader([header]))]
    reader = pd.read_csv(
        text,
        names=names,
        header=None,
        dtype=str,
        keep_default_na=False,
        chunksize=chunk_rows,
        skip_blank_lines=True,
        engine="c",
    )
    first_line = 2
    try:
        for chunk in reader:
            chunk = chunk[list(COLUMNS)].apply(lambda s: s.str.strip())
            chunk.insert(0, "line_number", np.arange(first_line, first_line + len(chunk)))
            first_line += len(chunk)
            yield chunk.reset_index(drop=True)
    except UnicodeDecodeError as exc:
        raise LayoutError(NOT_UTF8) from exc
    except pd.errors.ParserError as exc:
        raise LayoutError(_shape_message(str(exc))) from exc


def _shape_message(detail: str) -> str:
    """pandas says 'Expected 12 fields in line 7, saw 13', counting after the header we read
    ourselves: report the file's line (one more), drop the rest."""
    words = detail.replace(",", " ").split()
    line = next((w for i, w in enumerate(words) if i and words[i - 1] == "line"), "?")
    return BAD_ROW_SHAPE.format(line=int(line) + 1 if line.isdigit() else line)


class _Problems:
    """Collects (mask, reason, message) per row; the first reason wins, every message is kept."""

    def __init__(self, n: int) -> None:
        self.reason = np.full(n, "", dtype=object)
        self.message = np.full(n, "", dtype=object)

    def add(self, mask: np.ndarray | pd.Series, reason: str, message: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        first = mask & (self.reason == "")
        self.reason[first] = reason
        self.message[mask] = [f"{m}; {message}" if m else message for m in self.message[mask]]

    @property
    def bad(self) -> np.ndarray:
        return self.reason != ""


def _dates(rows: pd.DataFrame, problems: _Problems) -> dict[str, pd.Series]:
    """Parsed service and paid dates; blank service_to means a one-day service."""
    to_text = rows["service_to"].where(rows["service_to"] != "", rows["service_from"])
    parsed = {}
    for name, values in (
        ("service_from", rows["service_from"]),
        ("service_to", to_text),
        ("paid_date", rows["paid_date"]),
    ):
        day = pd.to_datetime(values, format=DATE_FORMAT, errors="coerce")
        problems.add(day.isna() & (values != ""), R.BAD_DATE, f"{name} is not a YYYY-MM-DD date")
        parsed[name] = day
    problems.add(parsed["service_to"] < parsed["service_from"], R.DATES_ORDER, R.DATES_ORDER.label)
    problems.add(
        parsed["paid_date"] < parsed["service_from"],
        R.PAID_BEFORE_SERVICE,
        R.PAID_BEFORE_SERVICE.label,
    )
    return parsed


def _lookup(table: pd.Series, keys: pd.Series) -> np.ndarray:
    """Database ids for ``keys`` (-1 where unknown)."""
    positions = table.index.get_indexer(keys)
    return np.where(positions >= 0, table.to_numpy()[np.maximum(positions, 0)], -1)


def map_levels(codes: pd.DataFrame, system: str, code: pd.Series, day: pd.Series) -> np.ndarray:
    """Level of care of each code on its service date by the code table ("" where not mapped)."""
    table = codes.loc[codes["code_system"] == system]
    left = pd.DataFrame({"pos": np.arange(len(code)), "code": code.to_numpy(), "day": day})
    hit = left.merge(table, on="code", how="inner")
    in_force = (hit["day"] >= hit["effective_from"]) & (
        hit["effective_to"].isna() | (hit["day"] <= hit["effective_to"])
    )
    hit = hit.loc[in_force]
    out = np.full(len(code), "", dtype=object)
    out[hit["pos"].to_numpy()] = hit["level_of_care"].to_numpy()
    return out


def _normalize(rows: pd.DataFrame) -> pd.DataFrame:
    """Codes upper case; revenue codes zero-padded to 4 digits; diagnoses without the dot."""
    rows = rows.copy()
    for name in ("procedure_code", "primary_dx"):
        rows[name] = rows[name].str.upper()
    rows["primary_dx"] = rows["primary_dx"].str.replace(".", "", regex=False)
    revenue = rows["revenue_code"]
    rows["revenue_code"] = revenue.where(~revenue.str.fullmatch(r"\d{1,3}"), revenue.str.zfill(4))
    return rows


def check_chunk(
    rows: pd.DataFrame, lookups: Lookups, seen: set[str], loaded: set[str]
) -> CheckedChunk:
    """Validate and resolve one chunk. ``seen`` (keys earlier in the file) is updated in place;
    ``loaded`` holds the keys already in the database for this chunk's claim ids."""
    rows = _normalize(rows)
    problems = _Problems(len(rows))
    for name in REQUIRED:
        problems.add(rows[name] == "", R.MISSING_VALUE, f"{name} is missing")
    no_code = (rows["procedure_code"] == "") & (rows["revenue_code"] == "")
    problems.add(no_code, R.MISSING_VALUE, "procedure_code and revenue_code are both missing")
    for name, limit in MAX_LENGTH.items():
        problems.add(rows[name].str.len() > limit, R.TOO_LONG, f"{name} is over {limit} characters")
    line = pd.to_numeric(rows["line"].where(rows["line"].str.fullmatch(r"\d{1,3}")), "coerce")
    problems.add(
        (line.isna() | (line < 1)) & (rows["line"] != ""),
        R.BAD_LINE_NUMBER,
        R.BAD_LINE_NUMBER.label,
    )
    dates = _dates(rows, problems)
    member = _lookup(lookups.member_ids, rows["member_id"])
    problems.add((member < 0) & (rows["member_id"] != ""), R.UNKNOWN_MEMBER, R.UNKNOWN_MEMBER.label)
    provider = _lookup(lookups.provider_ids, rows["billing_npi"])
    problems.add(
        (provider < 0) & (rows["billing_npi"] != ""), R.UNKNOWN_PROVIDER, R.UNKNOWN_PROVIDER.label
    )
    site = _lookup(lookups.site_ids, pd.Series(provider).astype(str) + "|" + rows["site_number"])
    problems.add(
        (site < 0) & (provider >= 0) & (rows["site_number"] != ""),
        R.UNKNOWN_SITE,
        R.UNKNOWN_SITE.label,
    )
    level = map_levels(lookups.codes, "revenue", rows["revenue_code"], dates["service_from"])
    by_procedure = map_levels(
        lookups.codes, "procedure", rows["procedure_code"], dates["service_from"]
    )
    level = np.where(level == "", by_procedure, level)
    problems.add(
        (level == "") & ~no_code & dates["service_from"].notna().to_numpy(),
        R.UNKNOWN_CODE,
        R.UNKNOWN_CODE.label,
    )
    keys = (rows["claim_id"] + "|" + line.astype("Int64").astype(str)).tolist()
    _duplicates(keys, problems, seen, loaded)
    good = ~problems.bad
    lines = pd.DataFrame(
        {
            "claim_id": rows["claim_id"],
            "line": line.fillna(0).astype("int64"),
            "member": member,
            "provider": provider,
            "site": site,
            "service_from": dates["service_from"].dt.strftime(DATE_FORMAT),
            "service_to": dates["service_to"].dt.strftime(DATE_FORMAT),
            "procedure_code": rows["procedure_code"],
            "revenue_code": rows["revenue_code"],
            "primary_dx": rows["primary_dx"],
            "place_of_service": rows["place_of_service"],
            "paid_date": dates["paid_date"].dt.strftime(DATE_FORMAT),
            "level_of_care": level,
        }
    ).loc[good]
    rejected = pd.DataFrame(
        {
            "line_number": rows["line_number"].to_numpy()[~good],
            "reason": problems.reason[~good],
            "message": [m[:200] for m in problems.message[~good]],
            "raw": _raw(rows.loc[~good]),
        }
    )
    return CheckedChunk(
        lines.reset_index(drop=True), rejected, [k for k, g in zip(keys, good, strict=True) if g]
    )


def _duplicates(keys: list[str], problems: _Problems, seen: set[str], loaded: set[str]) -> None:
    """A key already in the database, or earlier in the file, is rejected; first one wins."""
    already = np.fromiter((k in loaded for k in keys), dtype=bool, count=len(keys))
    problems.add(already, R.ALREADY_LOADED, R.ALREADY_LOADED.label)
    earlier = np.zeros(len(keys), dtype=bool)
    for i, key in enumerate(keys):
        if key in seen:
            earlier[i] = True
        else:
            seen.add(key)
    problems.add(earlier, R.DUPLICATE_IN_FILE, R.DUPLICATE_IN_FILE.label)


def _raw(rows: pd.DataFrame) -> list[str]:
    """The rejected rows as CSV text in the layout's column order (for operations, not for logs)."""
    out = []
    for values in rows[list(COLUMNS)].itertuples(index=False):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(values)
        out.append(buffer.getvalue())
    return out
