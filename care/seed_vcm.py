"""Synthetic Voluntary Care Management: a year of DCF referrals with realistic flows.

About 3,200 referrals a year at ct scale (120 at small), arriving on weekdays, spread over the
towns by population. Most families are reached within one to three attempts (about nine in ten
first attempts on time), about one in ten cannot be reached after the configured attempts and a
few decline; engaged families get an initial plan (about 94% within 30 days), one to three plan
versions, and are discharged after two to six months, mostly with goals met or to ongoing
treatment, almost all connected to services that met the child's needs. A community resource
directory (40 at small, 400 at ct) is written first, and plans link to it.

Clocks use the same rules and rule row as real referrals (care.rules_vcm). Written through
``bulk_insert``, which bypasses simple-history: seeded rows are recognisable because their
agency referral ids start with ``SEED-`` and they carry no acting user (``created_by``,
``author``, ``recorded_by`` empty), which no service writes for a staff action.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np

from aso.core.bulk import bulk_insert
from aso.core.seeding import SeedContext
from authorizations.rules.clocks import NEW_YORK
from authorizations.selectors_review import business_calendar
from care import rules_vcm
from care.models import (
    CommunityResource,
    VcmCaregiver,
    VcmContactAttempt,
    VcmDischarge,
    VcmDischargeReason,
    VcmPlan,
    VcmPlanVersion,
    VcmProblemCategory,
    VcmReferral,
)
from care.services.vcm_referrals import program_rule, rule_in_force
from providers.models import Provider, Town

PREFIX = "SEED-"
FIRST = ("Liam", "Sofia", "Noah", "Isabella", "Mason", "Mia", "Elijah", "Camila", "Aiden", "Ava",
         "Jayden", "Emily", "Luis", "Zoe", "Malik", "Aaliyah", "Kevin", "Nayeli", "Tyler", "Grace")  # fmt: skip
LAST = ("Rivera", "Smith", "Johnson", "Santiago", "Williams", "Brown", "Torres", "Jones", "Diaz",
        "Garcia", "Nguyen", "Murphy", "Cruz", "Kowalski", "Silva", "Baptiste", "Reyes", "Davis")  # fmt: skip
KINDS = ("mentoring", "respite", "after-school", "parent support", "peer support", "food pantry",
         "housing", "recreation", "tutoring", "faith community")  # fmt: skip
PROBLEMS = {"emotional": 0.45, "behavioral": 0.40, "substance_use": 0.15}
REASONS = {"goals_met": 0.42, "ongoing_treatment": 0.45, "transferred": 0.06, "aged_out": 0.02,
           "declined": 0.05}  # fmt: skip


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NEW_YORK)


def _resources(
    ctx: SeedContext, rng: np.random.Generator, towns: list[tuple[int, int]]
) -> list[int]:
    count = ctx.pick(40, 400)
    rows = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        low = int(rng.choice([0, 5, 10, 12]))
        languages = ["en", "es"] if rng.random() < 0.5 else ["en"]
        rows.append((f"{LAST[n % len(LAST)]} {kind.title()} Program {n + 1}", kind, low,
                     int(rng.choice([17, 18, 21])), json.dumps(languages), json.dumps([kind]),
                     f"860-555-{n % 10000:04d}"))  # fmt: skip
    bulk_insert(
        CommunityResource,
        ("name", "kind", "min_age", "max_age", "languages", "needs", "phone"),
        rows,
    )
    ids = list(CommunityResource.objects.order_by("pk").values_list("pk", flat=True))
    through = CommunityResource.towns.through
    links = {(rid, towns[int(rng.integers(len(towns)))][0]) for rid in ids for _ in range(3)}
    through.objects.bulk_create([through(communityresource_id=r, town_id=t) for r, t in links])
    return ids


def seed_vcm(ctx: SeedContext) -> None:
    if VcmReferral.objects.filter(agency_referral_id__startswith=PREFIX).exists():
        ctx.log("vcm: already present, not seeded again")
        return
    rng = ctx.rng("vcm")
    towns = list(Town.objects.values_list("pk", "region_id", "population"))
    if not towns:
        ctx.log("vcm: no towns, nothing seeded")
        return
    weights = np.array([p or 1000 for _, _, p in towns], dtype=float)
    weights /= weights.sum()
    resource_ids = _resources(ctx, rng, [(t, r) for t, r, _ in towns])
    providers = list(Provider.objects.order_by("pk").values_list("pk", flat=True)[:200])
    problems = dict(VcmProblemCategory.objects.values_list("code", "pk"))
    reasons = dict(VcmDischargeReason.objects.values_list("code", "pk"))
    rule_row = rule_in_force(ctx.today)
    rule, calendar = program_rule(rule_row), business_calendar()
    flows = [_flow(ctx, rng, n, towns, weights, rule, calendar) for n in range(ctx.pick(120, 3200))]
    _write(flows, problems, reasons, rule_row.pk, resource_ids, providers, rng)
    ctx.counts.update(
        vcm_referrals=len(flows),
        vcm_discharges=sum(1 for f in flows if f["reason"]),
        vcm_resources=len(resource_ids),
    )
    ctx.log(f"vcm: {len(flows)} referrals, {len(resource_ids)} community resources")


def _flow(ctx: SeedContext, rng: np.random.Generator, n: int, towns: list, weights: Any,
          rule: rules_vcm.ProgramRule, calendar: Any) -> dict[str, Any]:  # fmt: skip
    """One family's path: arrival, attempts, engagement, plan, discharge (as far as today)."""
    received = ctx.today - dt.timedelta(days=int(rng.integers(1, 366)))
    while received.weekday() >= 5:
        received -= dt.timedelta(days=1)
    town, region, _ = towns[int(rng.choice(len(towns), p=weights))]
    due = rules_vcm.first_attempt_due(received, rule, calendar)
    first = received + dt.timedelta(days=int(rng.choice([0, 1, 1, 2, 2, 3, 4], p=[.2, .25, .2, .15, .1, .06, .04])))  # fmt: skip
    fate = rng.random()
    tries = rule.max_outreach_attempts if fate < 0.10 else int(rng.integers(1, 4))
    attempts = [first + dt.timedelta(days=2 * i) for i in range(tries)]
    attempts = [d for d in attempts if d <= ctx.today]
    flow: dict[str, Any] = {
        "n": n, "received": received, "town": town, "region": region, "due": due,
        "problem": str(rng.choice(list(PROBLEMS), p=list(PROBLEMS.values()))),
        "birth": received - dt.timedelta(days=int(rng.integers(4 * 365, 17 * 365 + 300))),
        "attempts": attempts, "reached": fate >= 0.10 and bool(attempts), "engaged": None,
        "plan_due": None, "plan": None, "versions": 0, "reason": None, "out": None,
        "met": False, "goals": False, "languages": "es" if rng.random() < 0.3 else "en",
    }  # fmt: skip
    last = attempts[-1] if attempts else None
    if fate < 0.10 and len(attempts) == rule.max_outreach_attempts and last:
        flow.update(reason="unable_to_reach", out=last + dt.timedelta(days=3))
    elif flow["reached"] and last:
        engaged = last + dt.timedelta(days=int(rng.integers(0, 6)))
        if engaged <= ctx.today:
            flow.update(engaged=engaged, plan_due=rules_vcm.plan_due(engaged, rule))
            late = rng.random() < 0.06
            plan_on = flow["plan_due"] + dt.timedelta(days=int(rng.integers(1, 15))) if late else engaged + dt.timedelta(days=int(rng.integers(7, rule.plan_due_days + 1)))  # fmt: skip
            if plan_on <= ctx.today:
                flow.update(plan=plan_on, versions=int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15])))
            out = engaged + dt.timedelta(days=int(rng.integers(60, 181)))
            if out <= ctx.today and flow["plan"]:
                reason = str(rng.choice(list(REASONS), p=list(REASONS.values())))
                flow.update(reason=reason, out=out, met=reason != "declined" and rng.random() < 0.97,
                            goals=rng.random() < (0.98 if reason == "ongoing_treatment" else 0.8))  # fmt: skip
    if flow["out"] and flow["out"] > ctx.today:
        flow.update(reason=None, out=None)
    return flow


