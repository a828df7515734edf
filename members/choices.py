from django.db import models


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Unknown"


class FundingAgency(models.TextChoices):
    DSS = "DSS", "Department of Social Services"
    DCF = "DCF", "Department of Children and Families"
    DMHAS = "DMHAS", "Department of Mental Health and Addiction Services"


class EligibilityReason(models.TextChoices):
    """Why an eligibility check answered as it did. An unknown id and an id whose date of birth does
    not match share one code: the answer never tells which (no fishing for ids)."""

    ELIGIBLE = "eligible", "Eligible"
    NOT_FOUND = "not_found", "No member with this id and date of birth"
    NO_COVERAGE = "no_coverage", "No coverage on this date"
    COVERAGE_ENDED = "coverage_ended", "Coverage ended before this date"


class LoadFormat(models.TextChoices):
    CSV = "csv", "CSV (our layout)"
    X12_834 = "x12_834", "X12 834 (005010X220A1)"


class LoadMode(models.TextChoices):
    """Full: the file is the whole truth as of its date. Delta: only what the file says changes."""

    FULL = "full", "Full file"
    DELTA = "delta", "Changes only (delta)"


class LoadStatus(models.TextChoices):
    PENDING = "pending", "Waiting to run"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Loaded"
    FAILED = "failed", "Failed (nothing changed)"
    DUPLICATE = "duplicate", "Refused: already loaded"


class RejectionCode(models.TextChoices):
    """Why one row (CSV line or 834 member) of a file was not applied. The rest of the file loads."""

    BAD_ROW = "bad_row", "Wrong number of columns"
    BAD_ID = "bad_id", "Bad Medicaid id"
    BAD_DATE = "bad_date", "Impossible or badly written date"
    END_BEFORE_START = "end_before_start", "End before start"
    UNKNOWN_PROGRAM = "unknown_program", "Unknown program"
    MISSING_NAME = "missing_name", "Missing name"
    MISSING_BIRTH_DATE = "missing_birth_date", "Missing date of birth"
    BAD_VALUE = "bad_value", "Bad code value"
    NO_COVERAGE = "no_coverage", "No coverage stated"
    NOTHING_TO_CHANGE = "nothing_to_change", "Nothing to terminate or reinstate"
    X12_ERROR = "x12_error", "X12 segment error"
