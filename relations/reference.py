"""Reference data owned by member and provider relations: service clocks, the state holiday calendar,
and the contact and grievance category lists."""

from aso.core.reference import ReferenceSpec, no_overlapping_periods

SPECS = (
    ReferenceSpec(
        file="service_clocks.yaml",
        model="relations.ServiceClock",
        key=("code", "effective_from"),
        check_rows=no_overlapping_periods("code"),
    ),
    ReferenceSpec(
        file="ct_state_holidays.yaml", model="relations.Holiday", key=("calendar", "date")
    ),
    ReferenceSpec(file="contact_categories.yaml", model="relations.ContactCategory", key=("code",)),
    ReferenceSpec(
        file="grievance_categories.yaml", model="relations.GrievanceCategory", key=("code",)
    ),
)
