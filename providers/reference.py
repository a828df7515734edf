"""Reference data owned by the provider network: regions, towns, levels of care."""

from aso.core.reference import ReferenceSpec

SPECS = (
    ReferenceSpec(file="regions.yaml", model="providers.Region", key=("code",)),
    ReferenceSpec(
        file="towns.yaml",
        model="providers.Town",
        key=("name",),
        foreign_keys={"region": ("providers.Region", "code")},
    ),
    ReferenceSpec(file="levels_of_care.yaml", model="providers.LevelOfCare", key=("code",)),
)
