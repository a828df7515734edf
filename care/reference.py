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
