"""Care management: intensive care manager triggers (identification and caseloads come with their issue)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class IcmTrigger(models.Model):
    """A dated rule that makes a member an ICM candidate (repeat admissions, readmission, ...)."""

    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=40, help_text="Which evaluator computes it")
    label = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="icm_trigger_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="icm_trigger_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.label
