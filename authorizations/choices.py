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
