"""Codes of the PAR app: every status and code field has its TextChoices and a CheckConstraint."""

from django.db import models


class Direction(models.TextChoices):
    LOWER = "lower", "Lower is better"
    HIGHER = "higher", "Higher is better"


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", "Percent"
    DAYS = "days", "Days"
    COUNT = "count", "Count"


class CodeSystem(models.TextChoices):
    PROCEDURE = "procedure", "Procedure (CPT / HCPCS)"
    REVENUE = "revenue", "Revenue code (UB-04)"


class RejectionReason(models.TextChoices):
    MISSING_VALUE = "missing_value", "A required value is missing"
    BAD_LINE_NUMBER = "bad_line_number", "The line number is not a whole number from 1 to 999"
    BAD_DATE = "bad_date", "A date is not a valid YYYY-MM-DD date"
    DATES_ORDER = "dates_order", "Service to is before service from"
    PAID_BEFORE_SERVICE = "paid_before_service", "Paid before the service began"
    UNKNOWN_MEMBER = "unknown_member", "No member has this Medicaid id"
    UNKNOWN_PROVIDER = "unknown_provider", "No provider has this billing NPI"
    UNKNOWN_SITE = "unknown_site", "The billing provider has no site with this number"
    UNKNOWN_CODE = (
        "unknown_code",
        "Neither the revenue nor the procedure code maps to a level of care",
    )
    DUPLICATE_IN_FILE = "duplicate_in_file", "The same claim line appears earlier in the file"
    ALREADY_LOADED = "already_loaded", "This claim line was loaded by an earlier file"
    TOO_LONG = "too_long", "A value is longer than its column allows"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class PeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Year"
    CUSTOM = "custom", "Date range"


class Split(models.TextChoices):
    ALL = "all", "All cases"
    CHILD = "child", "Child (3-12)"
    ADOLESCENT = "adolescent", "Adolescent (13-17)"
    ADULT = "adult", "Adult (18+)"
    DCF = "dcf", "DCF-involved"
    NON_DCF = "non_dcf", "Not DCF-involved"


class AgeGroup(models.TextChoices):
    OTHER = "other", "Under 3 or unknown"
    CHILD = "child", "Child (3-12)"
    ADOLESCENT = "adolescent", "Adolescent (13-17)"
    ADULT = "adult", "Adult (18+)"
