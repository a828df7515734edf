from aso.core.reference import ReferenceSpec, no_overlapping_periods

SPECS = (
    ReferenceSpec(
        file="icm_triggers.yaml",
        model="care.IcmTrigger",
        key=("code", "effective_from"),
        check_rows=no_overlapping_periods("code"),
    ),
)
