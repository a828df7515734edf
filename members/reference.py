"""Reference data owned by eligibility: the coverage programs."""

from aso.core.reference import ReferenceSpec

SPECS = (ReferenceSpec(file="programs.yaml", model="members.Program", key=("code",)),)