def _write(flows: list[dict[str, Any]], problems: dict[str, int], reasons: dict[str, int],
           rule_id: int, resource_ids: list[int], providers: list[int],
           rng: np.random.Generator) -> None:  # fmt: skip
    status = {True: "discharged"}
    bulk_insert(
        VcmReferral,
        ("agency", "agency_referral_id", "received_at", "child_first_name", "child_last_name",
         "child_birth_date", "town", "region", "problem", "reason", "other_insurance_explored",
         "consent", "eligibility", "rule", "first_attempt_due", "status", "engaged_on", "plan_due"),
        (("DCF", f"{PREFIX}{f['n']:07d}", _at(f["received"], 9 + f["n"] % 8),
          FIRST[f["n"] % len(FIRST)], LAST[(f["n"] * 7) % len(LAST)], f["birth"], f["town"],
          f["region"], problems[f["problem"]], "Family called the Careline asking for help.",
          f["n"] % 4 != 0, True,
          json.dumps({"eligible": True, "reasons": [], "age": rules_vcm.age_on(f["birth"], f["received"])}),
          rule_id, f["due"],
          status.get(bool(f["reason"]), "engaged" if f["engaged"] else "outreach"),
          f["engaged"], f["plan_due"]) for f in flows),
    )  # fmt: skip
    ids = dict(
        VcmReferral.objects.filter(agency_referral_id__startswith=PREFIX).values_list(
            "agency_referral_id", "pk"
        )
    )
    pk = {f["n"]: ids[f"{PREFIX}{f['n']:07d}"] for f in flows}
    bulk_insert(
        VcmCaregiver,
        ("referral", "first_name", "last_name", "relationship", "phone", "preferred_language",
         "primary"),
        ((pk[f["n"]], FIRST[(f["n"] + 3) % len(FIRST)], LAST[(f["n"] * 7) % len(LAST)], "parent",
          f"203-555-{f['n'] % 10000:04d}", f["languages"], True) for f in flows),
    )  # fmt: skip
    bulk_insert(
        VcmContactAttempt,
        ("referral", "occurred_at", "channel", "outcome"),
        ((pk[f["n"]], _at(day, 11), "phone",
          "reached" if f["reached"] and i == len(f["attempts"]) - 1 else "no_answer")
         for f in flows for i, day in enumerate(f["attempts"])),
    )  # fmt: skip
    _write_plans(flows, pk, resource_ids, providers, rng)
    bulk_insert(
        VcmDischarge,
        ("referral", "discharged_on", "reason", "services_met_needs", "goals_met", "satisfaction"),
        ((pk[f["n"]], f["out"], reasons[f["reason"]], f["met"], f["goals"],
          int(rng.choice([3, 4, 5, 5])) if f["engaged"] else None)
         for f in flows if f["reason"]),
    )  # fmt: skip


