"""Pure review rules: gates shown (not refusing), structured data, checklist, decision authority,
reason requirements, EPSDT, appeals, peer-to-peer and discharge."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from authorizations.rules import appeals as A
from authorizations.rules import clinical as C
from authorizations.rules import review as R
from authorizations.rules.clocks import NEW_YORK

CRITERIA = (
    R.Criterion(1, "IP_PSY_DANGER_SELF", "severity", "Danger to self"),
    R.Criterion(2, "IP_PSY_DANGER_OTHERS", "severity", "Danger to others"),
    R.Criterion(3, "IP_PSY_DIAGNOSIS", "diagnosis", "A psychiatric diagnosis"),
    R.Criterion(4, "IP_PSY_NEEDS_24H", "intensity", "Needs 24-hour care"),
)
ALL_MET = {
    "IP_PSY_DANGER_SELF": "met",
    "IP_PSY_DANGER_OTHERS": "not_met",
    "IP_PSY_DIAGNOSIS": "met",
    "IP_PSY_NEEDS_24H": "met",
}
NOT_MET = {**ALL_MET, "IP_PSY_DANGER_SELF": "not_met"}
SPECIFIC = (
    "Since admission the member reports no thoughts of suicide, has no plan, is eating and "
    "sleeping, and the family can supervise at home."
)


def _decision(**changes) -> R.DecisionInput:  # type: ignore[no-untyped-def]
    base = R.DecisionInput(
        outcome="approve",
        may_decide_adverse=False,
        checklist=R.checklist_evaluate(CRITERIA, ALL_MET),
        requested_start=dt.date(2026, 6, 1),
        requested_end=dt.date(2026, 6, 3),
        requested_units=3,
        rule_max_units=30,
        unit_is_day=True,
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 6, 3),
        units=3,
        criterion_codes=frozenset(c.code for c in CRITERIA),
        member_age=30,
    )
    return replace(base, **changes)


ADVERSE = {
    "may_decide_adverse": True,
    "outcome": "deny",
    "checklist": R.checklist_evaluate(CRITERIA, NOT_MET),
    "reason_code": "MN_ADMISSION_CRITERIA",
    "reason_is_clinical": True,
    "reason_label": "Admission criteria for this level of care are not met",
    "criterion_code": "IP_PSY_DANGER_SELF",
    "criterion_texts": ("Danger to self",),
    "explanation": SPECIFIC,
}


# -- gates ----------------------------------------------------------------------------------------


def _gates(**changes) -> tuple[R.Gate, ...]:  # type: ignore[no-untyped-def]
    given = R.GateInput(
        eligible_on_start=True,
        member_programs=("HUSKY_A",),
        rule_programs=(),
        site_offers_level=True,
        offering_ages_fit=True,
        member_age=15,
        rule_min_age=None,
        rule_max_age=20,
        dcf_approval_required=False,
        dcf_approval_reference="",
        substance_use=False,
    )
    return R.intake_gates(replace(given, **changes))


def test_every_gate_is_reported_passed_or_not():
    gates = {g.code: g for g in _gates()}
    assert set(gates) == {"ELIGIBLE", "PROGRAM", "SITE_OFFERS", "AGE"}
    assert all(g.passed for g in gates.values())


def test_failed_gates_are_listed_with_their_reasons_not_raised():
    gates = {
        g.code: g
        for g in _gates(
            eligible_on_start=False,
            member_programs=(),
            site_offers_level=False,
            member_age=22,
            dcf_approval_required=True,
        )
    }
    assert not gates["ELIGIBLE"].passed and "Not eligible" in gates["ELIGIBLE"].message
    assert not gates["SITE_OFFERS"].passed
    assert not gates["AGE"].passed and "up to 20" in gates["AGE"].message
    assert not gates["DCF_APPROVAL"].passed


def test_substance_use_levels_carry_the_part_2_flag():
    assert any(
        g.code == "PART2" and "42 CFR Part 2" in g.message for g in _gates(substance_use=True)
    )


def test_age_on_a_day_counts_birthdays():
    assert R.age_on(dt.date(2005, 6, 2), dt.date(2026, 6, 1)) == 20
    assert R.age_on(dt.date(2005, 6, 1), dt.date(2026, 6, 1)) == 21


# -- structured data ------------------------------------------------------------------------------

FULL_INITIAL = {
    "presentation": "Agitated, tearful, poor eye contact",
    "symptoms": "Depressed mood, not sleeping",
    "suicide_risk": "high",
    "homicide_risk": "none",
    "substances": ["alcohol"],
    "legal_status": "voluntary",
    "supports": "Mother and aunt",
    "treatment_objectives": "Safety, medication adjustment",
    "discharge_plan": "Home with IOP",
    "projected_discharge": "2026-06-04",
    "medications": "sertraline, 50 mg, daily\nquetiapine, 25 mg, at night",
}


def test_clean_clinical_data_is_structured():
    cleaned, problems = C.clinical_clean(FULL_INITIAL, concurrent=False, start=dt.date(2026, 6, 1))
    assert problems == {}
    assert cleaned["medications"] == [
        {"name": "sertraline", "dose": "50 mg", "frequency": "daily"},
        {"name": "quetiapine", "dose": "25 mg", "frequency": "at night"},
    ]
    assert cleaned["substances"] == ["alcohol"]


def test_every_missing_or_malformed_field_is_reported_by_field():
    raw = {
        **FULL_INITIAL,
        "suicide_risk": "very",
        "projected_discharge": "2026-05-01",
        "medications": "sertraline 50mg",
        "presentation": "",
        "substances": ["none", "alcohol"],
    }
    _, problems = C.clinical_clean(raw, concurrent=False, start=dt.date(2026, 6, 1))
    assert set(problems) == {
        "suicide_risk",
        "projected_discharge",
        "medications",
        "presentation",
        "substances",
    }
    assert problems["projected_discharge"] == C.DISCHARGE_BEFORE_START


def test_concurrent_reviews_require_progress_but_not_the_admission_story():
    raw = {k: FULL_INITIAL[k] for k in ("symptoms", "suicide_risk", "homicide_risk")}
    raw |= {"discharge_plan": "Home", "projected_discharge": "2026-06-10"}
    _, problems = C.clinical_clean(raw, concurrent=True, start=dt.date(2026, 6, 4))
    assert set(problems) == {"progress"}


# -- checklist ------------------------------------------------------------------------------------


def test_groups_are_alternatives_inside_and_all_required_across():
    assert R.checklist_evaluate(CRITERIA, ALL_MET).result == "met"
    assert R.checklist_evaluate(CRITERIA, NOT_MET).result == "not_met"
    assert R.checklist_evaluate(CRITERIA, {"IP_PSY_DANGER_SELF": "met"}).result == "incomplete"


# -- decision authority ---------------------------------------------------------------------------


def test_a_care_manager_approves_what_was_requested_when_criteria_are_met():
    verdict = R.decision_check(_decision())
    assert verdict.allowed and verdict.outcome == "approve"


@pytest.mark.parametrize("outcome", ["deny", "partial"])
def test_a_care_manager_cannot_deny_or_partially_approve(outcome):
    verdict = R.decision_check(
        _decision(**{**ADVERSE, "may_decide_adverse": False, "outcome": outcome})
    )
    assert verdict.problems == (R.FieldProblem("outcome", R.NOT_AUTHORIZED_ADVERSE),)


@pytest.mark.parametrize(
    "changes",
    [
        {"units": 2},
        {"end": dt.date(2026, 6, 2), "units": 2},
        {"start": dt.date(2026, 6, 2), "units": 2},
    ],
)
def test_an_approval_for_less_than_requested_is_a_partial_denial(changes):
    verdict = R.decision_check(_decision(**changes))
    assert verdict.outcome == "partial"
    assert verdict.problems == (R.FieldProblem("outcome", R.PARTIAL_IS_ADVERSE),)


def test_a_care_manager_cannot_approve_when_the_checklist_does_not_show_criteria_met():
    verdict = R.decision_check(_decision(checklist=R.checklist_evaluate(CRITERIA, NOT_MET)))
    assert verdict.problems == (R.FieldProblem("checklist", R.CRITERIA_NOT_MET_FOR_APPROVAL),)


def test_a_physician_advisor_may_deny_with_a_specific_reason():
    assert R.decision_check(_decision(**ADVERSE)).allowed


def test_a_physician_advisor_partial_approval_needs_reasons_too():
    verdict = R.decision_check(
        _decision(**{**ADVERSE, "outcome": "approve", "units": 2, "explanation": ""})
    )
    assert verdict.outcome == "partial"
    assert [p.field for p in verdict.problems] == ["explanation"]


def test_dates_outside_the_request_and_units_over_the_rule_are_refused_by_field():
    verdict = R.decision_check(
        _decision(
            start=dt.date(2026, 5, 31),
            end=dt.date(2026, 6, 4),
            units=31,
            requested_units=40,
            rule_max_units=30,
        )
    )
    fields = sorted(p.field for p in verdict.problems)
    assert fields == ["end", "start", "units", "units"]
    messages = " ".join(p.message for p in verdict.problems)
    assert "At most 30 units" in messages and "31 days do not fit" in messages


def test_every_missing_reason_field_is_reported():
    verdict = R.decision_check(
        _decision(**{**ADVERSE, "reason_code": "", "criterion_code": "", "explanation": "Denied."})
    )
    assert {p.field for p in verdict.problems} == {"reason_code", "criterion_code", "explanation"}


@pytest.mark.parametrize(
    "text",
    [
        "Not medically necessary.",
        "Does not meet criteria. Not medically necessary per guidelines. Denied. See notes.",
        "Admission criteria for this level of care are not met",
        "Danger to self. Danger to self. Criteria not met. Request denied per policy n/a.",
    ],
)
def test_generic_explanations_are_refused(text):
    verdict = R.decision_check(_decision(**{**ADVERSE, "explanation": text}))
    assert [p.field for p in verdict.problems] == ["explanation"]


def test_the_criterion_must_be_of_the_level_and_marked_not_met():
    unknown = R.decision_check(_decision(**{**ADVERSE, "criterion_code": "RTC_DCF_APPROVED"}))
    assert unknown.problems == (R.FieldProblem("criterion_code", R.CRITERION_UNKNOWN),)
    unmarked = R.decision_check(_decision(**{**ADVERSE, "criterion_code": "IP_PSY_DIAGNOSIS"}))
    assert unmarked.problems == (R.FieldProblem("criterion_code", R.CRITERION_NOT_MARKED),)


def test_administrative_reason_codes_cannot_carry_a_clinical_denial():
    verdict = R.decision_check(_decision(**{**ADVERSE, "reason_is_clinical": False}))
    assert verdict.problems == (R.FieldProblem("reason_code", R.REASON_NOT_CLINICAL),)


# -- EPSDT ----------------------------------------------------------------------------------------


def test_under_21_a_denial_records_the_epsdt_review():
    missing = R.decision_check(_decision(**ADVERSE, member_age=15))
    assert missing.problems == (R.FieldProblem("epsdt_finding", R.EPSDT_REQUIRED),)
    ok = R.decision_check(
        _decision(
            **ADVERSE,
            member_age=20,
            epsdt_finding="not_met",
            epsdt_note="Home-based IICAPS is in place and meets the child's needs safely.",
        )
    )
    assert ok.allowed


def test_under_21_a_service_necessary_under_epsdt_cannot_be_denied():
    verdict = R.decision_check(
        _decision(**ADVERSE, member_age=15, epsdt_finding="met", epsdt_note="x" * 40)
    )
    assert verdict.problems == (R.FieldProblem("epsdt_finding", R.EPSDT_MET_NO_DENIAL),)


def test_at_21_no_epsdt_review_is_needed():
    assert R.decision_check(_decision(**ADVERSE, member_age=21)).allowed


# -- pend -----------------------------------------------------------------------------------------


def test_pending_does_not_stop_the_clock():
    now = dt.datetime(2026, 6, 1, 9, 0, tzinfo=NEW_YORK)
    due = now + dt.timedelta(days=7)
    late = R.pend_problems(
        asked="Send the psychiatric evaluation and the medication list.",
        info_due_at=due + dt.timedelta(hours=1),
        due_at=due,
        now=now,
    )
    assert [p.field for p in late] == ["info_due_at"] and "extend" in late[0].message
    assert not R.pend_problems(
        asked="Send the psychiatric evaluation and the medication list.",
        info_due_at=now + dt.timedelta(days=2),
        due_at=due,
        now=now,
    )


# -- appeals, peer-to-peer, discharge --------------------------------------------------------------


def _filing(**changes) -> A.FilingInput:  # type: ignore[no-untyped-def]
    base = A.FilingInput(
        status="denied",
        deemed_denied=False,
        notice_sent_at=dt.datetime(2026, 6, 1, 12, tzinfo=NEW_YORK),
        last_day=dt.date(2026, 7, 31),
        filed_on=dt.date(2026, 7, 31),
        open_appeal=False,
        reason="The member was still hearing voices telling her to hurt herself.",
        window_days=60,
    )
    return replace(base, **changes)


def test_an_appeal_filed_on_the_last_day_is_in_time_and_the_day_after_is_not():
    assert not A.appeal_filing_problems(_filing())
    late = A.appeal_filing_problems(_filing(filed_on=dt.date(2026, 8, 1)))
    assert [p.field for p in late] == ["filed_at"] and "2026-07-31" in late[0].message


def test_only_adverse_decisions_or_deemed_denials_can_be_appealed():
    assert A.appeal_filing_problems(_filing(status="approved"))[0].field == "request"
    assert not A.appeal_filing_problems(_filing(status="in_review", deemed_denied=True))


def _appeal_decision(**changes) -> A.AppealDecisionInput:  # type: ignore[no-untyped-def]
    base = A.AppealDecisionInput(
        outcome="overturned",
        may_decide_appeal=True,
        reviewer_id=7,
        original_decider_id=5,
        explanation=SPECIFIC,
        units=3,
        requested_units=3,
        previously_approved_units=0,
    )
    return replace(base, **changes)


def test_the_advisor_who_decided_cannot_decide_the_appeal():
    problems = A.appeal_decision_problems(_appeal_decision(reviewer_id=5))
    assert problems == (R.FieldProblem("outcome", A.REVIEWER_DECIDED_ORIGINAL),)
    assert not A.appeal_decision_problems(_appeal_decision())


def test_appeal_units_fit_the_outcome():
    assert A.appeal_decision_problems(_appeal_decision(units=2))[0].field == "units"
    assert not A.appeal_decision_problems(
        _appeal_decision(outcome="partially_overturned", units=2, previously_approved_units=1)
    )
    assert (
        A.appeal_decision_problems(_appeal_decision(outcome="upheld", units=2))[0].field == "units"
    )


def test_a_peer_to_peer_after_its_business_day_is_refused():
    requested = dt.datetime(2026, 6, 10, 15, tzinfo=NEW_YORK)
    due = dt.datetime(2026, 6, 12, 0, tzinfo=NEW_YORK)
    ok = A.peer_to_peer_schedule_problems(
        scheduled_for=dt.datetime(2026, 6, 11, 16, tzinfo=NEW_YORK),
        requested_at=requested,
        due_by=due,
        advisor_is_physician=True,
    )
    late = A.peer_to_peer_schedule_problems(
        scheduled_for=dt.datetime(2026, 6, 12, 9, tzinfo=NEW_YORK),
        requested_at=requested,
        due_by=due,
        advisor_is_physician=False,
    )
    assert not ok and {p.field for p in late} == {"scheduled_for", "advisor"}


def _discharge(**changes) -> A.DischargeInput:  # type: ignore[no-untyped-def]
    base = A.DischargeInput(
        admitted=dt.date(2026, 6, 1),
        discharged=dt.date(2026, 6, 12),
        today=dt.date(2026, 6, 12),
        disposition="HOME",
        dispositions={"HOME", "AMA"},
        aftercare_expected=True,
        delay_days=3,
        delay_reason="AWAIT_RESIDENTIAL",
        delay_reasons={"AWAIT_RESIDENTIAL"},
        aftercare_date=dt.date(2026, 6, 15),
        aftercare_provider="River Clinic",
    )
    return replace(base, **changes)


def test_a_complete_discharge_review_passes():
    assert not A.discharge_problems(_discharge())


def test_every_discharge_problem_is_listed():
    problems = A.discharge_problems(
        _discharge(
            discharged=dt.date(2026, 6, 3),
            delay_days=5,
            delay_reason="",
            aftercare_date=dt.date(2026, 6, 1),
            disposition="LOST",
        )
    )
    assert {p.field for p in problems} == {
        "disposition",
        "delay_days",
        "delay_reason",
        "aftercare_date",
    }


def test_aftercare_is_required_only_where_the_disposition_expects_it():
    assert A.discharge_problems(_discharge(aftercare_date=None, aftercare_provider=""))
    assert not A.discharge_problems(
        _discharge(
            disposition="AMA", aftercare_expected=False, aftercare_date=None, aftercare_provider=""
        )
    )
