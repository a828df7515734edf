"""Scoring runs and what they produced: provider scores, statewide aggregates and the cases behind them.

A run is immutable once finished: its inputs are frozen by an input hash, and it keeps the exact
denominator cases (`ScoreCase`) of every score, so a disputed number can be shown case by case
months later, after new claims arrived and episodes were corrected. Recomputing from the live tables
could not promise that; snapshotting the inputs would cost more than keeping the cases.
Scores and cases are written in bulk and never edited, so they keep no simple-history; the run row
(who, when, input hash, measure rows used) is their provenance.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from par.choices import AgeGroup, PeriodKind, RunStatus, Split


class ImmutableRunError(RuntimeError):
    """A finished run, or anything it produced, was about to be changed."""


IMMUTABLE = "Finished PAR runs and their scores never change: start a new run instead."


class ScoreRun(models.Model):
    """One scoring of every measure for one period (both ends inclusive)."""

    label = models.CharField(max_length=30, help_text="2026Q3, 2026-07, 2026 or a date range")
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    input_hash = models.CharField(max_length=64, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per phase")
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-started_at", "-pk"]
        indexes = [
            models.Index(fields=["period_kind", "period_end"], name="scorerun_kind_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="scorerun_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_kind__in=PeriodKind.values), name="scorerun_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="scorerun_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"PAR run {self.pk} {self.label} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Integrity guard, not a business rule: a finished run is never written again."""
        if self.pk is not None:
            stored = ScoreRun.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in (RunStatus.SUCCEEDED, RunStatus.FAILED):
                raise ImmutableRunError(IMMUTABLE)
        super().save(*args, **kwargs)

    @property
    def seconds(self) -> float | None:
        return self.timings.get("total") if self.timings else None


class _WriteOnce(models.Model):
    """Rows a run writes once, in bulk; saving an existing one is refused."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRunError(IMMUTABLE)
        super().save(*args, **kwargs)


def _split_valid(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(split__in=Split.values), name=f"{prefix}_split_valid")


class ProviderScore(_WriteOnce):
    """A provider's score on one measure and split in one run (par.scoring.score_measure).

    `value` is empty when there are no cases; `suppressed` means fewer cases than the measure's
    minimum denominator ("too few cases"): percentile and target are then not shown.
    """

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="scores")
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey("par.Measure", on_delete=models.PROTECT, related_name="+")
    split = models.CharField(max_length=12, choices=Split.choices)
    numerator = models.FloatField()
    denominator = models.PositiveIntegerField()
    value = models.FloatField(null=True, blank=True)
    statewide_value = models.FloatField(null=True, blank=True)
    percentile = models.FloatField(null=True, blank=True, help_text="100 = best")
    providers_ranked = models.PositiveIntegerField(default=0)
    met_target = models.BooleanField(null=True, blank=True)
    suppressed = models.BooleanField()

    class Meta:
        ordering = ["run_id", "provider_id", "measure_id", "split"]
        indexes = [
            models.Index(fields=["run", "provider", "split"], name="providerscore_run_prov_idx"),
            models.Index(fields=["run", "split", "measure"], name="providerscore_run_split_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "provider", "measure", "split"], name="providerscore_unique"
            ),
            _split_valid("providerscore"),
        ]

    def __str__(self) -> str:
        return (
            f"run {self.run_id} provider {self.provider_id} measure {self.measure_id} {self.split}"
        )


class StatewideScore(_WriteOnce):
    """The state's figures on one measure and split in one run: the pooled value over every case
    (the "state mean" of the scorecards), the unweighted mean of provider values, how many providers
    had cases and how many were ranked (not suppressed)."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="statewide")
    measure = models.ForeignKey("par.Measure", on_delete=models.PROTECT, related_name="+")
    split = models.CharField(max_length=12, choices=Split.choices)
    numerator = models.FloatField()
    denominator = models.PositiveIntegerField()
    value = models.FloatField(null=True, blank=True)
    provider_mean = models.FloatField(null=True, blank=True)
    providers = models.PositiveIntegerField()
    providers_ranked = models.PositiveIntegerField()

    class Meta:
        ordering = ["run_id", "measure_id", "split"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "measure", "split"], name="statewidescore_unique"
            ),
            _split_valid("statewidescore"),
        ]

    def __str__(self) -> str:
        return f"run {self.run_id} statewide measure {self.measure_id} {self.split}"


class ScoreCase(_WriteOnce):
    """One denominator case of one measure in one run: the drill-down behind a provider's score.

    `case_ref` is the episode id (episode measures) or the claim id of the index visit (claim
    measures). Foreign keys carry no database constraint: the rows are written in bulk from rows
    read in the same transaction, and millions of constraint lookups would double the write time.
    """

    run = models.ForeignKey(
        ScoreRun, on_delete=models.CASCADE, related_name="cases", db_index=False
    )
    measure = models.ForeignKey(
        "par.Measure",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    site = models.ForeignKey(
        "providers.Site",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    episode = models.ForeignKey(
        "authorizations.Episode",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    case_ref = models.CharField(max_length=30)
    index_date = models.DateField()
    age_group = models.CharField(max_length=12, choices=AgeGroup.choices)
    dcf = models.BooleanField()
    numerator = models.FloatField()

    class Meta:
        ordering = ["index_date", "case_ref"]
        indexes = [
            models.Index(fields=["run", "measure", "provider"], name="scorecase_run_meas_prov_idx")
        ]

    def __str__(self) -> str:
        return f"run {self.run_id} case {self.case_ref}"
