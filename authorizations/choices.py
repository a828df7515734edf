from django.db import models


class ReviewPath(models.TextChoices):
    REGISTRATION = "registration", "Registration (no clinical review)"
    PRIOR_AUTH = "prior_auth", "Prior authorization (clinical review)"


class ClockUnit(models.TextChoices):
    HOURS = "hours", "Hours"
    CALENDAR_DAYS = "calendar_days", "Calendar days"
    BUSINESS_DAYS = "business_days", "Business days"


class DecisionKind(models.TextChoices):
    MEDICAL_NECESSITY = "medical_necessity", "Medical necessity (physician advisor)"
    ADMINISTRATIVE = "administrative", "Administrative"


class RequestKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    CONCURRENT = "concurrent", "Concurrent review"
    EXTENSION = "extension", "Extension"


class Channel(models.TextChoices):
    WEB = "web", "Web"
    PHONE = "phone", "Phone"
    API = "api", "API"


class Urgency(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited"
    URGENT_CONCURRENT = "urgent_concurrent", "Urgent concurrent"


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    PENDED = "pended", "Pended for information"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PARTIALLY_APPROVED = "partially_approved", "Partially approved"
    DENIED = "denied", "Denied"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.PENDED, RequestStatus.IN_REVIEW)


class AuthorizationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    VOIDED = "voided", "Voided"
    ENDED = "ended", "Ended"


class RefusalCode(models.TextChoices):
    """Why a registration was refused (administrative; `fixtures/decision_reasons.yaml` holds the
    notice wording of each code)."""

    NO_RULE = "NO_RULE", "No registration rule in force"
    NEEDS_REVIEW = "NEEDS_REVIEW", "Needs a clinical review"
    NOT_ELIGIBLE = "NOT_ELIGIBLE", "Not eligible on the start date"
    PROGRAM_NOT_COVERED = "PROGRAM_NOT_COVERED", "Program does not cover the service"
    NOT_OFFERED = "NOT_OFFERED", "Site not contracted for the level of care"
    AGE_OUT_OF_RANGE = "AGE_OUT_OF_RANGE", "Age out of range"
    DCF_CERTIFICATION = "DCF_CERTIFICATION", "Provider not DCF-certified"
    TOO_MANY_UNITS = "TOO_MANY_UNITS", "Too many units"
    BACKDATED = "BACKDATED", "Start date too far in the past"
    OVERLAP = "OVERLAP", "Dates already covered"
