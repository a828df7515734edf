"""Row builders of the synthetic prior-authorization year (see `authorizations.seed_review`): requests
with their clock deadlines, checklists and decisions, authorizations, continued-stay chains in their
windows, discharges, peer-to-peers and appeals, as plain dicts for the bulk path. No database access."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aso.core.seeding import SeedContext
from authorizations.models import AuthorizationRule, ReviewCriterion
from authorizations.numbers import format_number
from authorizations.rules import clocks
from providers.models import LevelOfCare

LEVEL_SHAPE: dict[str, tuple[float, float, bool, float]] = {
    "IP_PSY": (0.36, 0.85, False, 1.8),
    "IP_DETOX": (0.10, 0.80, False, 0.6),
    "OBS_23H": (0.05, 0.95, False, 0.0),
    "RES_DETOX": (0.12, 0.50, False, 0.5),
    "PHP": (0.14, 0.10, False, 0.7),
    "EDT": (0.05, 0.05, True, 1.0),
    "PRTF": (0.04, 0.10, True, 3.0),
    "RTC": (0.08, 0.05, True, 4.0),
    "GROUP_HOME": (0.06, 0.05, True, 5.0),
}
DIAGNOSES = {
    "IP_DETOX": ("F10.239", "F11.23", "F13.230", "F10.230"),
    "RES_DETOX": ("F10.230", "F11.20", "F11.23"),
    "youth": ("F32.2", "F91.3", "F43.12", "F34.81", "F90.2", "F33.2"),
    "adult": ("F32.2", "F33.2", "F20.9", "F25.0", "F31.2", "F43.10"),
}
# initial determinations: approved, partially approved, denied, withdrawn
INITIAL_OUTCOMES = (0.875, 0.04, 0.07, 0.015)
CONCURRENT_DENIED = 0.07
APPEALED, P2P_HELD = 0.25, 0.30
APPEAL_OUTCOMES = (("overturned", 0.30), ("partially_overturned", 0.10), ("upheld", 0.60))
CLINICAL_SAMPLES = (
    {"presentation": "Agitated, tearful, poor sleep", "suicide_risk": "high"},
    {"presentation": "Withdrawn, hearing voices", "suicide_risk": "moderate"},
    {"presentation": "Aggressive at home and school", "suicide_risk": "low"},
)


@dataclass
class SeedState:
    """What the row builders need: the context, reference rows read once, id counters, the rows."""

    ctx: SeedContext
    rng: np.random.Generator
    now: dt.datetime
    clock_rows: tuple[clocks.Clock, ...]
    calendar: clocks.BusinessCalendar
    staff: dict[str, list[int]]
    levels: dict[str, LevelOfCare]
    rules: dict[str, AuthorizationRule]
    sites: dict[str, np.ndarray]
    adults: np.ndarray
    youth: np.ndarray
    criteria: dict[tuple[int, str], list[ReviewCriterion]]
    reasons: dict[str, int]
    dispositions: list[tuple[str, bool]]
    disposition_weights: np.ndarray
    delay_reasons: list[str]
    levels_by_id: dict[int, str]
    ids: dict[str, int] = field(default_factory=dict)
    sequences: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def new_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table] - 1

    def number(self, prefix: str, day: dt.date) -> str:
        self.sequences[(prefix, day.year)] += 1
        return format_number(prefix, day.year, self.sequences[(prefix, day.year)])

    def pick(self, key: str) -> int:
        pool = self.staff[key]
        return pool[int(self.rng.integers(0, len(pool)))]


OPEN_CLINICAL = {
    "presentation": "Agitated and tearful; poor eye contact; thought blocking",
    "symptoms": "Depressed mood, not sleeping, passive thoughts of death",
    "suicide_risk": "high",
    "homicide_risk": "none",
    "substances": ["none"],
    "legal_status": "voluntary",
    "supports": "Parent visits daily; outpatient therapist known",
    "treatment_objectives": "Safety, medication adjustment, family meeting",
    "discharge_plan": "Home with intensive outpatient and a psychiatrist visit within 7 days",
    "medications": [{"name": "sertraline", "dose": "50 mg", "frequency": "daily"}],
}
EXPLANATIONS = {
    "MN_ADMISSION_CRITERIA": "The member denied thoughts of suicide on two assessments, has no plan "
    "or recent attempt, and is eating and sleeping; the family can supervise at home.",
    "MN_LESS_RESTRICTIVE": "Symptoms are moderate and stable over the past week; the member keeps "
    "outpatient appointments and partial hospital care is available near home.",
    "MN_CONTINUED_STAY": "Since the last review the member has had no aggression or self-harm, "
    "sleeps through the night, and the aftercare appointment is already booked.",
    "MN_FEWER_UNITS": "Two days are enough to complete the medication change; the unit reports "
    "steady improvement and a discharge plan with family support.",
}
EPSDT_NOTE = "Home-based services already in place meet the child's needs safely this month."


def _choose(seed: SeedState, options: tuple[tuple[str, float], ...]) -> str:
    weights = np.array([w for _, w in options])
    return options[int(seed.rng.choice(len(options), p=weights / weights.sum()))][0]


def _level(seed: SeedState) -> str:
    codes = [c for c in LEVEL_SHAPE if c in seed.rules and seed.sites.get(c) is not None]
    return _choose(seed, tuple((c, LEVEL_SHAPE[c][0]) for c in codes))


def _member_site(seed: SeedState, level: str) -> tuple[int, int, bool]:
    youth = LEVEL_SHAPE[level][2] or seed.rng.random() < 0.3
    pool = seed.youth if youth and seed.youth.size else seed.adults
    member = int(pool[int(seed.rng.integers(0, pool.size))])
    sites = seed.sites[level]
    return member, int(sites[int(seed.rng.integers(0, sites.size))]), youth


def _span(rule: AuthorizationRule, units: int, concurrent: bool) -> int:
    days = (rule.concurrent_interval_days if concurrent else None) or rule.initial_days
    return max(days, units) if rule.unit_type == "day" else days


def _decision_delay(seed: SeedState, urgency: str) -> dt.timedelta:
    if urgency == "standard":
        return dt.timedelta(hours=float(seed.rng.lognormal(3.9, 0.8)))  # about 2 days
    if urgency == "urgent_concurrent":
        return dt.timedelta(hours=float(seed.rng.uniform(1, 22)))
    return dt.timedelta(hours=float(seed.rng.lognormal(2.8, 0.6)))  # about 16 hours


def _request(seed: SeedState, **row: Any) -> dict[str, Any]:
    """A request row with its deadline from the clock rules."""
    received = row["received_at"]
    due = clocks.decision_deadline(received, row["urgency"], seed.clock_rows)
    request_id = seed.new_id("request")
    base = {
        "id": request_id,
        "number": seed.number("R", clocks.local_day(received)),
        "channel": "phone" if seed.rng.random() < 0.55 else "web",
        "review_path": "prior_auth",
        "due_at": due.due_at,
        "due_clock_id": due.clock.id,
        "urgency_set_at": received,
        "clinical": CLINICAL_SAMPLES[request_id % len(CLINICAL_SAMPLES)],
        "version": 3,
        "created_at": received,
        "updated_at": row.get("decided_at") or received,
    }
    base.update(row)
    seed.rows["request"].append(base)
    seed.rows["event"].append(
        {
            "id": seed.new_id("event"),
            "request_id": request_id,
            "kind": "seeded",
            "to_status": base["status"],
            "detail": {"seed": seed.ctx.seed, "scale": seed.ctx.scale},
            "occurred_at": received,
        }
    )
    return base


def _decide(seed: SeedState, row: dict[str, Any], outcome: str, youth: bool) -> None:
    """Decision fields, the extension or the late decision some requests get, and the checklist."""
    received, due = row["received_at"], row["due_at"]
    if row["urgency"] == "standard" and seed.rng.random() < 0.03:
        row["original_due_at"], row["extended_at"] = due, received + dt.timedelta(days=2)
        row["due_at"] = due = clocks.shift(due, 14, clocks.CALENDAR_DAYS)
        row["extension_reason"] = "We asked the provider for the psychiatric evaluation."
    decided = received + _decision_delay(seed, row["urgency"])
    if decided > due and seed.rng.random() < 0.7:
        decided = due - dt.timedelta(minutes=int(seed.rng.integers(5, 300)))
    if decided > due:
        row["deemed_denied_at"] = due
    adverse = outcome in ("partially_approved", "denied")
    row.update(
        status=outcome,
        decided_at=decided,
        decided_by_id=seed.pick("physician_advisor" if adverse else "care_manager"),
        assigned_to_id=None,
        updated_at=decided,
    )
    kind = "admission" if row["kind"] == "initial" else "continued_stay"
    criteria = seed.criteria.get((row["level_of_care_id"], kind), [])
    reason = "MN_FEWER_UNITS" if outcome == "partially_approved" else None
    if outcome == "denied":
        reason = "MN_CONTINUED_STAY" if row["kind"] == "concurrent" else "MN_ADMISSION_CRITERIA"
    missed = criteria[0] if adverse and criteria else None
    if reason and missed is not None:
        row.update(
            decision_reason_id=seed.reasons[reason],
            decision_criterion_id=missed.pk,
            decision_note=EXPLANATIONS[reason],
            epsdt_finding="not_met" if youth else "not_applicable",
            epsdt_note=EPSDT_NOTE if youth else "",
        )
    answers = {c.code: {"answer": "met", "note": ""} for c in criteria}
    if missed is not None:
        answers[missed.code] = {"answer": "not_met", "note": ""}
    seed.rows["review"].append(
        {
            "id": seed.new_id("review"),
            "request_id": row["id"],
            "reviewer_id": row["decided_by_id"],
            "criteria": [c.pk for c in criteria],
            "answers": answers,
            "result": "not_met" if missed is not None else "met",
            "created_at": decided,
        }
    )


def _authorize(
    seed: SeedState, row: dict[str, Any], units: int, previous: dict[str, Any] | None
) -> dict[str, Any]:
    rule = seed.rules[row["_level"]]
    end = row["requested_end"]
    if units < row["requested_units"] and rule.unit_type == "day":
        end = row["requested_start"] + dt.timedelta(days=units - 1)
    authorization = {
        "id": seed.new_id("authorization"),
        "number": seed.number("A", row["requested_start"]),
        "request_id": row["id"],
        "member_id": row["member_id"],
        "site_id": row["site_id"],
        "level_of_care_id": row["level_of_care_id"],
        "start": row["requested_start"],
        "end": end,
        "units": units,
        "unit_type": rule.unit_type,
        "status": "active",
        "previous_id": previous["id"] if previous else None,
        "created_at": row["decided_at"],
    }
    seed.rows["authorization"].append(authorization)
    row["_authorization"] = authorization
    return authorization


def initial_request(seed: SeedState, received: dt.datetime) -> None:
    level = _level(seed)
    rule = seed.rules[level]
    member, site, youth = _member_site(seed, level)
    expedited = seed.rng.random() < LEVEL_SHAPE[level][1]
    start = clocks.local_day(received)
    units = rule.initial_units
    row = _request(
        seed,
        member_id=member,
        site_id=site,
        level_of_care_id=seed.levels[level].pk,
        rule_id=rule.pk,
        kind="initial",
        urgency="expedited" if expedited else "standard",
        received_at=received,
        requested_start=start,
        requested_end=start + dt.timedelta(days=_span(rule, units, False) - 1),
        requested_units=units,
        diagnoses=[_diagnosis(seed, level, youth)],
        status="submitted",
        _level=level,
    )
    outcome = _choose(
        seed,
        tuple(
            zip(
                ("approved", "partially_approved", "denied", "withdrawn"),
                INITIAL_OUTCOMES,
                strict=True,
            )
        ),
    )
    if outcome == "withdrawn":
        row.update(status="withdrawn", updated_at=received + dt.timedelta(hours=2))
        return
    _decide(seed, row, outcome, youth)
    if outcome == "denied":
        _after_adverse(seed, row)
        return
    granted = max(1, units - 1) if outcome == "partially_approved" else units
    authorization = _authorize(seed, row, granted, None)
    if outcome == "partially_approved":
        _after_adverse(seed, row)
    _stay(seed, row, authorization, youth)


def _diagnosis(seed: SeedState, level: str, youth: bool) -> str:
    options = DIAGNOSES.get(level) or DIAGNOSES["youth" if youth else "adult"]
    return options[int(seed.rng.integers(0, len(options)))]


def _stay(
    seed: SeedState, first: dict[str, Any], authorization: dict[str, Any], youth: bool
) -> None:
    """The episode: continued-stay reviews in their window until a denial or the planned end, then
    the discharge review (when the stay ended before today)."""
    level = first["_level"]
    rule = seed.rules[level]
    acute = seed.levels[level].category == "acute"
    episode = {
        "id": seed.new_id("episode"),
        "member_id": first["member_id"],
        "site_id": first["site_id"],
        "level_of_care_id": first["level_of_care_id"],
        "admitted": authorization["start"],
        "principal_diagnosis": first["diagnoses"][0],
    }
    seed.rows["episode"].append(episode)
    chain = [authorization]
    reviews = int(seed.rng.poisson(LEVEL_SHAPE[level][3]))
    for _ in range(reviews):
        last = chain[-1]
        expiry = clocks.authorization_expiry(last["end"])
        lead = seed.rng.uniform(5, 30) if acute else seed.rng.uniform(2, 46)
        received = expiry - dt.timedelta(hours=float(lead))
        if received + dt.timedelta(hours=24) >= seed.now:
            break
        start = last["end"] + dt.timedelta(days=1)
        units = rule.concurrent_interval_days or rule.initial_units
        units = min(units, rule.max_units) if rule.unit_type == "day" else rule.initial_units
        row = _request(
            seed,
            member_id=first["member_id"],
            site_id=first["site_id"],
            level_of_care_id=first["level_of_care_id"],
            rule_id=rule.pk,
            kind="concurrent",
            urgency="urgent_concurrent" if acute else "standard",
            received_at=received,
            requested_start=start,
            requested_end=start + dt.timedelta(days=_span(rule, units, True) - 1),
            requested_units=units,
            diagnoses=first["diagnoses"],
            status="submitted",
            previous_id=last["request_id"],
            extends_id=last["id"],
            _level=level,
        )
        denied = seed.rng.random() < CONCURRENT_DENIED
        _decide(seed, row, "denied" if denied else "approved", youth)
        if denied:
            _after_adverse(seed, row)
            break
        chain.append(_authorize(seed, row, units, last))
    for item in chain:
        item["episode_id"] = episode["id"]
    _discharge(seed, episode, chain, youth)


def _discharge(
    seed: SeedState, episode: dict[str, Any], chain: list[dict[str, Any]], youth: bool
) -> None:
    today = seed.ctx.today
    last_end = chain[-1]["end"]
    if last_end >= today:
        return  # still in care
    stay = (last_end - episode["admitted"]).days
    level = seed.levels_by_id[episode["level_of_care_id"]]
    chance, most = (0.25, 15) if youth and level in ("IP_PSY", "RTC", "PRTF") else (0.08, 6)
    delay = int(seed.rng.integers(1, most + 1)) if seed.rng.random() < chance else 0
    delay = min(delay, stay)
    disposition, aftercare = seed.dispositions[
        int(seed.rng.choice(len(seed.dispositions), p=seed.disposition_weights))
    ]
    episode.update(
        discharged=last_end,
        disposition=disposition,
        delay_days=delay,
        delay_reason=seed.delay_reasons[int(seed.rng.integers(0, len(seed.delay_reasons)))]
        if delay
        else "",
        aftercare_date=last_end + dt.timedelta(days=int(seed.rng.integers(1, 8)))
        if aftercare
        else None,
        aftercare_provider="Community behavioral health clinic" if aftercare else "",
    )
    for item in chain:
        item["status"] = "ended"


def _after_adverse(seed: SeedState, row: dict[str, Any]) -> None:
    """Some adverse decisions get a peer-to-peer; some are appealed, decided by another advisor."""
    decided = row["decided_at"]
    if seed.rng.random() < P2P_HELD:
        asked = decided + dt.timedelta(hours=float(seed.rng.uniform(1, 20)))
        due = clocks.deadline(asked, clocks.PEER_TO_PEER_CLOCK, seed.clock_rows, seed.calendar)
        if due.due_at < seed.now:
            held = asked + (due.due_at - asked) * float(seed.rng.uniform(0.2, 0.9))
            seed.rows["p2p"].append(
                {
                    "id": seed.new_id("p2p"),
                    "request_id": row["id"],
                    "requested_at": asked,
                    "contact": "Attending psychiatrist, 860-555-0100",
                    "due_by": due.due_at,
                    "status": "held",
                    "advisor_id": row["decided_by_id"],
                    "scheduled_for": held,
                    "held_at": held,
                    "outcome": "upheld" if seed.rng.random() < 0.8 else "reconsider",
                    "notes": "Discussed the criteria and the discharge plan with the attending.",
                }
            )
    if seed.rng.random() < APPEALED:
        _appeal(seed, row)


def _appeal(seed: SeedState, row: dict[str, Any]) -> None:
    filed = row["decided_at"] + dt.timedelta(days=float(seed.rng.uniform(1, 40)))
    if filed >= seed.now:
        return
    expedited = seed.levels[row["_level"]].category == "acute" and seed.rng.random() < 0.5
    due = clocks.deadline(filed, clocks.APPEAL_CLOCK[expedited], seed.clock_rows)
    took = (
        dt.timedelta(hours=float(seed.rng.uniform(4, 60)))
        if expedited
        else dt.timedelta(days=float(seed.rng.uniform(3, 28)))
    )
    appeal: dict[str, Any] = {
        "id": seed.new_id("appeal"),
        "number": seed.number("P", clocks.local_day(filed)),
        "request_id": row["id"],
        "party": "member" if seed.rng.random() < 0.4 else "provider",
        "channel": "phone",
        "filed_at": filed,
        "expedited": expedited,
        "reason": "The member still needed this level of care; new information is attached.",
        "due_at": due.due_at,
        "due_clock_id": due.clock.id,
        "status": "open",
        "version": 1,
    }
    if filed + took < seed.now:
        others = [u for u in seed.staff["physician_advisor"] if u != row["decided_by_id"]]
        outcome = _choose(seed, APPEAL_OUTCOMES)
        if outcome == "partially_overturned" and row["status"] == "partially_approved":
            outcome = "overturned"  # only the remaining units were in dispute
        decided = filed + took
        appeal.update(
            status="decided",
            outcome=outcome,
            decided_at=decided,
            decided_by_id=others[int(seed.rng.integers(0, len(others)))],
            reviewer_id=None,
            explanation=EXPLANATIONS["MN_CONTINUED_STAY"]
            if outcome == "upheld"
            else "New records show ongoing risk that was not in the first review.",
            approved_units=_overturn_units(row, outcome),
            hearing_last_day=None
            if outcome == "overturned"
            else clocks.last_day_of_window(decided, clocks.FAIR_HEARING_CLOCK, seed.clock_rows),
            version=2,
        )
        appeal["reviewer_id"] = appeal["decided_by_id"]
        if appeal["approved_units"]:
            _overturn(seed, row, appeal["approved_units"], decided)
    seed.rows["appeal"].append(appeal)


def _overturn_units(row: dict[str, Any], outcome: str) -> int | None:
    if outcome == "overturned":
        return int(row["requested_units"])
    if outcome == "partially_overturned":
        return max(1, int(row["requested_units"]) - 1)
    return None


def _overturn(seed: SeedState, row: dict[str, Any], units: int, decided: dt.datetime) -> None:
    """An overturn approves: the partial approval's authorization is enlarged, or one is issued."""
    existing = row.get("_authorization")
    if existing is not None:
        existing["units"], existing["end"] = units, row["requested_end"]
        return
    issued = _authorize(seed, {**row, "decided_at": decided}, units, None)
    issued["status"] = "expired" if issued["end"] < seed.ctx.today else "active"


