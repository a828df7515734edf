"""Reading PAR's input frames from the database fast: one query per frame, no model instances.

On PostgreSQL a query is streamed out with `COPY (query) TO STDOUT` and parsed by pandas' C reader;
elsewhere (SQLite) rows are fetched in blocks into frames. Both give the same frame for the same rows:
ids as int64, dates as datetime64, booleans as bool, text as str. Rows come ordered by primary key,
so the same database gives the same frames, and the same input hash.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from django.db import connection
from django.db.models import F, Q, QuerySet

from par.measures import ParFrames, Period

FETCH_ROWS = 100_000

# column kinds: id / int (int64), date (datetime64, NaT for null), bool, text (str, "" for null)
EPISODE_FRAME: dict[str, str] = {
    "episode_id": "id",
    "member_id": "id",
    "provider_id": "id",
    "site_id": "id",
    "level_of_care": "text",
    "category": "text",
    "admitted": "date",
    "discharged": "date",
    "delay_days": "int",
    "principal_dx": "text",
    "member_birth_date": "date",
    "member_dcf": "bool",
}
CLAIM_FRAME: dict[str, str] = {
    "claim_id": "text",
    "line": "int",
    "member_id": "id",
    "provider_id": "id",
    "site_id": "id",
    "service_from": "date",
    "service_to": "date",
    "level_of_care": "text",
    "primary_dx": "text",
}
ENROLLMENT_FRAME: dict[str, str] = {"member_id": "id", "start": "date", "end": "date"}
MEMBER_FRAME: dict[str, str] = {"member_id": "id", "birth_date": "date", "dcf": "bool"}


def read_values(queryset: QuerySet, columns: Mapping[str, str], digest: Any = None) -> pd.DataFrame:
    """The rows of a ``values_list`` queryset as a typed frame with ``columns`` (name -> kind).

    With ``digest`` (a hashlib object), the rows are also hashed into it: the raw bytes streamed
    out of PostgreSQL (cheap), or the frame's pandas row hashes elsewhere. Same rows, same digest.
    """
    sql, params = queryset.query.sql_with_params()
    if connection.vendor == "postgresql":
        frame = _copy_out(sql, params, columns, digest)
    else:
        frame = _fetch(sql, params, columns)
    typed = _typed(frame, columns)
    if digest is not None and connection.vendor != "postgresql" and len(typed):
        digest.update(pd.util.hash_pandas_object(typed, index=False).to_numpy().tobytes())
    return typed


def _copy_out(sql: str, params: Any, columns: Mapping[str, str], digest: Any) -> pd.DataFrame:
    buffer = io.BytesIO()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy,
    ):
        for block in copy:
            buffer.write(block)
            if digest is not None:
                digest.update(block)
    buffer.seek(0)
    if not buffer.getbuffer().nbytes:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    dtypes = {n: ("int64" if k in ("id", "int") else str) for n, k in columns.items()}
    return pd.read_csv(
        buffer, names=list(columns), header=None, dtype=dtypes, keep_default_na=False
    )


def _fetch(sql: str, params: Any, columns: Mapping[str, str]) -> pd.DataFrame:
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            parts.append(pd.DataFrame.from_records(rows, columns=list(columns)))
    if not parts:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    return pd.concat(parts, ignore_index=True)


def _typed(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    out = {}
    for name, kind in columns.items():
        values = frame[name]
        if kind in ("id", "int"):
            out[name] = values.astype("int64")
        elif kind == "date":
            text = values.astype(str).where(values.notna() & (values.astype(str) != ""))
            out[name] = pd.to_datetime(text, format="%Y-%m-%d").astype("datetime64[ns]")
        elif kind == "bool":
            out[name] = values.isin([True, 1, "t", "1", "True", "true"]).astype(bool)
        else:
            out[name] = values.fillna("").astype(str)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


@dataclass(frozen=True)
class InputWindow:
    """Which rows a run reads: episodes and claims that touch [first, last], enrollment of the
    members in them. ``first`` reaches back ``lookback_days`` before the period for measures that
    look at visits before their index visit."""

    first: date
    last: date

    @classmethod
    def for_period(cls, period: Period, lookback_days: int = 0) -> InputWindow:
        return cls(period.start - timedelta(days=lookback_days), period.end)


def read_episodes(window: InputWindow, digest: Any = None) -> pd.DataFrame:
    """Episodes admitted by the window's end and not discharged before its start."""
    from authorizations.models import Episode

    episodes = (
        Episode.objects.filter(admitted__lte=window.last)
        .filter(Q(discharged__isnull=True) | Q(discharged__gte=window.first))
        .order_by("pk")
        .values_list(
            "pk",
            "member_id",
            "site__provider_id",
            "site_id",
            "level_of_care__code",
            "level_of_care__category",
            "admitted",
            "discharged",
            "delay_days",
            "principal_diagnosis",
            "member__birth_date",
            "member__dcf_involved",
        )
    )
    return read_values(episodes, EPISODE_FRAME, digest)


def _claims_in(window: InputWindow) -> QuerySet:
    from par.models import ClaimLine

    return ClaimLine.objects.filter(service_from__lte=window.last, service_to__gte=window.first)


def read_claims(window: InputWindow, digest: Any = None) -> pd.DataFrame:
    """Claim lines whose service span meets the window."""
    lines = (
        _claims_in(window)
        .order_by("pk")
        .values_list(
            "claim_id",
            "line",
            "member_id",
            "provider_id",
            "site_id",
            "service_from",
            "service_to",
            "level_of_care",
            "primary_dx",
        )
    )
    return read_values(lines, CLAIM_FRAME, digest)


def read_enrollment(window: InputWindow, digest: Any = None) -> pd.DataFrame:
    """Eligibility spans of the members with an episode in the window (FUH's enrollment check)."""
    from authorizations.models import Episode
    from members.models import EligibilitySpan

    members = Episode.objects.filter(admitted__lte=window.last).filter(
        Q(discharged__isnull=True) | Q(discharged__gte=window.first)
    )
    spans = (
        EligibilitySpan.objects.filter(member_id__in=members.values("member_id"))
        .order_by("pk")
        .values_list("member_id", "start", "end")
    )
    return read_values(spans, ENROLLMENT_FRAME, digest)


def read_members(window: InputWindow, digest: Any = None) -> pd.DataFrame:
    """Birth date and DCF flag of the members with a claim in the window (claim measures' splits)."""
    from members.models import Member

    members = (
        Member.objects.filter(pk__in=_claims_in(window).values("member_id"))
        .order_by("pk")
        .values_list("pk", "birth_date", F("dcf_involved"))
    )
    return read_values(members, MEMBER_FRAME, digest)


def read_frames(window: InputWindow, digest: Any = None) -> ParFrames:
    """The four validated input frames of a run; ``digest`` receives every row read."""
    frames = {}
    for name, reader in (
        ("episodes", read_episodes),
        ("claims", read_claims),
        ("enrollment", read_enrollment),
        ("members", read_members),
    ):
        if digest is not None:
            digest.update(f"|{name}|".encode())
        frames[name] = reader(window, digest)
    return ParFrames(**frames)
