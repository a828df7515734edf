"""The registration rule chain, driven by the rule file: every registration-path level of care in
fixtures/ passes when every rule holds, and fails each way it can, with every failing reason listed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from authorizations.choices import RefusalCode
from authorizations.rules.registration import (
    AgeRange,
    Outcome,
    RegistrationFacts,
    RuleTerms,
    age_on,
    authorization_end,
    decide_registration,
    extension_problems,
    in_network_on,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TODAY = dt.date(2026, 3, 2)


def _rule_rows() -> list[dict]:
    rows = yaml.safe_load((FIXTURES / "authorization_rules.yaml").read_text())["rows"]
    return [
        row
        for row in rows
        if row.get("effective_to") is None or row["effective_to"] >= TODAY  # in force now
    ]


def _terms(row: dict, pk: int = 1) -> RuleTerms:
    return RuleTerms(
        id=pk,
        level_name=row["level_of_care"],
        effective_from=row["effective_from"],
        review_path=row["review_path"],
        auto_approve=row.get("auto_approve", True),
        unit_type=row["unit_type"],
        initial_units=row["initial_units"],
        initial_days=row["initial_days"],
        max_units=row["max_units"],
        min_age=row.get("min_age"),
        max_age=row.get("max_age"),
        programs=tuple(row.get("programs", ())),
        dcf_approval_required=row.get("dcf_approval_required", False),
        dcf_certified_provider_required=row.get("dcf_certified_provider_required", False),
        max_backdate_days=row.get("max_backdate_days", 0),
    )


REGISTRATION_RULES = [_terms(r) for r in _rule_rows() if r["review_path"] == "registration"]
PRIOR_AUTH_RULES = [_terms(r) for r in _rule_rows() if r["review_path"] == "prior_auth"]


def _born_aged(age: int, on: dt.date = TODAY) -> dt.date:
    return dt.date(on.year - age, 1, 1) if (on.month, on.day) >= (1, 1) else on


def valid_facts(rule: RuleTerms) -> RegistrationFacts:
    """Facts under which every registration rule of `rule` holds."""
    low, high = rule.min_age or 0, rule.max_age if rule.max_age is not None else 120
    age = (low + min(high, 90)) // 2
    return RegistrationFacts(
        level_name=rule.level_name,
        start=TODAY,
        today=TODAY,
        birth_date=_born_aged(age),
        units=None,
        programs_on_start=("HUSKY_A",),
        offering_ages=(AgeRange(low, high),),
        provider_dcf_certified=True,
    )


def test_the_fixture_file_has_registration_levels_and_psychological_testing_goes_to_review():
    codes = {r.level_name for r in REGISTRATION_RULES}
    assert {"OP", "OP_EVAL", "IOP", "METHADONE", "PSYCH_TEST", "HOME_HEALTH"} <= codes
    assert [r.level_name for r in REGISTRATION_RULES if not r.auto_approve] == ["PSYCH_TEST"]


@pytest.mark.parametrize("rule", REGISTRATION_RULES, ids=lambda r: r.level_name)
def test_a_registration_within_every_limit_is_approved_at_once_with_the_rules_span(rule):
    facts = valid_facts(rule)
    verdict = decide_registration(facts, rule)
    expected = Outcome.APPROVE if rule.auto_approve else Outcome.REVIEW
    assert verdict.outcome is expected and verdict.refusals == ()
    assert verdict.units == rule.initial_units  # not given: the rule's initial units
    assert verdict.end == TODAY + dt.timedelta(days=rule.initial_days - 1)
    assert verdict.rule_id == rule.id


def _failures(rule: RuleTerms) -> list[tuple[str, dict, str]]:
    """(name, changes to the valid facts, expected code) for each way `rule` can fail."""
    cases = [
        ("not covered", {"programs_on_start": ()}, RefusalCode.NOT_ELIGIBLE),
        ("not offered", {"offering_ages": ()}, RefusalCode.NOT_OFFERED),
        ("too many units", {"units": rule.max_units + 1}, RefusalCode.TOO_MANY_UNITS),
        (
            "backdated",
            {"start": TODAY - dt.timedelta(days=rule.max_backdate_days + 1)},
            RefusalCode.BACKDATED,
        ),
        ("overlap", {"overlapping": ("A26-0000001-X",)}, RefusalCode.OVERLAP),
    ]
    if rule.min_age:
        cases.append(
            (
                "too young",
                {"birth_date": _born_aged(rule.min_age - 1)},
                RefusalCode.AGE_OUT_OF_RANGE,
            )
        )
    if rule.max_age is not None:
        cases.append(
            ("too old", {"birth_date": _born_aged(rule.max_age + 1)}, RefusalCode.AGE_OUT_OF_RANGE)
        )
    if rule.dcf_certified_provider_required:
        cases.append(("not DCF-certified", {"provider_dcf_certified": False}, "DCF_CERTIFICATION"))
    return cases


FAILURE_CASES = [
    (rule, name, changes, code)
    for rule in REGISTRATION_RULES
    for name, changes, code in _failures(rule)
]


@pytest.mark.parametrize(
    ("rule", "name", "changes", "code"),
    FAILURE_CASES,
    ids=[f"{r.level_name}-{n}" for r, n, _, _ in FAILURE_CASES],
)
def test_each_failing_rule_refuses_with_its_code_and_a_plain_message(rule, name, changes, code):
    verdict = decide_registration(replace(valid_facts(rule), **changes), rule)
    assert verdict.outcome is Outcome.REFUSE
    assert verdict.codes == (code,)
    message = verdict.refusals[0].message
    assert message.endswith(".") and "None" not in message and len(message) > 30


@pytest.mark.parametrize("rule", REGISTRATION_RULES, ids=lambda r: r.level_name)
def test_the_limits_themselves_are_allowed(rule):
    at_limits = replace(
        valid_facts(rule),
        units=rule.max_units,
        start=TODAY - dt.timedelta(days=rule.max_backdate_days),
    )
    assert decide_registration(at_limits, rule).refusals == ()


@pytest.mark.parametrize("rule", PRIOR_AUTH_RULES, ids=lambda r: r.level_name)
def test_prior_authorization_levels_cannot_be_registered(rule):
    verdict = decide_registration(valid_facts(rule), rule)
    assert RefusalCode.NEEDS_REVIEW in verdict.codes and verdict.outcome is Outcome.REFUSE


def test_without_a_rule_in_force_the_level_cannot_be_registered_and_other_reasons_still_show():
    facts = replace(valid_facts(REGISTRATION_RULES[0]), programs_on_start=(), offering_ages=())
    verdict = decide_registration(facts, None)
    assert verdict.codes == (
        RefusalCode.NO_RULE,
        RefusalCode.NOT_ELIGIBLE,
        RefusalCode.NOT_OFFERED,
    )
    assert verdict.end is None


def test_every_failing_rule_is_reported_not_just_the_first():
    rule = next(r for r in REGISTRATION_RULES if r.level_name == "HB_MST")
    facts = replace(
        valid_facts(rule),
        programs_on_start=(),
        offering_ages=(),
        birth_date=_born_aged(30),
        provider_dcf_certified=False,
        units=rule.max_units + 5,
        start=TODAY - dt.timedelta(days=60),
        overlapping=("A26-0000009-Q",),
    )
    verdict = decide_registration(facts, rule)
    assert set(verdict.codes) == {
        RefusalCode.NOT_ELIGIBLE,
        RefusalCode.NOT_OFFERED,
        RefusalCode.AGE_OUT_OF_RANGE,
        RefusalCode.DCF_CERTIFICATION,
        RefusalCode.TOO_MANY_UNITS,
        RefusalCode.BACKDATED,
        RefusalCode.OVERLAP,
    }
    assert {r.field for r in verdict.refusals} == {"start", "site", "member", "units"}


def test_a_program_restricted_rule_refuses_other_programs():
    rule = replace(REGISTRATION_RULES[0], programs=("DMHAS_SFA",))
    verdict = decide_registration(valid_facts(rule), rule)
    assert verdict.codes == (RefusalCode.PROGRAM_NOT_COVERED,)
    assert "HUSKY_A" in verdict.refusals[0].message


def test_the_sites_contracted_age_range_is_a_gate_too():
    rule = next(r for r in REGISTRATION_RULES if r.level_name == "OP")
    facts = replace(
        valid_facts(rule), birth_date=_born_aged(10), offering_ages=(AgeRange(18, 120),)
    )
    verdict = decide_registration(facts, rule)
    assert verdict.codes == (RefusalCode.AGE_OUT_OF_RANGE,)
    assert "18 and over" in verdict.refusals[0].message


def test_a_dcf_approval_gate_sends_a_passing_registration_to_staff_review():
    rule = replace(REGISTRATION_RULES[0], dcf_approval_required=True)
    assert decide_registration(valid_facts(rule), rule).outcome is Outcome.REVIEW


def test_a_terminated_provider_or_inactive_site_is_not_in_the_network():
    day = dt.date(2026, 3, 2)
    kwargs = {
        "site_active": True,
        "provider_status": "active",
        "provider_effective": dt.date(2020, 1, 1),
        "provider_termination": None,
        "day": day,
    }
    assert in_network_on(**kwargs)
    assert not in_network_on(**{**kwargs, "site_active": False})
    assert not in_network_on(**{**kwargs, "provider_status": "terminated"})
    assert not in_network_on(**{**kwargs, "provider_termination": dt.date(2026, 3, 1)})
    assert not in_network_on(**{**kwargs, "provider_effective": dt.date(2026, 3, 3)})


# --- properties: date spans and units -------------------------------------------------------------

dates = st.dates(min_value=dt.date(2013, 1, 1), max_value=dt.date(2035, 12, 31))


@given(start=dates, days=st.integers(1, 800))
def test_an_authorization_covers_exactly_its_days_both_ends_included(start, days):
    end = authorization_end(start, days)
    assert end >= start and (end - start).days + 1 == days


@given(rule=st.sampled_from(REGISTRATION_RULES), data=st.data())
def test_units_up_to_the_maximum_are_granted_as_asked_and_above_it_refused(rule, data):
    units = data.draw(st.integers(1, rule.max_units * 3))
    verdict = decide_registration(replace(valid_facts(rule), units=units), rule)
    if units <= rule.max_units:
        assert verdict.refusals == () and verdict.units == units
    else:
        assert verdict.codes == (RefusalCode.TOO_MANY_UNITS,) and str(units) in (
            verdict.refusals[0].message
        )


@given(rule=st.sampled_from(REGISTRATION_RULES), days_back=st.integers(-400, 400))
def test_backdating_is_refused_exactly_past_the_allowed_days(rule, days_back):
    facts = replace(valid_facts(rule), start=TODAY - dt.timedelta(days=days_back))
    verdict = decide_registration(facts, rule)
    assert (RefusalCode.BACKDATED in verdict.codes) == (days_back > rule.max_backdate_days)
    assert verdict.end == facts.start + dt.timedelta(days=rule.initial_days - 1)


FAILURE_KINDS = {
    "programs_on_start": ((), RefusalCode.NOT_ELIGIBLE),
    "offering_ages": ((), RefusalCode.NOT_OFFERED),
    "units": (10_000, RefusalCode.TOO_MANY_UNITS),
    "start": (TODAY - dt.timedelta(days=100), RefusalCode.BACKDATED),
    "overlapping": (("A26-0000001-X",), RefusalCode.OVERLAP),
}


@given(
    rule=st.sampled_from(REGISTRATION_RULES), kinds=st.sets(st.sampled_from(list(FAILURE_KINDS)))
)
def test_the_refusal_lists_exactly_the_rules_that_fail(rule, kinds):
    changes = {kind: FAILURE_KINDS[kind][0] for kind in kinds}
    verdict = decide_registration(replace(valid_facts(rule), **changes), rule)
    assert set(verdict.codes) == {FAILURE_KINDS[kind][1] for kind in kinds}
    assert (verdict.outcome is Outcome.REFUSE) == bool(kinds)


@given(birth=st.dates(dt.date(1920, 1, 1), dt.date(2025, 12, 31)), years=st.integers(0, 100))
def test_age_turns_on_the_birthday_and_not_the_day_before(birth, years):
    if birth.month == 2 and birth.day == 29:
        birth = birth.replace(day=28)
    birthday = birth.replace(year=birth.year + years)
    assert age_on(birth, birthday) == years
    if years:
        assert age_on(birth, birthday - dt.timedelta(days=1)) == years - 1


@given(
    current_start=dates,
    length=st.integers(1, 400),
    offset=st.integers(-30, 430),
)
def test_an_extension_starts_inside_or_right_after_the_current_span(current_start, length, offset):
    current_end = authorization_end(current_start, length)
    start = current_start + dt.timedelta(days=offset)
    problems = extension_problems(
        status="active", current_start=current_start, current_end=current_end, start=start
    )
    allowed = current_start < start <= current_end + dt.timedelta(days=1)
    assert (problems == []) == allowed


def test_only_an_active_authorization_can_be_extended():
    problems = extension_problems(
        status="voided",
        current_start=dt.date(2026, 1, 1),
        current_end=dt.date(2026, 2, 1),
        start=dt.date(2026, 2, 2),
    )
    assert problems == ["Only an active authorization can be extended; this one is voided."]


def test_every_refusal_code_has_an_administrative_reason_in_the_fixtures():
    rows = yaml.safe_load((FIXTURES / "decision_reasons.yaml").read_text())["rows"]
    administrative = {r["code"] for r in rows if r["kind"] == "administrative"}
    assert set(RefusalCode.values) <= administrative
