"""The baseline of bench_icm_identification: ICM triggers evaluated one member at a time with
the ORM and plain Python (what a first version without pandas would do), and the vectorized
answer restricted to the same members, to check that both agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

ACUTE = "acute"


def _start(as_of: dt.date, params: dict[str, Any]) -> dt.date:
    return (pd.Timestamp(as_of) - pd.DateOffset(months=int(params.get("months", 12)))).date()


def _levels(stays: list[dict[str, Any]], params: dict[str, Any], default: Any) -> list[dict]:
    levels = params.get("levels", default)
    if levels is None:
        return [s for s in stays if s["category"] == ACUTE]
    return [s for s in stays if s["level"] in levels]


def _flat(code: str) -> str:
    return code.strip().upper().replace(".", "")


def _co_occurring(stays: list[dict], requests: list[tuple[str, list[str]]], p: dict, start) -> bool:
    levels = p.get("levels")
    codes = [
        s["dx"]
        for s in stays
        if s["ended"] > start and s["dx"] and (not levels or s["level"] in levels)
    ]
    codes += [c for level, dxs in requests if not levels or level in levels for c in dxs]
    exclude = tuple(_flat(x) for x in p.get("exclude", ()))
    su_prefixes = tuple(_flat(x) for x in p.get("substance_use", [f"F{n}" for n in range(10, 20)]))
    mh_prefixes = tuple(_flat(x) for x in p.get("mental_health", ["F"]))
    su = mh = False
    for code in map(_flat, codes):
        if exclude and code.startswith(exclude):
            continue
        if code.startswith(su_prefixes):
            su = True
        elif code.startswith(mh_prefixes):
            mh = True
    return su and mh


def _readmitted(stays: list[dict], start: dt.date, as_of: dt.date, days: int) -> bool:
    for stay in stays:
        if not (start < stay["admitted"] <= as_of):
            continue
        earlier = [
            s["discharged"] for s in stays if s["discharged"] and s["discharged"] < stay["admitted"]
        ]
        if earlier and 1 <= (stay["admitted"] - max(earlier)).days <= days:
            return True
    return False


def _meets(kind: str, p: dict, stays: list[dict], requests: list, referred: bool, as_of) -> bool:
    start = _start(as_of, p)
    if kind == "repeat_admissions":
        admits = [s for s in _levels(stays, p, None) if start < s["admitted"] <= as_of]
        return len(admits) >= int(p.get("admissions", 3))
    if kind == "readmission":
        return _readmitted(_levels(stays, p, None), start, as_of, int(p.get("days", 30)))
    if kind == "discharge_delay":
        chosen = [s for s in stays if "levels" not in p or s["level"] in p["levels"]]
        return any(
            s["ended"] > start and s["delay"] >= int(p.get("min_delay_days", 1)) for s in chosen
        )
    if kind == "long_stay":
        return any(
            s["ended"] > start and (s["ended"] - s["admitted"]).days > int(p.get("days", 30))
            for s in _levels(stays, p, None)
        )
    if kind == "placement":
        chosen = _levels(stays, p, ("PRTF", "RTC", "GROUP_HOME"))
        return any(
            start < s["admitted"] <= as_of or (s["discharged"] and start < s["discharged"] <= as_of)
            for s in chosen
        )
    if kind == "co_occurring":
        return _co_occurring(stays, requests, p, start)
    return referred


def per_member_identify(member_ids: Iterable[int], as_of: dt.date) -> set[int]:
    """Members of ``member_ids`` who meet a trigger, are covered and have no active ICM."""
    from django.db.models import Q
    from django.utils import timezone

    from authorizations.models import Episode, Request
    from care.models import IcmAssignment, IcmReferral
    from care.services.icm_frames import lookback_start, trigger_specs, triggers_in_force
    from members.models import EligibilitySpan

    specs = trigger_specs(triggers_in_force(on=as_of))
    since = lookback_start(as_of=as_of, triggers=specs)
    since_at = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    found = set()
    for member_id in member_ids:
        if IcmAssignment.objects.filter(member_id=member_id, end__isnull=True).exists():
            continue
        covered = EligibilitySpan.objects.filter(member_id=member_id, start__lte=as_of).filter(
            Q(end__isnull=True) | Q(end__gte=as_of)
        )
        if not covered.exists():
            continue
        stays = []
        episodes = Episode.objects.filter(member_id=member_id, admitted__lte=as_of).filter(
            Q(discharged__isnull=True) | Q(discharged__gte=since)
        )
        for e in episodes.select_related("level_of_care"):
            discharged = e.discharged if e.discharged and e.discharged <= as_of else None
            stays.append(
                {
                    "level": e.level_of_care.code,
                    "category": e.level_of_care.category,
                    "admitted": e.admitted,
                    "discharged": discharged,
                    "ended": discharged or as_of,
                    "delay": e.delay_days,
                    "dx": e.principal_diagnosis,
                }
            )
        requests = [
            (r.level_of_care.code, list(r.diagnoses))
            for r in Request.objects.filter(
                member_id=member_id, received_at__gte=since_at
            ).select_related("level_of_care")
        ]
        referred = IcmReferral.objects.filter(member_id=member_id, status="open").exists()
        if any(_meets(t.kind, dict(t.params), stays, requests, referred, as_of) for t in specs):
            found.add(member_id)
    return found


def vectorized_on(member_ids: Sequence[int], as_of: dt.date) -> set[int]:
    """The pandas answer for the same members (the frames read again, untimed)."""
    from care.rules import identify_candidates
    from care.services.icm_frames import frames_read, trigger_specs, triggers_in_force

    specs = trigger_specs(triggers_in_force(on=as_of))
    frames = frames_read(as_of=as_of, triggers=specs)
    out = identify_candidates(
        specs,
        episodes=frames.episodes,
        diagnoses=frames.diagnoses,
        referrals=frames.referrals,
        active=frames.active,
        as_of=as_of,
        eligible=frames.eligible,
    )
    wanted = {int(m) for m in member_ids}
    return {int(m) for m in out["member_id"] if int(m) in wanted}
