"""Reference data owned by interoperability: the service codes accepted per level of care, one table
for both standards (FHIR PAS and X12 278)."""

from aso.core.reference import ReferenceSpec

SPECS = (
    ReferenceSpec(
        file="interop_service_codes.yaml",
        model="interop.ServiceCode",
        key=("kind", "code", "place"),
        foreign_keys={"level_of_care": ("providers.LevelOfCare", "code")},
    ),
)
