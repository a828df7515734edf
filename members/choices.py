from django.db import models


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Unknown"


class FundingAgency(models.TextChoices):
    DSS = "DSS", "Department of Social Services"
    DCF = "DCF", "Department of Children and Families"
    DMHAS = "DMHAS", "Department of Mental Health and Addiction Services"
