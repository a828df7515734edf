"""Reference data owned by interoperability: the service codes accepted per level of care."""

from aso.core.reference import ReferenceSpec

SPECS = (
    ReferenceSpec(
        file="interop_service_codes.yaml",
        model="interop.ServiceCode",
        key=("system", "code"),
        foreign_keys={"level_of_care": ("providers.LevelOfCare", "code")},
    ),
)
