"""Codes of Voluntary Care Management (VCM): referral status, contact channels and outcomes,
plan team roles, caregiver languages."""

from django.db import models


class VcmStatus(models.TextChoices):
    OUTREACH = "outreach", "Outreach"
    ENGAGED = "engaged", "Engaged"
    DISCHARGED = "discharged", "Discharged"


class AttemptChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    HOME_VISIT = "home_visit", "Home visit"


class AttemptOutcome(models.TextChoices):
    REACHED = "reached", "Reached the family"
    LEFT_MESSAGE = "left_message", "Left a message"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong or disconnected number"


class TeamKind(models.TextChoices):
    FAMILY = "family", "Family"
    NATURAL = "natural", "Natural support"
    PROVIDER = "provider", "Provider"
    SCHOOL = "school", "School"
    OTHER = "other", "Other"


class PlanLanguage(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Español"


# Eligibility reason codes (care.rules_vcm) and their messages.
ELIGIBILITY_MESSAGES = {
    "too_old": "VCM serves children under {max_age}: this child is {age}.",
    "not_born": "The child's date of birth is after the referral date.",
    "problem_not_eligible": (
        "VCM serves children whose primary problem is emotional, behavioral or substance use; "
        "'{problem}' is not one of them."
    ),
    "no_consent": "The family has not consented to take part: VCM is voluntary.",
}
