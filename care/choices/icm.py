"""Codes of intensive care management: candidate status, assignment reasons, closures, contacts."""

from django.db import models


class CandidateStatus(models.TextChoices):
    OPEN = "open", "Open"
    ASSIGNED = "assigned", "Assigned"
    DISMISSED = "dismissed", "Dismissed"


class AssignmentSource(models.TextChoices):
    """How an assignment came about (the rule reason codes are kept beside it)."""

    SUPERVISOR = "supervisor", "Assigned by a supervisor"
    AUTOMATIC = "automatic", "Assigned automatically"
    TRANSFER = "transfer", "Transferred from another ICM"


class ClosedReason(models.TextChoices):
    GOALS_MET = "goals_met", "Goals met, stable in the community"
    DECLINED = "declined", "Member declined intensive care management"
    UNREACHABLE = "unreachable", "Member could not be reached"
    LOST_COVERAGE = "lost_coverage", "Coverage ended"
    MOVED = "moved", "Moved out of state"
    DECEASED = "deceased", "Deceased"
    TRANSFERRED = "transferred", "Transferred to another ICM"
    OTHER = "other", "Other (see note)"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"
    COLLATERAL = "collateral", "Collateral (provider, family, agency)"
    ATTEMPT = "attempt", "Attempt, not reached"


class ReferralStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


# Reason codes an assignment may carry (from care.rules and the supervisor's path).
REASON_LABELS = {
    "continuity": "Continuity with a past ICM",
    "same_region": "Serves the member's region",
    "outside_region": "Outside the member's region",
    "shared_language": "Shares the member's language",
    "lightest_caseload": "Lightest caseload",
    "over_cap": "Over the caseload cap (supervisor override)",
    "supervisor": "Supervisor's choice",
}
