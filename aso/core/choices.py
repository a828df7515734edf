from django.db import models


class Agency(models.TextChoices):
    DSS = "DSS", "Department of Social Services"
    DCF = "DCF", "Department of Children and Families"
    DMHAS = "DMHAS", "Department of Mental Health and Addiction Services"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    API = "api", "Read through the API"
    DISCLOSE = "disclose", "Disclosed"
