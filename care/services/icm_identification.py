"""Nightly ICM identification: who meets a trigger today becomes (or stays) an open candidate.

Reconciling today's answer with the candidates already on file:

- a member identified with an open candidate keeps it: its triggers and evidence are updated when
  they changed, its ``last_seen`` moves to today otherwise;
- a member whose last candidate was decided (assigned, or dismissed by a supervisor) comes back only
  on new evidence (``care.rules.has_new_evidence``), not every night for the same stays;
- an open candidate no longer identified (the window moved on, coverage ended, an ICM was assigned
  elsewhere) is dismissed by the system with that reason;
- a second run on the same day with the same data changes nothing.

Candidates are written in bulk with their history rows (``bulk_create_with_history``); the only
write without a history row is moving ``last_seen``, whose provenance is the run's Job.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from aso.core.jobs import job_run
from aso.core.models import Job
from care.choices.icm import CandidateStatus
from care.models import IcmCandidate
from care.rules import has_new_evidence, identify_candidates
from care.services.icm_frames import (
    evidence_json,
    frames_read,
    trigger_specs,
    triggers_in_force,
)

JOB_KIND = "icm_identification"
LAPSED = "No longer identified on {day}: no trigger met, coverage ended, or an ICM was assigned."
IN_CLAUSE = 5000

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class IdentificationResult:
    """What one run found and changed (counts only: safe for job logs)."""

    as_of: dt.date
    identified: int
    created: int
    updated: int
    confirmed: int
    lapsed: int
    held_back: int
    by_trigger: dict[str, int]
    frames: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "identified": self.identified,
            "created": self.created,
            "updated": self.updated,
            "confirmed": self.confirmed,
            "lapsed": self.lapsed,
            "held_back": self.held_back,
            "by_trigger": self.by_trigger,
            "frames": self.frames,
            "seconds": self.seconds,
        }


@dataclass
class _Plan:
    create: list[IcmCandidate] = field(default_factory=list)
    update: list[IcmCandidate] = field(default_factory=list)
    touch: list[int] = field(default_factory=list)
    lapse: list[IcmCandidate] = field(default_factory=list)
    confirmed: int = 0
    held_back: int = 0


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), IN_CLAUSE):
        yield values[start : start + IN_CLAUSE]


def _last_decided_evidence(member_ids: Sequence[int]) -> dict[int, dict[str, list[Any]]]:
    """Evidence of each member's most recent decided (assigned or dismissed) candidate."""
    latest: dict[int, dict[str, list[Any]]] = {}
    decided = [CandidateStatus.ASSIGNED, CandidateStatus.DISMISSED]
    for chunk in _chunks(member_ids):
        rows = (
            IcmCandidate.objects.filter(member_id__in=chunk, status__in=decided)
            .order_by("member_id", "-as_of", "-pk")
            .values_list("member_id", "evidence")
        )
        for member_id, evidence in rows:
            latest.setdefault(member_id, evidence)
    return latest


def _plan(found: pd.DataFrame, *, as_of: dt.date, rule_ids: list[int], job: Job | None) -> _Plan:
    """Decide, per member, what today's answer changes; nothing is written here."""
    plan = _Plan()
    open_by_member = {c.member_id: c for c in IcmCandidate.objects.filter(status="open")}
    member_ids = [int(m) for m in found["member_id"]]
    fresh = [m for m in member_ids if m not in open_by_member]
    decided = _last_decided_evidence(fresh)
    for member_id, triggers, evidence in zip(
        member_ids, found["triggers"], found["evidence"], strict=True
    ):
        codes, proof = list(triggers), evidence_json(evidence)
        current = open_by_member.pop(member_id, None)
        if current is not None:
            if current.triggers != codes or current.evidence != proof:
                current.triggers, current.evidence, current.rule_ids = codes, proof, rule_ids
                current.last_seen, current.job = max(current.last_seen, as_of), job
                plan.update.append(current)
            elif current.last_seen < as_of:
                plan.touch.append(current.pk)
            else:
                plan.confirmed += 1
            continue
        if member_id in decided and not has_new_evidence(decided[member_id], proof):
            plan.held_back += 1
            continue
        plan.create.append(
            IcmCandidate(
                member_id=member_id,
                as_of=as_of,
                last_seen=as_of,
                triggers=codes,
                evidence=proof,
                rule_ids=rule_ids,
                job=job,
            )
        )
    for gone in open_by_member.values():
        gone.status, gone.dismissal_reason = CandidateStatus.DISMISSED, LAPSED.format(day=as_of)
        gone.decided_at, gone.job = timezone.now(), job
        plan.lapse.append(gone)
    return plan


