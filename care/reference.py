from aso.core.reference import ReferenceSpec, no_overlapping_periods

SPECS = (
    ReferenceSpec(
        file="icm_triggers.yaml",
        model="care.IcmTrigger",
        key=("code", "effective_from"),
        check_rows=no_overlapping_periods("code"),
    ),
    ReferenceSpec(
        file="icm_caseload_caps.yaml",
        model="care.IcmCaseloadCap",
        key=("effective_from",),
        check_rows=no_overlapping_periods(),
    ),
)

# Voluntary Care Management: clocks and thresholds, problem categories, discharge reasons.
SPECS = (
    *SPECS,
    ReferenceSpec(
        file="vcm_program_rules.yaml",
        model="care.VcmProgramRule",
        key=("effective_from",),
        check_rows=no_overlapping_periods(),
    ),
    ReferenceSpec(
        file="vcm_problem_categories.yaml", model="care.VcmProblemCategory", key=("code",)
    ),
    ReferenceSpec(
        file="vcm_discharge_reasons.yaml", model="care.VcmDischargeReason", key=("code",)
    ),
)
