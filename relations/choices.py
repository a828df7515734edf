"""Codes of the member- and provider-relations records. Every status and code field also has a
CheckConstraint on its model, so a value outside these lists cannot be stored."""

from django.db import models


class ClockUnit(models.TextChoices):
    BUSINESS_DAYS = "business_days", "Business days"
    CALENDAR_DAYS = "calendar_days", "Calendar days"
    HOURS = "hours", "Hours"


class CallerType(models.TextChoices):
    MEMBER = "member", "Member"
    FAMILY = "family", "Family or representative"
    PROVIDER = "provider", "Provider"
    AGENCY = "agency", "State or community agency"
    OTHER = "other", "Other"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    MAIL = "mail", "Mail"
    FAX = "fax", "Fax"
    WEB = "web", "Web form"
    WALK_IN = "walk_in", "In person"


class ContactOutcome(models.TextChoices):
    ANSWERED = "answered", "Question answered"
    REFERRAL_GIVEN = "referral_given", "Referral given"
    WARM_TRANSFER = "warm_transfer", "Warm transfer to a care manager"
    GRIEVANCE_FILED = "grievance_filed", "Grievance filed"
    FOLLOW_UP = "follow_up", "Follow-up needed"
    CALL_DROPPED = "call_dropped", "Call dropped"


class GrievanceFiler(models.TextChoices):
    MEMBER = "member", "The member"
    REPRESENTATIVE = "representative", "Family or authorized representative"
    PROVIDER = "provider", "A provider on the member's behalf"
    ADVOCATE = "advocate", "An advocate or agency"


class GrievanceStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class GrievanceOutcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", "Substantiated"
    NOT_SUBSTANTIATED = "not_substantiated", "Not substantiated"
    WITHDRAWN = "withdrawn", "Withdrawn by the member"


class NoticeKind(models.TextChoices):
    ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment"
    RESOLUTION = "resolution", "Resolution"


class NoticeLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


class Language(models.TextChoices):
    """Languages a site's staff speak (Site.languages holds these codes)."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    PORTUGUESE = "pt", "Portuguese"
    POLISH = "pl", "Polish"
    HAITIAN_CREOLE = "ht", "Haitian Creole"
    VIETNAMESE = "vi", "Vietnamese"
    CHINESE = "zh", "Chinese"
    ARABIC = "ar", "Arabic"
    RUSSIAN = "ru", "Russian"
    ASL = "ase", "American Sign Language"


class BulletinKind(models.TextChoices):
    BULLETIN = "bulletin", "Bulletin"
    ALERT = "alert", "Alert"
    NEWSLETTER = "newsletter", "Newsletter"
    MANUAL = "manual", "Manual update"
    TRAINING = "training", "Training"


class BedUnit(models.TextChoices):
    CHILD = "child", "Child (under 13)"
    ADOLESCENT = "adolescent", "Adolescent (13-17)"
    ADULT = "adult", "Adult (18 and over)"


class BedGender(models.TextChoices):
    ANY = "any", "Any gender"
    FEMALE = "female", "Female"
    MALE = "male", "Male"