def open_request(seed: SeedState) -> None:
    """The open backlog: received in the last days, some overdue, claimed, pended or referred."""
    level = _level(seed)
    rule = seed.rules[level]
    member, site, youth = _member_site(seed, level)
    expedited = seed.rng.random() < LEVEL_SHAPE[level][1]
    window = dt.timedelta(hours=80) if expedited else dt.timedelta(days=8)
    received = seed.now - window * float(seed.rng.random())
    start = clocks.local_day(received)
    row = _request(
        seed,
        member_id=member,
        site_id=site,
        level_of_care_id=seed.levels[level].pk,
        rule_id=rule.pk,
        kind="initial",
        urgency="expedited" if expedited else "standard",
        received_at=received,
        requested_start=start,
        requested_end=start + dt.timedelta(days=_span(rule, rule.initial_units, False) - 1),
        requested_units=rule.initial_units,
        diagnoses=[_diagnosis(seed, level, youth)],
        clinical={
            **OPEN_CLINICAL,
            "projected_discharge": (start + dt.timedelta(days=rule.initial_days)).isoformat(),
        },
        status="submitted",
        version=1,
        _level=level,
    )
    state = seed.rng.random()
    if state < 0.45:
        return
    row.update(status="in_review", assigned_to_id=seed.pick("care_manager"), version=2)
    if state > 0.95:
        row.update(assigned_to_id=seed.pick("physician_advisor"), referred_at=received)
    elif state > 0.85:
        asked_by = min(row["due_at"], seed.now + dt.timedelta(days=1))
        row.update(
            status="pended",
            info_requested="Send the psychiatric evaluation and the medication history.",
            info_due_at=asked_by,
        )
