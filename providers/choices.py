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


class ImportSource(models.TextChoices):
    PROVIDER_FILE = "provider_file", "State provider file"
    NPPES = "nppes", "NPPES refresh"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    READY = "ready", "Report ready, not applied"
    APPLIED = "applied", "Applied"
    UNCHANGED = "unchanged", "No changes"
    FAILED = "failed", "Failed"


class ChangeAction(models.TextChoices):
    ADDED = "added", "Added"
    CHANGED = "changed", "Changed"
    TERMINATED = "terminated", "Terminated"
    REJECTED = "rejected", "Rejected row"
    FLAGGED = "flagged", "Flagged for review"


class ChangeEntity(models.TextChoices):
    PROVIDER = "provider", "Provider"
    SITE = "site", "Site"
    OFFERING = "offering", "Offering"
    ROW = "row", "File row"
