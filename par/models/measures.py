"""PAR measure definitions: reviewed, dated data (fixtures/par_measures.yaml)."""

from __future__ import annotations

import inspect

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from par.choices import Direction, MeasureUnit
from par.measures import MEASURES, MeasureSpec


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
            ("view_own_scorecard", "Read one's own organization's PAR scorecard"),
            ("view_statewide", "Read statewide PAR aggregates (no provider's numbers)"),
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

    def spec(self) -> MeasureSpec:
        """The pure-computation view of this row (par.measures.MeasureSpec)."""
        return MeasureSpec(
            code=self.code,
            calculation=self.calculation,
            levels_of_care=tuple(self.levels_of_care),
            direction=self.direction,
            unit=self.unit,
            min_denominator=self.min_denominator,
            target=self.target,
            params=dict(self.params or {}),
        )

    @property
    def definition(self) -> str:
        """The calculation's docstring: the exact definition shown on scorecards and workbooks."""
        function = MEASURES.get(self.calculation)
        return inspect.cleandoc(function.__doc__ or "") if function else ""