def _write(plan: _Plan, *, as_of: dt.date, acting_user: Any) -> None:
    reason = f"ICM identification {as_of.isoformat()}"
    for candidate in plan.create:  # member and job ids come from the database: no lookups
        candidate.clean_fields(exclude=["member", "job"])
    if plan.create:
        bulk_create_with_history(
            plan.create, IcmCandidate, default_user=acting_user, default_change_reason=reason
        )
    changed = plan.update + plan.lapse
    if changed:
        bulk_update_with_history(
            changed,
            IcmCandidate,
            [
                "triggers",
                "evidence",
                "rule_ids",
                "last_seen",
                "job",
                "status",
                "dismissal_reason",
                "decided_at",
            ],
            default_user=acting_user,
            default_change_reason=reason,
        )
    for chunk in _chunks(plan.touch):
        IcmCandidate.objects.filter(pk__in=chunk).update(last_seen=as_of)


@transaction.atomic
def icm_candidates_identify(
    *,
    as_of: dt.date,
    acting_user: Any = None,
    job: Job | None = None,
    progress: Progress | None = None,
) -> IdentificationResult:
    """Evaluate the triggers in force on ``as_of`` over the whole population and reconcile the
    candidates on file (see the module docstring). One transaction: all or nothing."""
    report = progress or (lambda pct, msg: None)
    clock, seconds = time.perf_counter(), {}
    rows = triggers_in_force(on=as_of)
    specs = trigger_specs(rows)
    report(5, "Reading episodes, diagnoses, referrals and coverage")
    frames = frames_read(as_of=as_of, triggers=specs)
    seconds["read"] = time.perf_counter() - clock
    report(45, "Evaluating the triggers")
    found = identify_candidates(
        specs,
        episodes=frames.episodes,
        diagnoses=frames.diagnoses,
        referrals=frames.referrals,
        active=frames.active,
        as_of=as_of,
        eligible=frames.eligible,
    )
    seconds["evaluate"] = time.perf_counter() - clock - seconds["read"]
    report(75, "Recording candidates")
    plan = _plan(found, as_of=as_of, rule_ids=[r.pk for r in rows], job=job)
    _write(plan, as_of=as_of, acting_user=acting_user)
    seconds["write"] = time.perf_counter() - clock - seconds["read"] - seconds["evaluate"]
    by_trigger = Counter(code for codes in found["triggers"] for code in codes)
    return IdentificationResult(
        as_of=as_of,
        identified=len(found),
        created=len(plan.create),
        updated=len(plan.update),
        confirmed=plan.confirmed + len(plan.touch),
        lapsed=len(plan.lapse),
        held_back=plan.held_back,
        by_trigger=dict(sorted(by_trigger.items())),
        frames=frames.sizes,
        seconds={k: round(v, 3) for k, v in seconds.items()},
    )


def icm_identification_run(
    *, as_of: dt.date | None = None, acting_user: Any = None, auto_assign: bool = False
) -> Job:
    """Record an identification Job and run it here and now (the nightly task and the command).

    The web's "run now" button queues the same kind of Job with ``job_create`` instead.
    """
    day = as_of or timezone.localdate()
    job = Job(
        kind=JOB_KIND,
        params={"as_of": day.isoformat(), "auto_assign": auto_assign},
        created_by=acting_user,
    )
    job.full_clean(exclude=["input_file", "result_file"])
    job.save()
    return job_run(job.pk)
