"""Reference data owned by utilization management: dated rules, clocks, decision reasons."""

from aso.core.reference import ReferenceSpec, no_overlapping_periods

SPECS = (
    ReferenceSpec(
        file="authorization_rules.yaml",
        model="authorizations.AuthorizationRule",
        key=("level_of_care", "effective_from"),
        foreign_keys={"level_of_care": ("providers.LevelOfCare", "code")},
        check_rows=no_overlapping_periods("level_of_care"),
    ),
    ReferenceSpec(
        file="turnaround_clocks.yaml",
        model="authorizations.TurnaroundClock",
        key=("code", "effective_from"),
        check_rows=no_overlapping_periods("code"),
    ),
    ReferenceSpec(
        file="decision_reasons.yaml", model="authorizations.DecisionReason", key=("code",)
    ),
)

# Clinical review (prior authorization): business calendar, level-of-care criteria, discharge codes.
SPECS = (
    *SPECS,
    ReferenceSpec(file="holidays.yaml", model="authorizations.Holiday", key=("date",)),
    ReferenceSpec(
        file="review_criteria.yaml",
        model="authorizations.ReviewCriterion",
        key=("level_of_care", "code", "effective_from"),
        foreign_keys={"level_of_care": ("providers.LevelOfCare", "code")},
        check_rows=no_overlapping_periods("level_of_care", "code"),
    ),
    ReferenceSpec(file="discharge_codes.yaml", model="authorizations.DischargeCode", key=("code",)),
)
