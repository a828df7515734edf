"""Provider Analysis and Reporting: measure definitions (claims, runs and scores come with their issue)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class Direction(models.TextChoices):
    LOWER = "lower", "Lower is better"
    HIGHER = "higher", "Higher is better"


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", "Percent"
    DAYS = "days", "Days"
    COUNT = "count", "Count"


class Measure(models.Model):
    """A PAR measure as reviewed data: what it counts, for which levels, which way is better, its target."""

    code = models.CharField(max_length=30)
    name = models.CharField(max_length=120)
    description = models.TextField()
    calculation = models.CharField(
        max_length=60, help_text="Function in par.measures that computes it"
    )
    levels_of_care = models.JSONField(default=list)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    unit = models.CharField(max_length=8, choices=MeasureUnit.choices)
    min_denominator = models.PositiveIntegerField(default=10)
    target = models.FloatField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "code"]
        permissions = [
            ("view_scorecards", "Read PAR scorecards"),
            ("run_par", "Run PAR scoring"),
            ("load_claims", "Load claims extracts"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="measure_unique_start"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="measure_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(unit__in=MeasureUnit.values), name="measure_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="measure_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"
