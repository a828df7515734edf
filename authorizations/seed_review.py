"""Synthetic prior-authorization data: a year of requests, checklists, decisions, concurrent reviews,
episodes with discharges and delays, appeals and peer-to-peers, plus an open review backlog.

ct scale: about 45,000 initial requests and their continued-stay reviews over the year before
`ctx.today`, and 10,000 open requests in the queue (the queue benchmark's backlog); small: a few hundred.
Written through the bulk path (COPY on PostgreSQL), deterministic for a seed. Bulk writes bypass
simple-history: provenance is one `Event` of kind `seeded` per request (seed and scale in its detail),
and seeded staff users are named `seed_*`. Deadlines come from the clock rules, like live requests; at
small scale the decisions also get their notices rendered from the real templates.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models

from aso.core.bulk import bulk_insert, reset_sequence
from aso.core.seeding import SeedContext
from authorizations.choices import OPEN_STATUSES
from authorizations.choices_review import NoticeKind
from authorizations.models import (
    Appeal,
    Authorization,
    AuthorizationRule,
    DecisionReason,
    DischargeCode,
    Episode,
    Event,
    NumberSequence,
    PeerToPeer,
    Request,
    Review,
    ReviewCriterion,
)
from authorizations.rules import clocks

# level -> (share of initial requests, share expedited, youth only, mean continued-stay reviews)
from authorizations.seed_review_rows import LEVEL_SHAPE, SeedState, initial_request, open_request
from authorizations.selectors_review import business_calendar, clocks_all
from members.models import Member
from providers.models import LevelOfCare, ServiceOffering


def _json(value: Any) -> str:
    return json.dumps(value)


def _insert(model: type[models.Model], rows: list[dict[str, Any]], now: dt.datetime) -> int:
    """Bulk-insert dicts: every concrete column, defaults for those not given, JSON as text."""
    fields = list(model._meta.concrete_fields)

    def value(f: Any, row: dict[str, Any]) -> Any:
        if f.attname in row:
            v = row[f.attname]
        elif f.name in row:
            v = row[f.name]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            v = now
        elif f.has_default():
            v = f.get_default()
        elif f.null:
            v = None
        elif isinstance(f, models.CharField | models.TextField):
            v = ""
        else:
            raise KeyError(f"{model.__name__}.{f.name} needs a value")
        return _json(v) if isinstance(f, models.JSONField) else v

    written = bulk_insert(
        model, [f.name for f in fields], (tuple(value(f, r) for f in fields) for r in rows)
    )
    reset_sequence(model)
    return written


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def seed_prior_auth(ctx: SeedContext) -> None:
    """A year of prior authorization and an open backlog. Skips when prior-auth requests exist."""
    if Request.objects.filter(review_path="prior_auth").exists():
        ctx.log("prior authorization: already present, not seeded again")
        return
    seed = _prepare(ctx)
    initial = ctx.pick(small=300, ct=45_000)
    for received in _arrivals(seed, initial):
        initial_request(seed, received)
    for _ in range(ctx.pick(small=40, ct=10_000)):
        open_request(seed)
    counts = _write(seed)
    if ctx.scale == "small":
        counts["notices"] = _render_notices(seed)
        _check_open_gates(seed)
    ctx.counts.update({f"pa_{k}": v for k, v in counts.items()})
    ctx.log("prior authorization: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def _prepare(ctx: SeedContext) -> SeedState:
    now = clocks.local_midnight(ctx.today) + dt.timedelta(hours=12)
    levels = {lvl.code: lvl for lvl in LevelOfCare.objects.filter(code__in=LEVEL_SHAPE)}
    rules = {}
    for code, level in levels.items():
        rule = AuthorizationRule.objects.filter(
            level_of_care=level, review_path="prior_auth", effective_to__isnull=True
        ).first()
        if rule is not None:
            rules[code] = rule
    offered = defaultdict(list)
    for level_code, site_id in ServiceOffering.objects.filter(
        level_of_care__code__in=LEVEL_SHAPE
    ).values_list("level_of_care__code", "site_id"):
        offered[level_code].append(site_id)
    pairs = list(Member.objects.values_list("id", "birth_date"))
    member_ids = np.array([pk for pk, _ in pairs], dtype=np.int64)
    births = np.array([born for _, born in pairs], dtype="datetime64[D]")
    ages = (np.datetime64(ctx.today, "D") - births).astype(np.int64) // 365
    criteria: dict[tuple[int, str], list[ReviewCriterion]] = defaultdict(list)
    for row in ReviewCriterion.objects.filter(effective_to__isnull=True):
        criteria[(row.level_of_care_id, row.kind)].append(row)
    codes = list(DischargeCode.objects.filter(active=True))
    seed = SeedState(
        ctx=ctx,
        rng=ctx.rng("prior_auth"),
        now=now,
        clock_rows=clocks_all(),
        calendar=business_calendar(),
        staff=_staff(ctx),
        levels=levels,
        rules=rules,
        sites={k: np.array(v) for k, v in offered.items()},
        adults=member_ids[ages >= 18],
        youth=member_ids[ages < 18],
        criteria=criteria,
        reasons=dict(DecisionReason.objects.values_list("code", "id")),
        dispositions=[(c.code, c.aftercare_expected) for c in codes if c.kind == "disposition"],
        disposition_weights=_weights([c.code for c in codes if c.kind == "disposition"]),
        delay_reasons=[c.code for c in codes if c.kind == "delay_reason"],
        levels_by_id={level.pk: code for code, level in levels.items()},
    )
    for table, model in (
        ("request", Request),
        ("authorization", Authorization),
        ("episode", Episode),
        ("review", Review),
        ("appeal", Appeal),
        ("p2p", PeerToPeer),
        ("event", Event),
    ):
        seed.ids[table] = _next_id(model)
    for prefix, year, last in NumberSequence.objects.values_list("prefix", "year", "last"):
        seed.sequences[(prefix, year)] = last
    return seed


DISPOSITION_SHARES = {
    "HOME": 0.45,
    "STEP_DOWN_INTERMEDIATE": 0.15,
    "STEP_DOWN_RESIDENTIAL": 0.08,
    "AMA": 0.07,
    "SUPPORTED_HOUSING": 0.06,
    "FOSTER_CARE": 0.05,
    "SHELTER": 0.04,
}


def _weights(codes: list[str]) -> np.ndarray:
    weights = np.array([DISPOSITION_SHARES.get(code, 0.02) for code in codes])
    return weights / weights.sum()


def _staff(ctx: SeedContext) -> dict[str, list[int]]:
    """Seeded reviewers (no password; cannot sign in until an administrator sets one)."""
    User = get_user_model()
    wanted = {
        "care_manager": ctx.pick(small=4, ct=40),
        "physician_advisor": ctx.pick(small=3, ct=12),
        "clinical_supervisor": ctx.pick(small=1, ct=4),
    }
    staff: dict[str, list[int]] = {}
    for role, count in wanted.items():
        group = Group.objects.get(name=role)
        ids = []
        for index in range(count):
            user, created = User.objects.get_or_create(
                username=f"seed_{role}_{index + 1:02d}",
                defaults={
                    "first_name": "Seed",
                    "last_name": f"{role.replace('_', ' ')} {index + 1}",
                },
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(group)
            ids.append(user.pk)
        staff[role] = ids
    return staff


def _arrivals(seed: SeedState, count: int) -> list[dt.datetime]:
    """Receipt times over the year before today, busier on weekdays and in the daytime."""
    start = seed.now - dt.timedelta(days=365)
    days = seed.rng.integers(0, 365, count * 2)
    weekday = np.array([(start + dt.timedelta(days=int(d))).weekday() < 5 for d in days])
    keep = days[weekday | (seed.rng.random(days.size) < 0.45)][:count]
    hours = np.clip(seed.rng.normal(13, 4, keep.size), 0, 23.99)
    moments = [
        clocks.wall_clock(
            dt.datetime.combine(clocks.local_day(start) + dt.timedelta(days=int(d)), dt.time(0))
            + dt.timedelta(hours=float(h))
        )
        for d, h in zip(keep, hours, strict=True)
    ]
    return sorted(m for m in moments if m < seed.now - dt.timedelta(days=3))


def _write(seed: SeedState) -> dict[str, int]:
    """Everything in foreign-key order (the request <-> authorization links are checked at commit)."""
    counts = {}
    for table, model in (
        ("episode", Episode),
        ("request", Request),
        ("authorization", Authorization),
        ("review", Review),
        ("appeal", Appeal),
        ("p2p", PeerToPeer),
        ("event", Event),
    ):
        counts[f"{table}s"] = _insert(model, seed.rows[table], seed.now)
    _analyze(Episode, Request, Authorization, Review, Appeal, PeerToPeer, Event)
    for (prefix, year), last in seed.sequences.items():
        NumberSequence.objects.update_or_create(prefix=prefix, year=year, defaults={"last": last})
    counts["open"] = sum(
        1 for r in seed.rows["request"] if r["status"] in ("submitted", "in_review", "pended")
    )
    return counts


NOTICE_SAMPLE = 60


def _check_open_gates(seed: SeedState) -> None:
    """Small scale only: the open backlog's intake gates, checked as intake checks them."""
    from authorizations.services.intake import intake_gate_rows

    open_ids = [r["id"] for r in seed.rows["request"] if r["status"] in OPEN_STATUSES]
    for request in Request.objects.filter(pk__in=open_ids).select_related(
        "member", "site", "level_of_care", "rule"
    ):
        request.gates = intake_gate_rows(
            member=request.member,
            site=request.site,
            level=request.level_of_care,
            rule=request.rule,
            start=request.requested_start,
            clinical=request.clinical,
        )
        request.save(update_fields=["gates"])


def _analyze(*tables: type[models.Model]) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL), as an operator would run."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _render_notices(seed: SeedState) -> int:
    """Small scale only: the notices of the latest decisions (every adverse one, and approvals up to
    NOTICE_SAMPLE) rendered from the real templates, dated as sent."""
    from authorizations.services.notices import notices_send

    kinds = {
        "approved": NoticeKind.APPROVAL,
        "partially_approved": NoticeKind.PARTIAL_APPROVAL,
        "denied": NoticeKind.DENIAL,
    }
    decided = sorted(
        (r for r in seed.rows["request"] if r["status"] in kinds), key=lambda r: r["decided_at"]
    )
    adverse = [r["id"] for r in decided if r["status"] != "approved"]
    approved = [r["id"] for r in decided if r["status"] == "approved"][-NOTICE_SAMPLE:]
    ids = adverse + approved
    sent = 0
    for request in Request.objects.filter(pk__in=ids).select_related(
        "member", "site__provider", "level_of_care", "decision_reason", "decision_criterion"
    ):
        notices_send(
            request=request,
            kind=kinds[request.status],
            acting_user=None,
            sent_at=request.decided_at,
        )
        sent += 2
    return sent