def _write_plans(flows: list[dict[str, Any]], pk: dict[int, int], resource_ids: list[int],
                 providers: list[int], rng: np.random.Generator) -> None:  # fmt: skip
    planned = [f for f in flows if f["plan"]]
    bulk_insert(
        VcmPlan,
        ("referral", "current_version", "first_effective_on"),
        ((pk[f["n"]], f["versions"], f["plan"]) for f in planned),
    )
    plans = dict(
        VcmPlan.objects.filter(referral_id__in=pk.values()).values_list("referral_id", "pk")
    )
    versions, resource_links, provider_links = [], set(), set()
    for f in planned:
        plan = plans[pk[f["n"]]]
        resource = resource_ids[int(rng.integers(len(resource_ids)))] if resource_ids else None
        provider = providers[int(rng.integers(len(providers)))] if providers else None
        team: list[dict[str, Any]] = [
                {"name": "Parent", "role": "Parent", "kind": "family", "provider_id": None},
                {"name": "Grandparent", "role": "Natural support", "kind": "natural",
                 "provider_id": None}]  # fmt: skip
        if provider:
            team.append({"name": "Therapist", "role": "Outpatient therapist", "kind": "provider",
                         "provider_id": provider})  # fmt: skip
            provider_links.add((plan, provider))
        services = [{"service": "Community support", "provider_id": None, "resource_id": resource}]
        if resource:
            resource_links.add((plan, resource))
        for number in range(1, f["versions"] + 1):
            effective = f["plan"] + dt.timedelta(days=60 * (number - 1))
            versions.append((plan, number, effective, json.dumps(["Support at home and school"]),
                             json.dumps(["Caring family"]),
                             json.dumps([{"goal": "Stay in school", "indicator": "90% attendance"}]),
                             json.dumps(team), json.dumps(services),
                             effective + dt.timedelta(days=90)))  # fmt: skip
    bulk_insert(
        VcmPlanVersion,
        ("plan", "number", "effective_on", "needs", "strengths", "goals", "team", "services",
         "next_review"),
        versions,
    )  # fmt: skip
    resources_through = VcmPlan.resources.through
    resources_through.objects.bulk_create(
        [resources_through(vcmplan_id=p, communityresource_id=r) for p, r in resource_links]
    )
    providers_through = VcmPlan.team_providers.through
    providers_through.objects.bulk_create(
        [providers_through(vcmplan_id=p, provider_id=r) for p, r in provider_links]
    )
