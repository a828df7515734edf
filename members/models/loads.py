"""Eligibility-file loads: one row per file received, and the rows of it that were not applied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from members.choices import LoadFormat, LoadMode, LoadStatus, RejectionCode

DUPLICATE_FILE_MESSAGE = "This file was already loaded (same content): load #{pk} of {name}."


class EligibilityLoad(models.Model):
    """One eligibility file from the state (our CSV layout or an X12 834), loaded in one transaction.

    A file is identified by the sha256 of its bytes: a second file with the same content is refused as a
    duplicate naming the earlier load. A failed or interrupted load changed nothing and can be run again;
    `message` says why it failed. Counts: `rows_read` lines (CSV) or member loops (834); spans added,
    changed (dates moved), terminated (ended earlier or closed), removed (merged into a neighbour or
    withdrawn by a full file); `rows_rejected` rows not applied (listed as `EligibilityRejection`).
    """

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(default=0)
    format = models.CharField(max_length=8, choices=LoadFormat.choices)
    mode = models.CharField(
        max_length=8,
        choices=LoadMode.choices,
        blank=True,
        help_text="Blank until the load runs when the file says (834 BGN08).",
    )
    as_of = models.DateField(
        null=True,
        blank=True,
        help_text="The date the file speaks for: a full file is the whole truth as of this date.",
    )
    validate_x12 = models.BooleanField(
        "Validate with pyx12",
        default=True,
        help_text="834 only: check the file against the 005010X220A1 map first (about 0.7 ms a member).",
    )
    status = models.CharField(max_length=12, choices=LoadStatus.choices, default=LoadStatus.PENDING)
    message = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    members_added = models.PositiveIntegerField(default=0)
    members_changed = models.PositiveIntegerField(default=0)
    spans_added = models.PositiveIntegerField(default=0)
    spans_changed = models.PositiveIntegerField(default=0)
    spans_terminated = models.PositiveIntegerField(default=0)
    spans_removed = models.PositiveIntegerField(default=0)
    parse_seconds = models.FloatField(null=True, blank=True)
    merge_seconds = models.FloatField(null=True, blank=True)
    step_seconds = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(status=LoadStatus.SUCCEEDED),
                name="eligibility_load_file_once",
                violation_error_message="This file was already loaded.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=LoadStatus.values), name="eligibility_load_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=LoadFormat.values), name="eligibility_load_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=[*LoadMode.values, ""]), name="eligibility_load_mode_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Eligibility load #{self.pk} ({self.get_status_display()})"

    @property
    def total_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def is_finished(self) -> bool:
        return self.status not in {LoadStatus.PENDING, LoadStatus.RUNNING}

    def counts(self) -> dict[str, int]:
        return {
            "rows read": self.rows_read,
            "rows rejected": self.rows_rejected,
            "members added": self.members_added,
            "members changed": self.members_changed,
            "spans added": self.spans_added,
            "spans changed": self.spans_changed,
            "spans terminated": self.spans_terminated,
            "spans removed": self.spans_removed,
        }


class EligibilityRejection(models.Model):
    """A row of a file that was not applied (or applied with a warning), with where and why.

    `position` is the line number (CSV, header = line 1) or the segment number of the member's INS
    segment (834). `raw` keeps the row as received so data operations can fix and resend it.
    """

    load = models.ForeignKey(EligibilityLoad, on_delete=models.CASCADE, related_name="rejections")
    position = models.PositiveIntegerField()
    code = models.CharField(max_length=24, choices=RejectionCode.choices)
    message = models.CharField(max_length=300)
    medicaid_id = models.CharField(max_length=20, blank=True)
    raw = models.TextField(blank=True)
    applied = models.BooleanField(
        default=False, help_text="A warning: the row was applied, this part of it was not."
    )

    class Meta:
        ordering = ["load", "position", "pk"]
        indexes = [models.Index(fields=["load", "position"], name="rejection_load_position_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__in=RejectionCode.values), name="rejection_code_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} at {self.position}"
