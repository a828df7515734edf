"""The population frames nightly ICM identification reads: fast, whole-table, no model instances.

One SQL statement per frame, rows fetched straight into pandas (integer member pks as member ids),
so a million members and a year of episodes read in seconds. These reads are for the batch job
only; people read through care.selectors.icm, which scopes to the user and logs access.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from authorizations.models import Episode, Request
from care.choices.icm import ReferralStatus
from care.models import IcmAssignment, IcmReferral, IcmTrigger
from care.rules import DEFAULT_MONTHS, EPISODE_COLUMNS, TriggerSpec
from members.models import EligibilitySpan
from providers.models import LevelOfCare

NO_TRIGGERS = "No ICM trigger is in force on {day}: load fixtures/icm_triggers.yaml."


@dataclass(frozen=True)
class Frames:
    """What identification needs, as of one day."""

    episodes: pd.DataFrame
    diagnoses: pd.DataFrame
    referrals: pd.DataFrame
    active: np.ndarray
    eligible: np.ndarray

    @property
    def sizes(self) -> dict[str, int]:
        return {
            "episodes": len(self.episodes),
            "diagnoses": len(self.diagnoses),
            "referrals": len(self.referrals),
            "active_assignments": len(self.active),
            "eligible_members": len(self.eligible),
        }


def triggers_in_force(*, on: dt.date) -> list[IcmTrigger]:
    """The reviewed trigger rows in force on a day, one per code."""
    rows = list(
        IcmTrigger.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("code")
    )
    if not rows:
        raise ValueError(NO_TRIGGERS.format(day=on.isoformat()))
    return rows


def trigger_specs(rows: Sequence[IcmTrigger]) -> list[TriggerSpec]:
    return [TriggerSpec(r.code, r.kind, r.label, dict(r.params or {})) for r in rows]


def lookback_start(*, as_of: dt.date, triggers: Sequence[TriggerSpec]) -> dt.date:
    """The earliest day any trigger looks at: the longest window, less the longest readmission
    gap (a readmission's index stay may end before the window opens)."""
    months = max((int(t.params.get("months", DEFAULT_MONTHS)) for t in triggers), default=12)
    gaps = [int(t.params.get("days", 30)) for t in triggers if t.kind == "readmission"]
    gap = max(gaps, default=0)
    start = pd.Timestamp(as_of) - pd.DateOffset(months=months) - pd.Timedelta(days=gap)
    return start.date()


def _fetch(
    queryset: QuerySet[Any],
    columns: Sequence[str],
    *,
    dates: Sequence[str] = (),
    strings: Sequence[str] = (),
) -> pd.DataFrame:
    """A values_list queryset's rows as a frame, no per-row ORM. Default orderings are dropped:
    they cost a sort and, with DISTINCT, add columns."""
    sql, params = queryset.order_by().query.sql_with_params()
    return _sql_frame(sql, params, columns, dates=dates, strings=strings)


def _sql_frame(
    sql: str,
    params: Sequence[Any],
    columns: Sequence[str],
    *,
    dates: Sequence[str] = (),
    strings: Sequence[str] = (),
) -> pd.DataFrame:
    """Run SQL into a frame. PostgreSQL streams it out with COPY as CSV for pandas' C parser
    (several times faster than building a million Python tuples); elsewhere rows are fetched."""
    names = list(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            frame = pd.read_csv(
                buffer, names=names, dtype=dict.fromkeys(strings, "object"), keep_default_na=False
            )
        else:
            cursor.execute(sql, params)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=names)
    for name in strings:
        frame[name] = frame[name].replace("", None)
    for name in dates:
        frame[name] = pd.to_datetime(frame[name].replace("", None), format="ISO8601")
    return frame


def episodes_frame(*, as_of: dt.date, since: dt.date) -> pd.DataFrame:
    """Stays begun by ``as_of`` and not ended before ``since``: the rules' episodes frame."""
    stays = Episode.objects.filter(admitted__lte=as_of).filter(
        Q(discharged__isnull=True) | Q(discharged__gte=since)
    )
    columns = (
        "episode_id",
        "member_id",
        "level_id",
        "admitted",
        "discharged",
        "delay_days",
        "diagnoses",
    )
    fields = ("id", "member_id", "level_of_care_id", "admitted", "discharged", "delay_days")
    frame = _fetch(
        stays.values_list(*fields, "principal_diagnosis"),
        columns,
        dates=("admitted", "discharged"),
        strings=("diagnoses",),
    )
    levels = pd.DataFrame.from_records(
        list(LevelOfCare.objects.values_list("id", "code", "category")),
        columns=["level_id", "level_of_care", "category"],
    )
    frame = frame.merge(levels, on="level_id", how="left")
    return frame.loc[:, list(EPISODE_COLUMNS)]


def diagnoses_frame(*, since: dt.date) -> pd.DataFrame:
    """(member_id, code, level_of_care) from requests received since ``since``: every code of
    the request's diagnosis list, unnested in SQL (PostgreSQL jsonb, SQLite json_each)."""
    request, level = Request._meta, LevelOfCare._meta
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        unnest, code = (
            "CROSS JOIN LATERAL jsonb_array_elements_text(r.diagnoses) AS d(code)",
            "d.code",
        )
    else:
        unnest, code = ", json_each(r.diagnoses) AS d", "d.value"
    sql = (
        f"SELECT r.member_id, {code}, l.code FROM {quote(request.db_table)} r "
        f"JOIN {quote(level.db_table)} l ON l.id = r.level_of_care_id {unnest} "
        "WHERE r.received_at >= %s"
    )
    since_at = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    columns = ("member_id", "code", "level_of_care")
    return _sql_frame(sql, [since_at], columns, strings=("code", "level_of_care"))


def referrals_frame() -> pd.DataFrame:
    """Open manual referrals: (member_id, referral_id)."""
    open_referrals = IcmReferral.objects.filter(status=ReferralStatus.OPEN)
    return _fetch(open_referrals.values_list("member_id", "id"), ["member_id", "referral_id"])


def active_member_ids() -> np.ndarray:
    """Members with an active ICM assignment."""
    active = IcmAssignment.objects.filter(end__isnull=True).values_list("member_id")
    return _fetch(active, ["member_id"])["member_id"].to_numpy()


def eligible_member_ids(*, on: dt.date) -> np.ndarray:
    """Members covered by an eligibility span on a day (any program)."""
    covering = (  # not DISTINCT: a member covered twice matches the same, and sorts cost
        EligibilitySpan.objects.filter(start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .values_list("member_id")
    )
    return _fetch(covering, ["member_id"])["member_id"].to_numpy()


def frames_read(*, as_of: dt.date, triggers: Sequence[TriggerSpec]) -> Frames:
    """Every frame identification needs, as of one day."""
    since = lookback_start(as_of=as_of, triggers=triggers)
    return Frames(
        episodes=episodes_frame(as_of=as_of, since=since),
        diagnoses=diagnoses_frame(since=since),
        referrals=referrals_frame(),
        active=active_member_ids(),
        eligible=eligible_member_ids(on=as_of),
    )


def evidence_json(evidence: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    """Evidence as JSON-ready lists of plain ints and strings (numpy scalars unwrapped)."""
    return {
        code: [ref.item() if isinstance(ref, np.generic) else ref for ref in refs]
        for code, refs in evidence.items()
    }
