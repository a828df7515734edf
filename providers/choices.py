from django.db import models


class LevelCategory(models.TextChoices):
    ACUTE = "acute", "Acute inpatient"
    RESIDENTIAL = "residential", "Residential"
    INTERMEDIATE = "intermediate", "Intermediate"
    OUTPATIENT = "outpatient", "Outpatient"
    HOME = "home", "Home and community"


class UnitType(models.TextChoices):
    DAY = "day", "Day"
    VISIT = "visit", "Visit"
    WEEK = "week", "Week"
    STAY = "stay", "Stay"
    UNIT_15 = "unit15", "15-minute unit"
    TEST = "test", "Test"


class ProviderKind(models.TextChoices):
    HOSPITAL = "hospital", "Hospital"
    CLINIC = "clinic", "Clinic"
    FQHC = "fqhc", "Federally qualified health center"
    GROUP = "group", "Group practice"
    INDIVIDUAL = "individual", "Individual practitioner"
    RESIDENTIAL = "residential", "Residential facility"


class ProviderStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"
