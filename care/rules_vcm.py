"""Voluntary Care Management (VCM): pure rules. No ORM: services load the rule row in force
(fixtures/vcm_program_rules.yaml) and the business calendar, and call these.

- Eligibility: the child is younger than ``max_age_years`` on the day the referral arrives, the
  primary problem is one of the eligible categories (fixtures/vcm_problem_categories.yaml) and the
  family consents (VCM is voluntary). Every failed check is reported, not only the first.
- Outreach clock: the first contact attempt is due by the end of the ``outreach_business_days``-th
  business day after the (New York) day the referral arrives; the arrival day never counts.
- Unable to reach: a referral may be closed as unable to reach once ``max_outreach_attempts``
  attempts have been made without reaching the family.
- Plan clock: the initial plan of care is due ``plan_due_days`` calendar days after engagement;
  it is on time when the family agreed to a first version on or before that day.

Outcome rates (the three the program reports), per period and region:

1. *Connected to services that met the child's needs*: numerator = discharges in the period whose
   reason is an engaged one and whose ``services_met_needs`` is yes; denominator = discharges in the
   period whose reason is an engaged one (fixtures/vcm_discharge_reasons.yaml, ``engaged``).
2. *Effective plan within 30 days*: numerator = engaged families whose first plan version became
   effective on or before the plan due date; denominator = engaged families whose plan due date
   falls in the period and has passed by ``as_of`` (or who already have a plan).
3. *Youth discharged to ongoing treatment who met their goals*: numerator = discharges in the
   period with an ``ongoing_treatment`` reason and ``goals_met`` yes; denominator = discharges in the
   period with an ``ongoing_treatment`` reason.

A rate with a zero denominator is shown as no rate (None), never 0%.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from authorizations.rules.clocks import BusinessCalendar, add_business_days

MONTH, QUARTER = "month", "quarter"
ALL_REGIONS = "ALL"


@dataclass(frozen=True)
class ProgramRule:
    outreach_business_days: int
    max_outreach_attempts: int
    plan_due_days: int
    max_age_years: int


@dataclass(frozen=True)
class Eligibility:
    """The result of the intake checks: reason codes of every failed check (empty: eligible)."""

    eligible: bool
    reasons: tuple[str, ...]
    age: int

    def as_record(self) -> dict[str, object]:
        return {"eligible": self.eligible, "reasons": list(self.reasons), "age": self.age}


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Whole years of age on a day (a 29 February birthday turns over on 1 March)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def referral_eligibility(
    *,
    birth_date: dt.date,
    on: dt.date,
    problem_eligible: bool,
    consent: bool,
    rule: ProgramRule,
) -> Eligibility:
    """Check a referral: child under the age limit, an eligible primary problem, consent."""
    age = age_on(birth_date, on)
    reasons: list[str] = []
    if birth_date > on:
        reasons.append("not_born")
    elif age >= rule.max_age_years:
        reasons.append("too_old")
    if not problem_eligible:
        reasons.append("problem_not_eligible")
    if not consent:
        reasons.append("no_consent")
    return Eligibility(eligible=not reasons, reasons=tuple(reasons), age=age)


def first_attempt_due(
    received_on: dt.date, rule: ProgramRule, calendar: BusinessCalendar
) -> dt.date:
    """The last day the first contact attempt is on time (business days after arrival)."""
    return add_business_days(received_on, rule.outreach_business_days, calendar)


def outreach_late(*, due: dt.date, first_attempt_on: dt.date | None, today: dt.date) -> bool:
    """The first attempt came (or, still missing, will come) after its due day."""
    if first_attempt_on is not None:
        return first_attempt_on > due
    return today > due


def may_close_unreachable(*, attempts_not_reached: int, rule: ProgramRule) -> bool:
    """Enough attempts without reaching the family to close as unable to reach."""
    return attempts_not_reached >= rule.max_outreach_attempts


def plan_due(engaged_on: dt.date, rule: ProgramRule) -> dt.date:
    """The day the initial plan of care is due (calendar days after engagement)."""
    return engaged_on + dt.timedelta(days=rule.plan_due_days)


def plan_on_time(*, due: dt.date, first_effective_on: dt.date | None) -> bool:
    return first_effective_on is not None and first_effective_on <= due


# --- outcome rates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeRecord:
    """What the dashboard needs of one referral (no identities)."""

    region: str
    received_on: dt.date
    plan_due: dt.date | None
    first_effective_on: dt.date | None
    discharged_on: dt.date | None = None
    reason_engaged: bool = False
    reason_ongoing: bool = False
    services_met_needs: bool = False
    goals_met: bool = False


@dataclass(frozen=True)
class Rate:
    numerator: int = 0
    denominator: int = 0

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> str:
        value = self.value
        return "-" if value is None else f"{100 * value:.1f}%"

    def add(self, counted: bool, met: bool) -> Rate:
        if not counted:
            return self
        return Rate(self.numerator + int(met), self.denominator + 1)


@dataclass(frozen=True)
class OutcomeLine:
    period: str
    region: str
    referrals: int = 0
    discharges: int = 0
    connected: Rate = Rate()
    plan_on_time: Rate = Rate()
    goals_met: Rate = Rate()


def period_of(day: dt.date, grain: str) -> str:
    """The period label of a day: 2026-03 (month) or 2026Q1 (quarter)."""
    if grain == MONTH:
        return f"{day.year}-{day.month:02d}"
    if grain == QUARTER:
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    raise ValueError(f"Unknown period grain {grain!r}.")


@dataclass
class _Tally:
    referrals: int = 0
    discharges: int = 0
    connected: Rate = Rate()
    plan_on_time: Rate = Rate()
    goals_met: Rate = Rate()


def _tally(
    rec: OutcomeRecord,
    as_of: dt.date,
    grain: str,
    tallies: dict[tuple[str, str], _Tally],
    region: str,
) -> None:
    def at(day: dt.date) -> _Tally:
        return tallies.setdefault((period_of(day, grain), region), _Tally())

    at(rec.received_on).referrals += 1
    if rec.plan_due is not None and (rec.plan_due < as_of or rec.first_effective_on is not None):
        tally = at(rec.plan_due)
        met = plan_on_time(due=rec.plan_due, first_effective_on=rec.first_effective_on)
        tally.plan_on_time = tally.plan_on_time.add(True, met)
    if rec.discharged_on is not None:
        tally = at(rec.discharged_on)
        tally.discharges += 1
        tally.connected = tally.connected.add(rec.reason_engaged, rec.services_met_needs)
        tally.goals_met = tally.goals_met.add(rec.reason_ongoing, rec.goals_met)


def outcome_lines(
    records: Iterable[OutcomeRecord], *, grain: str, as_of: dt.date
) -> list[OutcomeLine]:
    """Counts and the three rates by period and region, with an ALL-regions line per period
    (sorted by period, then region with ALL last)."""
    tallies: dict[tuple[str, str], _Tally] = {}
    for rec in records:
        for region in (rec.region, ALL_REGIONS):
            _tally(rec, as_of, grain, tallies, region)
    lines = [
        OutcomeLine(
            period, region, t.referrals, t.discharges, t.connected, t.plan_on_time, t.goals_met
        )
        for (period, region), t in tallies.items()
    ]
    return sorted(lines, key=lambda ln: (ln.period, ln.region == ALL_REGIONS, ln.region))


def totals(lines: Iterable[OutcomeLine], region: str = ALL_REGIONS) -> OutcomeLine:
    """All periods together for one region (by default the all-regions lines)."""
    total = OutcomeLine(period="total", region=region)
    for line in lines:
        if line.region != region:
            continue
        total = OutcomeLine(
            "total",
            region,
            total.referrals + line.referrals,
            total.discharges + line.discharges,
            _sum(total.connected, line.connected),
            _sum(total.plan_on_time, line.plan_on_time),
            _sum(total.goals_met, line.goals_met),
        )
    return total


def _sum(a: Rate, b: Rate) -> Rate:
    return Rate(a.numerator + b.numerator, a.denominator + b.denominator)
