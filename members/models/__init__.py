"""Who is covered: programs, members, eligibility spans, and the eligibility-file loads that change them."""

from members.models.coverage import (
    MEDICAID_ID_MESSAGE,
    EligibilitySpan,
    Member,
    Program,
    medicaid_id_validator,
)
from members.models.loads import EligibilityLoad, EligibilityRejection

__all__ = [
    "MEDICAID_ID_MESSAGE",
    "EligibilityLoad",
    "EligibilityRejection",
    "EligibilitySpan",
    "Member",
    "Program",
    "medicaid_id_validator",
]
