from aso.core.reference import ReferenceSpec, no_overlapping_periods

SPECS = (
    ReferenceSpec(
        file="par_measures.yaml",
        model="par.Measure",
        key=("code", "effective_from"),
        check_rows=no_overlapping_periods("code"),
    ),
)
