from django.db import models


class ConsentScope(models.TextChoices):
    """What a member's 42 CFR Part 2 consent lets the ASO disclose to the named agency."""

    ALL_RECORDS = "all_records", "All substance-use treatment records"
    UTILIZATION = "utilization", "Authorization and utilization records"
    PAYMENT_ONLY = "payment_only", "Payment and eligibility only"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel workbook (.xlsx)"
    CSV = "csv", "CSV files in a zip (.zip)"
