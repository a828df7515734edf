"""Reference data of the X12 278: the service-code map to levels of care."""

from aso.core.reference import ReferenceSpec

SPECS = (
    ReferenceSpec(
        file="x12_278_codes.yaml",
        model="interop_x12.ServiceCodeMap",
        key=("code_set", "code", "place"),
        foreign_keys={"level_of_care": ("providers.LevelOfCare", "code")},
    ),
)
