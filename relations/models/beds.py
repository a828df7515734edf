"""Bed availability: inpatient and residential sites report their open beds by unit several times a
day; care managers place members from the latest figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from relations.choices import BedGender, BedUnit


class BedReport(models.Model):
    """A site's bed count at one moment: one line per level of care, unit and gender. Reports are
    never edited: a new report replaces the previous one on the board."""

    site = models.ForeignKey("providers.Site", on_delete=models.PROTECT, related_name="bed_reports")
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        permissions = [
            ("report_beds", "Report open beds for one's own inpatient or residential sites"),
            ("view_bed_board", "See the bed availability board"),
        ]
        indexes = [models.Index(fields=["site", "-reported_at"], name="bed_report_site_time_idx")]

    def __str__(self) -> str:
        return f"Bed report {self.pk} for site {self.site_id}"


class BedReportLine(models.Model):
    """Open (and optionally staffed) beds of one level of care, unit and gender in a report."""

    report = models.ForeignKey(BedReport, on_delete=models.CASCADE, related_name="lines")
    level_of_care = models.ForeignKey(
        "providers.LevelOfCare", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.CharField(max_length=12, choices=BedUnit.choices)
    gender = models.CharField(max_length=8, choices=BedGender.choices, default=BedGender.ANY)
    open_beds = models.IntegerField()
    staffed_beds = models.IntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "level_of_care", "unit", "gender"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__in=BedUnit.values), name="bed_line_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(gender__in=BedGender.values), name="bed_line_gender_valid"
            ),
            models.CheckConstraint(
                condition=Q(open_beds__gte=0),
                name="bed_line_open_not_negative",
                violation_error_message="Open beds cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(staffed_beds__isnull=True) | Q(staffed_beds__gte=F("open_beds")),
                name="bed_line_open_within_staffed",
                violation_error_message="Open beds cannot exceed staffed beds.",
            ),
            models.UniqueConstraint(
                fields=["report", "level_of_care", "unit", "gender"],
                name="bed_line_unique_per_report",
                violation_error_message="The report already has a line for this unit.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.open_beds} open ({self.unit}, {self.gender})"
